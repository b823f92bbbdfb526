package dev.pier.server.security;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The directory's log-in behind the {@link LoginThrottle}, for every way in (the panel's form, the API's HTTP Basic,
 * SSH): while a name is throttled at the client's address, its password is not even checked ({@link Throttled}); each
 * failure is logged with the name and the address. For the web, the client's address is the edge's word for it (its
 * forwarding headers).
 */
public final class ThrottledLogins implements AuthenticationManager {

  private static final Logger log = LoggerFactory.getLogger(ThrottledLogins.class);

  /** A log-in refused unchecked, for {@link #retryAfter} more. */
  static final class Throttled extends AuthenticationException {
    private final Duration retryAfter;

    Throttled(Duration retryAfter) {
      super("too many failed log-ins: try again in " + Math.max(1, retryAfter.toSeconds()) + " s");
      this.retryAfter = retryAfter;
    }

    /** Whole seconds, at least one: for a Retry-After header. */
    long retryAfterSeconds() {
      return Math.max(1, retryAfter.toSeconds() + (retryAfter.toMillisPart() > 0 ? 1 : 0));
    }
  }

  private final AuthenticationManager directory;
  private final LoginThrottle throttle;

  public ThrottledLogins(AuthenticationManager directory, LoginThrottle throttle) {
    this.directory = directory;
    this.throttle = throttle;
  }

  @Override
  public Authentication authenticate(Authentication login) {
    String address = login.getDetails() instanceof WebAuthenticationDetails d && d.getRemoteAddress() != null ? d.getRemoteAddress() : "unknown";
    return authenticate(login, address);
  }

  /** Checks {@code login}, made from {@code address}; an {@link AuthenticationException} when it is refused. */
  public Authentication authenticate(Authentication login, String address) {
    String user = login.getName();
    if (!LoginThrottle.plausibleName(user)) {
      throw new BadCredentialsException("not a user name"); // neither checked nor remembered
    }
    Duration wait = throttle.attempt(user, address);
    if (!wait.isZero()) {
      log.warn("log-in of {} from {} refused unchecked: too many failures, next try in {} s", user, address, Math.max(1, wait.toSeconds()));
      throw new Throttled(wait);
    }
    try {
      Authentication done = directory.authenticate(login);
      throttle.succeeded(user, address);
      return done;
    } catch (BadCredentialsException e) {
      log.info("log-in of {} from {} failed: wrong name or password", user, address);
      throw e;
    } catch (RuntimeException e) { // the directory did not answer, or failed otherwise
      throttle.undone(user, address);
      log.warn("log-in of {} from {} could not be checked: {}", user, address, e.getMessage());
      throw e;
    }
  }
}
