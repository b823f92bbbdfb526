package dev.pier.server.security;

import dev.pier.server.common.Caller;
import dev.pier.server.config.PierProperties;
import java.text.MessageFormat;
import java.util.Locale;
import org.springframework.ldap.NameNotFoundException;
import org.springframework.ldap.support.LdapEncoder;
import org.springframework.security.ldap.DefaultSpringSecurityContextSource;
import org.springframework.security.ldap.SpringSecurityLdapTemplate;
import org.springframework.security.ldap.userdetails.DefaultLdapAuthoritiesPopulator;
import org.springframework.stereotype.Component;

/**
 * A user's roles read from the directory without their password: for logins that prove who they are another way
 * (an SSH key), so that an admin stays an admin however they log in.
 */
@Component
public class UserRoles {

  private final DefaultLdapAuthoritiesPopulator groups;
  private final PierProperties props;
  private final SpringSecurityLdapTemplate ldap;

  UserRoles(DefaultLdapAuthoritiesPopulator groups, PierProperties props, DefaultSpringSecurityContextSource source) {
    this.groups = groups;
    this.props = props;
    this.ldap = new SpringSecurityLdapTemplate(source);
  }

  /** Whether {@code user} is in the directory now (a key outlives nothing its owner no longer has). */
  public boolean exists(String user) {
    String name = user.toLowerCase(Locale.ROOT);
    try {
      ldap.lookup(MessageFormat.format(props.ldap().userDnPattern(), LdapEncoder.nameEncode(name)));
      return true;
    } catch (NameNotFoundException e) {
      return false;
    }
  }

  /** The caller {@code user} is, by their groups now. */
  public Caller caller(String user) {
    String name = user.toLowerCase(Locale.ROOT);
    String dn = MessageFormat.format(props.ldap().userDnPattern(), LdapEncoder.nameEncode(name)) + "," + props.ldap().baseDn();
    return SecurityConfig.caller(name, groups.getGroupMembershipRoles(dn, name));
  }
}
