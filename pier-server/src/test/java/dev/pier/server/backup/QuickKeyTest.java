package dev.pier.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandResult;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.util.MoreFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A quick key made by Pier opens a repository restic made, for restic itself, with the password and only with it. */
class QuickKeyTest {

  private final Path dir = tempDir();
  private final ProcessRunner runner = new ProcessRunner();

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("pier-quick-key-");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void clean() {
    MoreFiles.deleteRecursively(dir);
  }

  private CommandResult restic(String password, String... args) throws Exception {
    Path pw = dir.resolve("pw-" + password.hashCode());
    Files.writeString(pw, password + "\n");
    List<String> argv = new ArrayList<>(List.of("restic", "--no-cache", "--repo", dir.resolve("repo").toString(), "--password-file", pw.toString()));
    argv.addAll(List.of(args));
    return runner.run(Command.of(argv));
  }

  @Test
  void resticOpensTheRepositoryWithTheQuickKeyAloneAndTheRightPasswordOnly() throws Exception {
    String password = "Zq3-random-password-of-pier-0123456789";
    assertThat(restic(password, "init").succeeded()).isTrue();
    CommandResult master = restic(password, "cat", "masterkey");
    assertThat(master.succeeded()).isTrue();
    QuickKey.File key = QuickKey.make(master.stdout(), password, new SecureRandom());
    try (var keys = Files.list(dir.resolve("repo/keys"))) {
      for (Path k : keys.toList()) {
        Files.delete(k); // restic's own key gone: only the quick one can open it now
      }
    }
    Files.write(dir.resolve("repo/keys").resolve(key.id()), key.bytes());

    CommandResult opened = restic(password, "--key-hint", key.id(), "cat", "config");
    assertThat(opened.succeeded()).as(opened.toString()).isTrue();
    assertThat(opened.stdout()).contains("chunker_polynomial");
    assertThat(restic(password, "cat", "masterkey").stdout()).as("the same master key").isEqualTo(master.stdout());
    CommandResult wrong = restic("another-password-entirely-0123456789", "cat", "config");
    assertThat(wrong.succeeded()).isFalse();
    assertThat(wrong.stderr()).contains("wrong password");
  }
}
