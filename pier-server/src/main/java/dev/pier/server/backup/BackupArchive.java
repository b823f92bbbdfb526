package dev.pier.server.backup;

import dev.pier.engine.content.ContentException;
import dev.pier.engine.content.ContentPath;
import dev.pier.server.common.PierException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A backup archive a user uploads to restore (the .tar.gz a download gave, from this Pier or another), unpacked with
 * every check a published archive gets: names that stay inside, files and folders only, no setuid, setgid or
 * sticky bit, at most so many bytes and entries; only {@code manifest.json}, {@code release/} and {@code data/},
 * and a manifest of Pier's format. On any refusal nothing of it is left.
 */
final class BackupArchive {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final long MAX_MANIFEST = 1 << 20;

  private BackupArchive() {}

  /** Unpacks {@code archive} into {@code into} (made here); its manifest. Throws a 400's refusal saying what is wrong. */
  static JsonNode unpack(Path archive, Path into, long maxBytes, int maxEntries) {
    try {
      Files.createDirectories(into);
      long bytes = 0;
      int entries = 0;
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive))))) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          if (++entries > maxEntries) {
            throw refused("it holds more than " + maxEntries + " files and folders");
          }
          List<String> names = ContentPath.parse(e.getName(), false).names();
          if (names.isEmpty()) {
            continue;
          }
          String top = names.getFirst();
          if (!(top.equals("release") || top.equals("data") || (top.equals("manifest.json") && names.size() == 1 && e.isFile()))) {
            throw refused("\"" + ContentPath.printable(e.getName()) + "\" is none of manifest.json, release/ and data/");
          }
          Path p = into;
          for (String n : names) {
            p = p.resolve(n);
          }
          byte kind = linkFlag(e);
          if (kind == TarConstants.LF_DIR && !e.isSparse()) {
            makeFolders(into, names);
          } else if ((kind == TarConstants.LF_NORMAL || kind == TarConstants.LF_OLDNORM) && !e.isSparse() && !e.isDirectory()) {
            makeFolders(into, names.subList(0, names.size() - 1));
            try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
              bytes += copyAtMost(tar, out, maxBytes - bytes);
            }
            Files.setPosixFilePermissions(p, modes(e.getMode()));
          } else {
            throw refused("\"" + ContentPath.printable(e.getName()) + "\" is neither a file nor a folder: a backup holds files and folders only");
          }
        }
      }
      return manifest(into);
    } catch (ContentException e) {
      throw refused(e.getMessage());
    } catch (FileAlreadyExistsException e) {
      throw refused("a name is in it twice, or as both a file and a folder");
    } catch (ZipException | EOFException e) {
      throw refused("it is not a readable .tar.gz (it is damaged or cut short)");
    } catch (IOException e) { // the host's own trouble (its disk full, say): not the archive's fault
      throw new UncheckedIOException("cannot unpack an uploaded backup into " + into, e);
    } catch (IllegalArgumentException e) { // what commons-compress says of a damaged tar header
      throw refused("it is not a readable .tar.gz (a damaged header)");
    }
  }

  /** The manifest of a backup's folder, read (at most 1 MiB) and checked to be Pier's; a 400's refusal if not. */
  static JsonNode manifest(Path root) {
    Path manifest = root.resolve("manifest.json");
    try {
      if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
        throw refused("it holds no manifest.json: it is not the backup of a Pier site");
      }
      if (Files.size(manifest) > MAX_MANIFEST) {
        throw refused("its manifest.json is larger than " + MAX_MANIFEST + " bytes");
      }
      JsonNode m = JSON.readTree(Files.readString(manifest));
      if (!m.path("format").asString("").equals(BackupFolder.FORMAT)) {
        throw refused("its manifest is not of a Pier site's backup (" + BackupFolder.FORMAT + ")");
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest, e);
    } catch (tools.jackson.core.JacksonException e) {
      throw refused("its manifest.json is not JSON");
    }
  }

  /** The entry's type byte, as its header has it. */
  private static byte linkFlag(TarArchiveEntry e) {
    if (e.isDirectory()) {
      return TarConstants.LF_DIR;
    }
    if (e.isSymbolicLink()) {
      return TarConstants.LF_SYMLINK;
    }
    if (e.isLink()) {
      return TarConstants.LF_LINK;
    }
    if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO() || e.isGlobalPaxHeader() || e.isGNUSparse()) {
      return TarConstants.LF_CHR;
    }
    return e.isFile() ? TarConstants.LF_NORMAL : TarConstants.LF_CHR;
  }

  /** Copies what the entry holds, refusing it once it passes {@code budget} bytes (a sparse or lying header included). */
  private static long copyAtMost(InputStream in, OutputStream out, long budget) throws IOException {
    byte[] buf = new byte[1 << 16];
    long n = 0;
    for (int r; (r = in.read(buf)) > 0; ) {
      n += r;
      if (n > budget) {
        throw refused("it holds more bytes than allowed");
      }
      out.write(buf, 0, r);
    }
    return n;
  }

  private static void makeFolders(Path into, List<String> names) throws IOException {
    Path p = into;
    for (String n : names) {
      p = p.resolve(n);
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(p);
      }
    }
  }

  /** A file's permission bits, without setuid, setgid or sticky, and always readable and writable by its owner. */
  static Set<PosixFilePermission> modes(int mode) {
    Set<PosixFilePermission> out = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(bits[i]);
      }
    }
    return out;
  }

  private static PierException refused(String why) {
    return PierException.invalid("Not a backup", "the archive cannot be restored: " + why);
  }
}
