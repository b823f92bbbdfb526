package dev.pier.server.tls.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir
  Path tmp;

  @Test
  void aPrivateFileIsReadableByItsOwnerOnlyAndAPublicOneByAnyone() throws Exception {
    AtomicFiles.writePrivate(tmp.resolve("key.pem"), "secret");
    AtomicFiles.writePublic(tmp.resolve("cert.pem"), "public");

    assertThat(tmp.resolve("key.pem")).hasContent("secret");
    assertThat(Files.getPosixFilePermissions(tmp.resolve("key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(tmp.resolve("cert.pem")).hasContent("public");
    assertThat(Files.getPosixFilePermissions(tmp.resolve("cert.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
  }

  @Test
  void aFileIsReplacedWholeWithTheNewModeAndNoTemporaryFileIsLeft() throws Exception {
    Path file = tmp.resolve("ca.pem");
    AtomicFiles.writePrivate(file, "first, and longer than the second");
    Files.writeString(tmp.resolve(".ca.pem.tmp"), "what a crash left");

    AtomicFiles.writePublic(file, "second");

    assertThat(file).hasContent("second");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    try (Stream<Path> entries = Files.list(tmp)) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("ca.pem");
    }
  }
}
