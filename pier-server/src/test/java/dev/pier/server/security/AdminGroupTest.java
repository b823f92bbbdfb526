package dev.pier.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.pier.server.testing.PierTestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * In a directory where users manage their own groups, a user who names their group "admins" too is no admin: only
 * the members of the one entry {@code cn=admins,ou=groups} are.
 */
@Tag("root")
class AdminGroupTest {

  private PierTestServer server;
  private EmbeddedLdap ldap;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
    ldap = server.context().getBean(EmbeddedLdap.class);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private int adminOnlyCallAs(String user) throws Exception {
    return server.api(user, "GET", "/api/v1/certificates/acme", null).statusCode();
  }

  @Test
  void aGroupThatCallsItselfAdminsMakesNoAdminTheAdminGroupDoes() throws Exception {
    assertThat(adminOnlyCallAs("alice")).isEqualTo(403);
    // alice's own group, with a second name she gave it
    ldap.directory().add("dn: cn=alices-friends,ou=groups,dc=pier,dc=local", "objectClass: top", "objectClass: groupOfNames",
          "cn: alices-friends", "cn: admins", "member: " + ldap.userDn("alice"));
    assertThat(adminOnlyCallAs("alice")).as("a group named admins among other names").isEqualTo(403);

    ldap.directory().modify("cn=admins,ou=groups,dc=pier,dc=local", new Modification(ModificationType.ADD, "member", ldap.userDn("bob")));
    assertThat(adminOnlyCallAs("bob")).as("a member of the admin group itself").isEqualTo(200);
    assertThat(adminOnlyCallAs("admin")).isEqualTo(200);
  }

  @Test
  void aUserIsTheirEntrysIdHoweverTheyTypeIt() throws Exception {
    ldap.directory().add("dn: uid=Carol,ou=people,dc=pier,dc=local", "objectClass: top", "objectClass: person",
          "objectClass: organizationalPerson", "objectClass: inetOrgPerson", "uid: Carol", "cn: Carol", "sn: Carol",
          "userPassword: " + server.password("carol"));
    String created = curl("CAROL", "POST", "/api/v1/sites", "{\"name\":\"carols\"}");
    assertThat(created).contains("\"owner\":\"carol\"");
    assertThat(curl("cArOl", "GET", "/api/v1/sites", null)).contains("\"name\":\"carols\"");
  }

  private String curl(String user, String method, String path, String json) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-X", method, "-H", "Host: " + PierTestServer.DOMAIN,
        "-u", user + ":" + server.password("carol"), "-H", "Content-Type: application/json"));
    if (json != null) {
      command.addAll(List.of("--data", json));
    }
    command.add("http://127.0.0.1:" + server.edgePort() + path);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
