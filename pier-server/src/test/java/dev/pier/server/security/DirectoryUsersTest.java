package dev.pier.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.server.config.PierProperties;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.ldap.SpringSecurityLdapTemplate;

/** Which group entry makes admins, and which groups grants and quotas can name: by DN, never by a cn value alone. */
class DirectoryUsersTest {

  private static DirectoryUsers users(String adminGroup) {
    return new DirectoryUsers(new PierProperties.Ldap("", "dc=pier,dc=local", "uid={0},ou=people", "ou=groups", adminGroup, "", ""));
  }

  private static Map<String, List<String>> group(String dn, String... cns) {
    return Map.of(SpringSecurityLdapTemplate.DN_KEY, List.of(dn), "cn", List.of(cns));
  }

  @Test
  void theAdminGroupIsOneEntryNamedByItsCnOrWholeDn() {
    for (DirectoryUsers u : List.of(users("admins"), users("cn=admins,ou=groups,dc=pier,dc=local"), users("cn=admins,ou=groups"))) {
      assertThat(u.role(group("cn=admins,ou=groups,dc=pier,dc=local", "admins")).getAuthority()).isEqualTo(SecurityConfig.ADMIN);
      assertThat(u.role(group("cn=admins,ou=groups", "admins")).getAuthority()).as("relative to the base").isEqualTo(SecurityConfig.ADMIN);
      assertThat(u.role(group("cn=friends,ou=groups,dc=pier,dc=local", "friends", "admins")).getAuthority()).isEqualTo("ROLE_GROUP_friends");
      assertThat(u.role(group("cn=admins,ou=elsewhere,dc=pier,dc=local", "admins")).getAuthority()).isEqualTo("ROLE_MEMBER");
    }
  }
}
