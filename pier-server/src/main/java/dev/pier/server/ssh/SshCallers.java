package dev.pier.server.ssh;

import dev.pier.server.common.Caller;
import dev.pier.server.security.UserRoles;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.session.SessionContext;
import org.springframework.stereotype.Component;

/** Who an SSH session's user is, once it logged in: from their password login, or read from the directory. */
@Component
class SshCallers {

  /** Set by a password login, which learns the user's roles as it checks the password. */
  static final AttributeRepository.AttributeKey<Caller> CALLER = new AttributeRepository.AttributeKey<>();

  private final UserRoles roles;

  SshCallers(UserRoles roles) {
    this.roles = roles;
  }

  /** The caller of an authenticated session. */
  Caller of(SessionContext session) {
    if (!session.isAuthenticated()) {
      throw new IllegalStateException("an SSH session that has not logged in");
    }
    Caller c = session.getAttribute(CALLER);
    if (c != null) {
      return c;
    }
    // A key login: the roles now, read with Pier's class loader (see SshServerLifecycle).
    Caller found = SshServerLifecycle.withPierClassLoader(() -> roles.caller(session.getUsername()));
    session.setAttribute(CALLER, found);
    return found;
  }
}
