package dev.pier.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.SearchScope;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded directory as a local user on the host would meet it: over its loopback port. */
class EmbeddedLdapTest {

  private static final String BASE = "dc=pier,dc=local";

  @TempDir
  Path data;

  private static LDAPConnection connect(EmbeddedLdap ldap) throws LDAPException {
    URI url = URI.create(ldap.url());
    return new LDAPConnection(url.getHost(), url.getPort());
  }

  @Test
  void firstStartMakesAnAdminWithARandomPasswordKeptInPrivateFiles() throws Exception {
    try (EmbeddedLdap ldap = new EmbeddedLdap(data, BASE)) {
      String password = Files.readString(data.resolve("initial-admin-password")).strip();
      assertThat(password).hasSizeGreaterThanOrEqualTo(20);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("initial-admin-password")))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("ldap/directory.ldif")))).isEqualTo("rw-------");
      assertThat(Files.readString(data.resolve("ldap/directory.ldif"))).doesNotContain(password);
      try (LDAPConnection c = connect(ldap)) {
        c.bind(ldap.userDn("admin"), password);
      }
    }
    Path other = Files.createDirectory(data.resolveSibling(data.getFileName() + "-other"));
    try (EmbeddedLdap second = new EmbeddedLdap(other, BASE)) {
      assertThat(Files.readString(other.resolve("initial-admin-password")))
          .as("no fixed password: each new directory gets its own").isNotEqualTo(Files.readString(data.resolve("initial-admin-password")));
    }
  }

  @Test
  void theDirectoryAndItsPasswordsSurviveARestart() throws Exception {
    try (EmbeddedLdap ldap = new EmbeddedLdap(data, BASE)) {
      ldap.addUser("carol", "carol-password", false);
    }
    try (EmbeddedLdap again = new EmbeddedLdap(data, BASE); LDAPConnection c = connect(again)) {
      c.bind(again.userDn("carol"), "carol-password");
      c.bind(again.userDn("admin"), Files.readString(data.resolve("initial-admin-password")).strip());
    }
  }

  @Test
  void nobodyWritesOverTheNetworkAndNobodyReadsWithoutAPassword() throws Exception {
    try (EmbeddedLdap ldap = new EmbeddedLdap(data, BASE)) {
      ldap.addUser("carol", "carol-password", false);
      try (LDAPConnection anonymous = connect(ldap)) {
        assertThatThrownBy(() -> anonymous.search(BASE, SearchScope.SUB, "(uid=*)")).isInstanceOf(LDAPException.class);
      }
      try (LDAPConnection carol = connect(ldap)) {
        carol.bind(ldap.userDn("carol"), "carol-password");
        assertThatThrownBy(() -> carol.modify("cn=admins,ou=groups," + BASE,
            new Modification(ModificationType.ADD, "member", ldap.userDn("carol")))).isInstanceOf(LDAPException.class);
        assertThat(carol.getEntry(ldap.userDn("admin")).hasAttribute("userPassword")).as("no password hash is readable").isFalse();
        assertThat(carol.getEntry(ldap.userDn("admin"), "userPassword").hasAttribute("userPassword")).isFalse();
        assertThatThrownBy(() -> carol.modify(ldap.userDn("admin"),
            new Modification(ModificationType.REPLACE, "userPassword", "mine"))).isInstanceOf(LDAPException.class);
      }
      try (LDAPConnection wrong = connect(ldap)) {
        assertThatThrownBy(() -> wrong.bind(ldap.userDn("admin"), "guess")).isInstanceOf(LDAPException.class);
      }
    }
  }
}
