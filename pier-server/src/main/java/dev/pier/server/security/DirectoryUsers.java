package dev.pier.server.security;

import dev.pier.server.config.PierProperties;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import org.springframework.ldap.core.DirContextOperations;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.ldap.SpringSecurityLdapTemplate;
import org.springframework.security.ldap.userdetails.LdapUserDetailsMapper;

/**
 * Who a directory entry is to Pier. The admin group is one entry, named by its DN: {@code cn=ADMIN-GROUP} under the
 * group base (or {@code pier.ldap.admin-group} itself when it is a DN, under the base DN), never any group that
 * carries the word among its names. A user's name is their entry's own id (the {@code uid} of {@code uid={0},...}),
 * lower-cased, never what they typed: every spelling the directory accepts for one entry is one owner.
 */
final class DirectoryUsers {

  private final LdapName adminGroup;
  private final LdapName groupBase;
  private final LdapName base;
  private final String idAttribute;

  DirectoryUsers(PierProperties.Ldap ldap) {
    try {
      base = new LdapName(ldap.baseDn());
      groupBase = new LdapName(ldap.groupSearchBase() == null ? "" : ldap.groupSearchBase());
      String group = ldap.adminGroup().strip();
      LdapName named;
      if (group.contains("=")) {
        named = new LdapName(group);
      } else {
        named = (LdapName) new LdapName(groupBase.getRdns()).add("cn=" + escape(group));
      }
      adminGroup = relative(named, base); // given whole (under the base DN) or relative to it
      String pattern = ldap.userDnPattern();
      int eq = pattern.indexOf('=');
      idAttribute = eq > 0 ? pattern.substring(0, eq).strip() : "uid";
    } catch (InvalidNameException e) {
      throw new IllegalArgumentException("pier.ldap.admin-group, group-search-base or base-dn is not a DN: " + e.getMessage(), e);
    }
  }

  /**
   * The role a group found for a user gives: admin for the admin group's entry; {@code ROLE_GROUP_NAME} for a group
   * {@code cn=NAME} right under the group base, by its DN (what plan grants and quotas name); none for others.
   */
  GrantedAuthority role(Map<String, List<String>> group) {
    List<String> dn = group.get(SpringSecurityLdapTemplate.DN_KEY);
    LdapName name = dn == null || dn.isEmpty() ? null : relative(dn.getFirst());
    if (name != null && name.equals(adminGroup)) {
      return new SimpleGrantedAuthority(SecurityConfig.ADMIN);
    }
    if (name != null && name.size() == groupBase.size() + 1 && name.startsWith(groupBase)
        && name.getRdn(name.size() - 1).getType().equalsIgnoreCase("cn")) {
      return new SimpleGrantedAuthority(GROUP_ROLE + name.getRdn(name.size() - 1).getValue());
    }
    return new SimpleGrantedAuthority("ROLE_MEMBER");
  }

  static final String GROUP_ROLE = "ROLE_GROUP_";

  /** Whether {@code dn} (relative to the base DN, or whole) is the admin group's. */
  boolean isAdminGroup(String dn) {
    LdapName name = relative(dn);
    return name != null && name.equals(adminGroup);
  }

  /** {@code dn} relative to the base DN (as given if it is not under it); null if it is no DN. */
  private LdapName relative(String dn) {
    try {
      return relative(new LdapName(dn), base);
    } catch (InvalidNameException e) {
      return null;
    }
  }

  private static LdapName relative(LdapName name, LdapName base) {
    return !base.isEmpty() && name.startsWith(base) && name.size() > base.size() ? (LdapName) name.getSuffix(base.size()) : name;
  }

  /** Users as their entries name them. */
  LdapUserDetailsMapper mapper() {
    return new LdapUserDetailsMapper() {
      @Override
      public UserDetails mapUserFromContext(DirContextOperations entry, String typed, Collection<? extends GrantedAuthority> roles) {
        return super.mapUserFromContext(entry, id(entry, typed), roles);
      }
    };
  }

  /** The entry's own id: the value of its naming attribute that the typed name matched, as the entry spells it. */
  String id(DirContextOperations entry, String typed) {
    String[] values = entry.getStringAttributes(idAttribute);
    if (values == null || values.length == 0) {
      throw new IllegalStateException("directory entry " + entry.getDn() + " has no " + idAttribute);
    }
    String chosen = values[0];
    for (String v : values) {
      if (v.strip().equalsIgnoreCase(typed.strip())) {
        chosen = v;
        break;
      }
    }
    return chosen.strip().toLowerCase(Locale.ROOT);
  }

  private static String escape(String value) {
    return javax.naming.ldap.Rdn.escapeValue(value);
  }
}
