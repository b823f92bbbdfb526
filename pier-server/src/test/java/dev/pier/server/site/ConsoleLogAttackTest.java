package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.server.testing.PierTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A tenant's PHP turns its server's stderr (the site's console log) into a sparse terabyte and floods it with 32 MiB
 * of lines. The log holds at most its own 8 MiB of blocks, on no disk of the host; Pier cuts it down without copying
 * it, the site still shows its log, and a neighbour serves throughout.
 */
@Tag("root")
class ConsoleLogAttackTest {

  private static final String FLOOD = """
      <?php
      $err = fopen('php://stderr', 'a');
      ftruncate($err, 1 << 40);
      $line = str_repeat('x', 8191) . "\\n";
      for ($i = 0; $i < 4096; $i++) {
        fwrite($err, $line);
      }
      error_log('flood-finished');
      echo 'flooded';
      """;

  private PierTestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** The bytes of disk (or memory) a file really holds: its blocks, as stat(1) counts them. */
  private static long blockBytes(Path file) throws Exception {
    Process p = new ProcessBuilder(List.of("stat", "-c", "%b %B", file.toString())).redirectErrorStream(true).start();
    String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ");
    assertThat(p.waitFor()).as(String.join(" ", out)).isZero();
    return Long.parseLong(out[0]) * Long.parseLong(out[1]);
  }

  @Test
  void aSitesLogFloodedAndMadeASparseTerabyteHoldsItsCapAndTouchesNothingElse() throws Exception {
    String site = server.host.siteName("flood");
    String calm = server.host.siteName("calm");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + site + "\",\"image\":\"debian-php\"}");
    server.api("bob", "POST", "/api/v1/sites", "{\"name\":\"" + calm + "\",\"image\":\"static\"}");
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + site + "/start", null).statusCode()).isEqualTo(200);
    assertThat(server.api("bob", "POST", "/api/v1/sites/" + calm + "/start", null).statusCode()).isEqualTo(200);
    assertThat(server.send("alice", "PUT", "/api/v1/sites/" + site + "/files/flood.php", FLOOD.getBytes(StandardCharsets.UTF_8),
        "application/octet-stream").statusCode()).isIn(200, 201);

    assertThat(server.visit(site, "/flood.php").body()).isEqualTo("flooded");

    Path log = server.host.dataDir.resolve("sites").resolve(site).resolve("log/console.log");
    assertThat(blockBytes(log)).as("what the log really holds").isLessThanOrEqualTo(8L << 20);
    assertThat(server.visit(calm).statusCode()).as("the neighbour").isEqualTo(200);

    // Pier's next pass cuts it down to its tail, in place.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (blockBytes(log) > 4L << 20 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(blockBytes(log)).as("cut down").isLessThanOrEqualTo(1L << 20);
    String shown = server.api("alice", "GET", "/api/v1/sites/" + site + "/logs?bytes=4096", null).body();
    assertThat(shown).as("the site's log, as its owner reads it").contains("xxxx").doesNotContain("\0");
    assertThat(server.visit(site, "/").statusCode()).isEqualTo(200);
    assertThat(server.visit(calm).statusCode()).isEqualTo(200);
  }
}
