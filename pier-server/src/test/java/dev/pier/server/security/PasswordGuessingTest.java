package dev.pier.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.server.testing.PierTestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Guessing a password over the API, as anyone on the network could: after a few wrong ones, that name is refused
 * unchecked from that address (429, Retry-After), the right password included; the real user, from another
 * address, still logs in. curl is the client, from two loopback addresses, through the edge.
 */
@Tag("root")
class PasswordGuessingTest {

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** The status and headers curl got for GET /api/v1/sites as {@code user:password}, from {@code from}. */
  private String call(String from, String user, String password) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-D", "-", "--interface", from,
        "-H", "Host: " + PierTestServer.DOMAIN, "-u", user + ":" + password,
        "http://127.0.0.1:" + server.edgePort() + "/api/v1/sites"));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void wrongPasswordsMakeThatNameWaitAtThatAddressOnly() throws Exception {
    for (int i = 0; i < LoginThrottle.FREE; i++) {
      assertThat(call("127.0.0.1", "alice", "guess-" + i)).startsWith("HTTP/1.1 401");
    }
    String refused = call("127.0.0.1", "alice", server.password("alice"));
    assertThat(refused).as("the right password is not even checked while the guesser waits").startsWith("HTTP/1.1 429")
        .containsIgnoringCase("retry-after: ");
    assertThat(call("127.0.0.2", "alice", server.password("alice"))).as("alice herself, from elsewhere").startsWith("HTTP/1.1 200");
    assertThat(call("127.0.0.1", "bob", server.password("bob"))).as("another user behind the same address").startsWith("HTTP/1.1 200");
  }
}
