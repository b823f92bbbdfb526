package dev.pier.engine.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives as senders make them, good and bad, unpacked into a directory. */
class UnpackerTest {

  @TempDir
  Path tmp;

  private static final Unpacker.Limits LIMITS = new Unpacker.Limits(1 << 20, 1000);

  @Test
  void aZipUnpacksWithItsFoldersAndSafePermissions() throws Exception {
    Path zip = zip(z -> {
      file(z, "index.html", "<h1>hi</h1>", 04666);
      file(z, "cgi/tool", "x", 06777);
      file(z, "css/site.css", "body{}", 0644);
      file(z, "bin/run.sh", "#!/bin/sh", 0755);
    });
    Unpacker.Result r = unpack(zip, ArchiveFormat.ZIP);
    assertThat(r.files()).isEqualTo(4);
    assertThat(r.root().resolve("css/site.css")).hasContent("body{}");
    assertThat(mode(r.root().resolve("index.html"))).as("setuid and write bits stripped").isEqualTo("rw-r--r--");
    assertThat(mode(r.root().resolve("bin/run.sh"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(r.root().resolve("cgi/tool"))).as("setuid, setgid and group/world write stripped").isEqualTo("rwxr-xr-x");
    assertThat(Files.getAttribute(r.root().resolve("cgi/tool"), "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0100755);
    assertThat(mode(r.root().resolve("css"))).isEqualTo("rwxr-xr-x");
  }

  @Test
  void aZipWhoseFilesLieInOneTopFolderPublishesThatFolder() throws Exception {
    Path zip = zip(z -> {
      file(z, "mysite/index.html", "top", 0644);
      file(z, "mysite/a/b.html", "b", 0644);
      file(z, "__MACOSX/mysite/._index.html", "fork", 0644);
    });
    Unpacker.Result r = unpack(zip, ArchiveFormat.ZIP);
    assertThat(r.root().getFileName().toString()).isEqualTo("mysite");
    assertThat(r.root().resolve("index.html")).hasContent("top");
  }

  @Test
  void tarAndTarGzUnpack() throws Exception {
    byte[] tar = tar(t -> {
      dir(t, "./");
      tarFile(t, "./index.html", "tar!");
      tarFile(t, "./a/very/" + "long-name-".repeat(20) + ".html", "long");
    });
    Unpacker.Result plain = unpack(write("site.tar", tar), ArchiveFormat.TAR);
    assertThat(plain.root().resolve("index.html")).hasContent("tar!");
    assertThat(plain.files()).isEqualTo(2);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GzipCompressorOutputStream(gz)) {
      out.write(tar);
    }
    Unpacker.Result packed = unpack(write("site.tgz", gz.toByteArray()), ArchiveFormat.TAR_GZ);
    assertThat(packed.root().resolve("index.html")).hasContent("tar!");
  }

  @Test
  void entriesThatClimbOutAreRefusedAndNothingIsWrittenOutside() throws Exception {
    for (String bad : new String[] {"../x.html", "/etc/x.html", "..\\x.html", "../html2/x.html", "a/../../x.html"}) {
      Path out = Files.createTempDirectory(tmp, "out");
      Path zip = zip(z -> file(z, bad, "pwned", 0644));
      assertThatThrownBy(() -> Unpacker.unpack(Archives.open(zip, ArchiveFormat.ZIP), out, LIMITS)).as(bad)
          .isInstanceOf(ContentException.class).hasMessageContaining(bad.startsWith("/") ? "absolute" : "climbs out");
      Path tarFile = write("bad.tar", tar(t -> tarFile(t, bad, "pwned")));
      assertThatThrownBy(() -> Unpacker.unpack(Archives.open(tarFile, ArchiveFormat.TAR), Files.createTempDirectory(tmp, "t"), LIMITS)).as(bad)
          .isInstanceOf(ContentException.class);
    }
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all.filter(p -> p.getFileName().toString().equals("x.html"))).isEmpty();
    }
  }

  @Test
  void linksDevicesAndFifosAreRefused() throws Exception {
    Path symlinkZip = zip(z -> {
      ZipArchiveEntry e = new ZipArchiveEntry("passwd");
      e.setUnixMode(0120777);
      z.putArchiveEntry(e);
      z.write("/etc/passwd".getBytes(StandardCharsets.UTF_8));
      z.closeArchiveEntry();
    });
    assertThatThrownBy(() -> unpack(symlinkZip, ArchiveFormat.ZIP)).hasMessageContaining("\"passwd\" is a symbolic link");
    for (byte type : new byte[] {TarConstants.LF_SYMLINK, TarConstants.LF_LINK, TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO}) {
      Path tarFile = write("t" + type + ".tar", tar(t -> {
        TarArchiveEntry e = new TarArchiveEntry("thing", type);
        if (type == TarConstants.LF_SYMLINK || type == TarConstants.LF_LINK) {
          e.setLinkName("/etc/shadow");
        }
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
      }));
      assertThatThrownBy(() -> unpack(tarFile, ArchiveFormat.TAR)).as("type " + (char) type).isInstanceOf(ContentException.class)
          .hasMessageContaining("\"thing\" is ").hasMessageContaining("Pier publishes files and folders only");
    }
  }

  @Test
  void namesThatAreNotUtf8OrHoldControlCharactersAreRefused() throws Exception {
    Path zip = zip(z -> {
      ZipArchiveEntry e = new ZipArchiveEntry("caf\u00e9.html");
      z.putArchiveEntry(e);
      z.closeArchiveEntry();
    }, "ISO-8859-1");
    assertThatThrownBy(() -> unpack(zip, ArchiveFormat.ZIP)).hasMessageContaining("not valid UTF-8");
    Path ctl = write("ctl.tar", tar(t -> tarFile(t, "evil\u001b[31m.html", "x")));
    assertThatThrownBy(() -> unpack(ctl, ArchiveFormat.TAR)).hasMessageContaining("control character");
  }

  @Test
  void bombsStopAtTheLimits() throws Exception {
    byte[] zeros = new byte[1 << 20];
    Path big = zip(z -> {
      ZipArchiveEntry e = new ZipArchiveEntry("zeros.bin");
      z.putArchiveEntry(e);
      for (int i = 0; i < 4; i++) {
        z.write(zeros);
      }
      z.closeArchiveEntry();
    });
    assertThat(Files.size(big)).as("4 MiB of zeros compress well").isLessThan(64 << 10);
    assertThatThrownBy(() -> unpack(big, ArchiveFormat.ZIP)).isInstanceOf(ContentException.class)
        .hasMessageContaining("more than " + (1 << 20) + " bytes")
        .satisfies(e -> assertThat(((ContentException) e).reason()).isEqualTo(ContentException.Reason.TOO_LARGE));
    Path many = zip(z -> {
      for (int i = 0; i < 1001; i++) {
        file(z, "f" + i, "", 0644);
      }
    });
    assertThatThrownBy(() -> unpack(many, ArchiveFormat.ZIP)).hasMessageContaining("more than 1000 files");
  }

  @Test
  void damagedTruncatedAndEmptyArchivesAreRefused() throws Exception {
    Path zip = zip(z -> file(z, "index.html", "x".repeat(5000), 0644));
    byte[] bytes = Files.readAllBytes(zip);
    Path cut = write("cut.zip", Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> unpack(cut, ArchiveFormat.ZIP)).hasMessageContaining("zip archive is damaged or truncated");
    Path junk = write("junk.zip", "this is not a zip".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> unpack(junk, ArchiveFormat.ZIP)).hasMessageContaining("damaged");
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GzipCompressorOutputStream(gz)) {
      out.write(tar(t -> tarFile(t, "index.html", "y".repeat(100_000))));
    }
    byte[] tgz = gz.toByteArray();
    Path cutTgz = write("cut.tgz", Arrays.copyOf(tgz, tgz.length - 40));
    assertThatThrownBy(() -> unpack(cutTgz, ArchiveFormat.TAR_GZ)).isInstanceOf(ContentException.class)
        .hasMessageContaining("damaged or truncated");
    Path notGz = write("no.tgz", "plain".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> unpack(notGz, ArchiveFormat.TAR_GZ)).hasMessageContaining("gzip archive is damaged");
    Path empty = zip(z -> dir(z, "empty/"));
    assertThatThrownBy(() -> unpack(empty, ArchiveFormat.ZIP)).hasMessageContaining("holds no files");
  }

  @Test
  void webServerSettingsFilesAreRefusedAtAnyDepth() throws Exception {
    for (String name : new String[] {"httpd.conf", "sub/httpd.conf", "a/b/httpd.conf/x"}) {
      Path zip = zip(z -> file(z, name, "*.sh:/bin/sh", 0644));
      assertThatThrownBy(() -> unpack(zip, ArchiveFormat.ZIP)).as(name).isInstanceOf(ContentException.class)
          .hasMessageContaining("\"httpd.conf\" is a web server's settings file");
    }
  }

  @Test
  void aNameThatIsBothFileAndFolderIsRefused() throws Exception {
    Path zip = zip(z -> {
      file(z, "a", "file", 0644);
      file(z, "a/b", "under", 0644);
    });
    assertThatThrownBy(() -> unpack(zip, ArchiveFormat.ZIP)).hasMessageContaining("\"/a\" is both a file and a folder");
  }

  // --- helpers

  private Unpacker.Result unpack(Path archive, ArchiveFormat format) throws IOException {
    return Unpacker.unpack(Archives.open(archive, format), Files.createTempDirectory(tmp, "out"), LIMITS);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  interface ZipBody {
    void write(ZipArchiveOutputStream z) throws IOException;
  }

  interface TarBody {
    void write(TarArchiveOutputStream t) throws IOException;
  }

  private Path zip(ZipBody body) throws IOException {
    return zip(body, "UTF-8");
  }

  private Path zip(ZipBody body, String encoding) throws IOException {
    Path f = Files.createTempFile(tmp, "a", ".zip");
    try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(f)) {
      z.setEncoding(encoding);
      z.setUseLanguageEncodingFlag(encoding.equals("UTF-8"));
      z.setCreateUnicodeExtraFields(ZipArchiveOutputStream.UnicodeExtraFieldPolicy.NEVER);
      body.write(z);
    }
    return f;
  }

  private static void file(ZipArchiveOutputStream z, String name, String content, int mode) throws IOException {
    ZipArchiveEntry e = new ZipArchiveEntry(name);
    e.setUnixMode(0100000 | mode);
    z.putArchiveEntry(e);
    z.write(content.getBytes(StandardCharsets.UTF_8));
    z.closeArchiveEntry();
  }

  private static void dir(ZipArchiveOutputStream z, String name) throws IOException {
    z.putArchiveEntry(new ZipArchiveEntry(name));
    z.closeArchiveEntry();
  }

  private static byte[] tar(TarBody body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(b, "UTF-8")) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      body.write(t);
    }
    return b.toByteArray();
  }

  private static void tarFile(TarArchiveOutputStream t, String name, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(bytes.length);
    e.setMode(0100644);
    t.putArchiveEntry(e);
    t.write(bytes);
    t.closeArchiveEntry();
  }

  private static void dir(TarArchiveOutputStream t, String name) throws IOException {
    t.putArchiveEntry(new TarArchiveEntry(name, true));
    t.closeArchiveEntry();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(Files.createTempDirectory(tmp, "in").resolve(name), bytes);
  }
}
