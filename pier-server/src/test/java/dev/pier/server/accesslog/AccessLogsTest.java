package dev.pier.server.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.site.SiteName;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogsTest {

  @TempDir
  Path dir;

  @Test
  void eachSiteHasItsOwnLogRotatedPastItsLimitAndRemovedWithTheSite() throws Exception {
    try (AccessLogs logs = new AccessLogs(dir, 4096)) {
      for (int i = 0; i < 100; i++) {
        logs.record("blog", "line " + i + " " + "x".repeat(80));
        logs.record("shop", "shop " + i);
        if (i == 49) {
          logs.flush(); // the first half fills blog.log past its limit
        }
      }
      logs.record("../etc", "a name that is not a site's is never a file");
      logs.flush();
      assertThat(logs.read(SiteName.of("shop"), 1 << 20)).startsWith("shop 0\n").endsWith("shop 99\n");
      // blog wrote about 9 KiB with a 4 KiB limit: the first half went to blog.log.1, the rest to a new blog.log.
      assertThat(Files.readString(dir.resolve("blog.log.1"))).startsWith("line 0 ").endsWith("line 49 " + "x".repeat(80) + "\n");
      assertThat(logs.read(SiteName.of("blog"), 1 << 20)).startsWith("line 50 ").endsWith("line 99 " + "x".repeat(80) + "\n");
      assertThat(dir.resolveSibling("etc.log")).doesNotExist();
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("blog.log", "blog.log.1", "shop.log");
      }

      logs.remove(SiteName.of("blog"));
      assertThat(dir.resolve("blog.log")).doesNotExist();
      assertThat(dir.resolve("blog.log.1")).doesNotExist();
      logs.record("blog", "a new blog");
      logs.flush();
      assertThat(logs.read(SiteName.of("blog"), 1 << 20)).isEqualTo("a new blog\n");
      logs.record("shop", "the last line before Pier stops");
    }
    assertThat(Files.readString(dir.resolve("shop.log"))).as("written at close").endsWith("the last line before Pier stops\n");
  }
}
