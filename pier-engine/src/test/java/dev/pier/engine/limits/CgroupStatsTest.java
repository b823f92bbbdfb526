package dev.pier.engine.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against file trees recorded from a cgroup v1 host (this machine's layout) and a cgroup v2 host. */
class CgroupStatsTest {

  @TempDir
  Path root;

  private void write(String path, String content) throws IOException {
    Path f = root.resolve(path);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
  }

  @Test
  void readsCgroupV1() throws IOException {
    write("cpuacct/pier/pier-blog/cpuacct.usage", "1234567890\n");
    write("memory/pier/pier-blog/memory.usage_in_bytes", "10485760\n");
    write("memory/pier/pier-blog/memory.stat", "cache 4096\nrss 2097152\ntotal_cache 4096\ntotal_inactive_file 1048576\n");
    write("pids/pier/pier-blog/pids.current", "3\n");
    assertThat(new CgroupStats(root).read("/pier/pier-blog")).contains(new Usage(1234567890L, 9437184L, 3));
  }

  @Test
  void readsCgroupV2() throws IOException {
    write("pier/pier-blog/cgroup.controllers", "cpu memory pids\n");
    write("pier/pier-blog/cpu.stat", "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\n");
    write("pier/pier-blog/memory.current", "8388608\n");
    write("pier/pier-blog/memory.stat", "anon 4194304\nfile 4194304\nactive_file 2097152\ninactive_file 2097152\n");
    write("pier/pier-blog/pids.current", "5\n");
    assertThat(new CgroupStats(root).read("/pier/pier-blog")).contains(new Usage(5_000_000L, 6291456L, 5));
  }

  @Test
  void aGoneCgroupHasNoUsage() {
    assertThat(new CgroupStats(root).read("/pier/pier-nothing")).isEmpty();
  }

  @Test
  void countsOomKillsOnV1AndV2() throws IOException {
    write("memory/pier/pier-a/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    write("pier/pier-b/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
    CgroupStats stats = new CgroupStats(root);
    assertThat(stats.oomKills("/pier/pier-a")).isEqualTo(2);
    assertThat(stats.oomKills("/pier/pier-b")).isEqualTo(1);
    assertThat(stats.oomKills("/pier/pier-gone")).isZero();
  }
}
