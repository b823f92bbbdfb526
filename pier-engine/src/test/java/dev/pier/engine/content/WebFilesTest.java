package dev.pier.engine.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Opening live files as SFTP does: in place, never through a link, never waiting on a FIFO. */
class WebFilesTest {

  @TempDir
  Path layer;
  @TempDir
  Path outside;

  private Releases releases;
  private Path live;

  @BeforeEach
  void release() {
    releases = new Releases(new WebRoot(layer));
    releases.activate(releases.keep(releases.stage(ReleasesTest.files(Map.of("index.html", "old")), new Unpacker.Limits(1 << 20, 100))));
    live = releases.root().live();
  }

  @Test
  void aNewFileIsMadeWithContentPermissionsAndAnOldOneWrittenInPlace() throws Exception {
    WebFiles f = new WebFiles(releases);
    try (SeekableByteChannel ch = f.open(ContentPath.parse("new.html", false), true, true, false).channel()) {
      ch.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(live.resolve("new.html")).hasContent("new");
    assertThat(Files.getPosixFilePermissions(live.resolve("new.html"))).isEqualTo(ContentModes.FILE);

    Files.setPosixFilePermissions(live.resolve("index.html"), PosixFilePermissions.fromString("rw-rw-rw-"));
    try (SeekableByteChannel ch = f.open(ContentPath.parse("index.html", false), true, true, true).channel()) {
      ch.write(ByteBuffer.wrap("n".getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(live.resolve("index.html")).as("truncated, then written").hasContent("n");
    assertThat(Files.getPosixFilePermissions(live.resolve("index.html"))).as("world-writable no more").isEqualTo(ContentModes.FILE);
    Files.writeString(live.resolve("run.cgi"), "#!/bin/sh");
    Files.setPosixFilePermissions(live.resolve("run.cgi"), PosixFilePermissions.fromString("rwxrwx---"));
    f.open(ContentPath.parse("run.cgi", false), true, true, false).channel().close();
    assertThat(Files.getPosixFilePermissions(live.resolve("run.cgi"))).as("still a program, readable by the web server").isEqualTo(ContentModes.PROGRAM);

    assertThatThrownBy(() -> f.open(ContentPath.parse("absent.html", false), true, false, false))
        .isInstanceOf(ContentException.class).satisfies(e -> assertThat(((ContentException) e).reason()).isEqualTo(ContentException.Reason.NOT_FOUND));
    assertThat(live.resolve("absent.html")).doesNotExist();
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // an open(2) waiting on a FIFO cannot be interrupted
  void linksFoldersAndFifosAreRefusedWithoutWaiting() throws Exception {
    Path target = Files.writeString(outside.resolve("secret"), "host file");
    Files.createSymbolicLink(live.resolve("link.html"), target);
    Files.createSymbolicLink(live.resolve("dangling.html"), outside.resolve("made-through-a-link"));
    Files.createSymbolicLink(live.resolve("dir"), outside);
    Files.createDirectory(live.resolve("folder"));
    new ProcessRunner().run(Command.of("mkfifo", live.resolve("fifo").toString()));
    WebFiles f = new WebFiles(releases);
    for (String name : List.of("link.html", "dangling.html", "folder", "fifo", "dir/secret", "dir/new.html")) {
      for (boolean write : new boolean[] {true, false}) {
        assertThatThrownBy(() -> f.open(ContentPath.parse(name, false), write, write, write)).as(name + (write ? " written" : " read"))
            .isInstanceOf(ContentException.class)
            .satisfies(e -> assertThat(((ContentException) e).reason()).isEqualTo(ContentException.Reason.CONFLICT));
      }
    }
    assertThat(target).hasContent("host file");
    assertThat(outside.resolve("made-through-a-link")).doesNotExist();
    assertThat(outside.resolve("new.html")).doesNotExist();
    assertThat(live.resolve("fifo")).satisfies(p -> assertThat(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).isFalse());
  }
}
