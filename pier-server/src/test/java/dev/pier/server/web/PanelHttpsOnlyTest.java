package dev.pier.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.server.testing.PierTestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * With HTTPS on, the panel never speaks plain HTTP: its pages answer 308 to the same page over HTTPS, the session
 * cookie is Secure, HttpOnly and SameSite=Lax. What must stay reachable does: the CA's
 * certificate (to trust HTTPS in the first place) and the API from scripts on the host. curl is the client, checking
 * the panel's certificate against Pier's CA.
 */
@Tag("root")
class PanelHttpsOnlyTest {

  private static PierTestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** The status line and headers curl got, and the body after a blank line. */
  private static String curl(String url, String... more) throws Exception {
    String domain = PierTestServer.DOMAIN;
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-D", "-", "--max-time", "20",
        "--resolve", domain + ":" + server.edgePort() + ":127.0.0.1", "--resolve", domain + ":" + server.httpsPort() + ":127.0.0.1",
        "--cacert", server.host.dataDir.resolve("ca.pem").toString()));
    command.addAll(List.of(more));
    command.add(url);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  private static String http(String path) {
    return "http://" + PierTestServer.DOMAIN + ":" + server.edgePort() + path;
  }

  private static String https(String path) {
    return "https://" + PierTestServer.DOMAIN + ":" + server.httpsPort() + path;
  }

  @Test
  void everyPanelPageOverPlainHttpIsSentToHttps() throws Exception {
    for (String path : new String[] {"/login", "/", "/sites/blog?tab=files", "/login?error"}) {
      String answer = curl(http(path));
      assertThat(answer).as(path).startsWith("HTTP/1.1 308").containsIgnoringCase("location: " + https(path) + "\r\n");
    }
    String form = curl(http("/login"), "--data", "username=alice&password=" + server.password("alice"));
    assertThat(form).as("a log-in form posted over plain HTTP checks nothing").startsWith("HTTP/1.1 308")
        .doesNotContainIgnoringCase("set-cookie");
  }

  @Test
  void overHttpsTheSessionCookieIsSecure() throws Exception {
    String login = curl(https("/login"));
    // No HSTS on a port other than 443 (the edge's tests', here): browsers would keep the port and send plain-HTTP
    // links there. RouteDecisionTest shows the panel's HSTS with the edge on 80 and 443.
    assertThat(login).startsWith("HTTP/2 200").doesNotContainIgnoringCase("strict-transport-security");
    String cookie = login.lines().filter(l -> l.toLowerCase().startsWith("set-cookie: pier_session=")).findFirst().orElseThrow();
    assertThat(cookie).contains("; Secure").contains("; HttpOnly").contains("; SameSite=Lax");
    assertThat(curl(https("/login"), "--http1.1")).startsWith("HTTP/1.1 200").containsIgnoringCase("set-cookie: pier_session=");
  }

  @Test
  void theCaCertificateAndTheApiFromTheHostItselfStayOnPlainHttp() throws Exception {
    assertThat(curl(http("/ca.pem"))).startsWith("HTTP/1.1 200").contains("BEGIN CERTIFICATE");
    assertThat(curl(http("/api/v1/sites"), "-u", "alice:" + server.password("alice"))).startsWith("HTTP/1.1 200");
  }
}
