package dev.pier.server.tls.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files written whole or not at all: through a temporary sibling, renamed over the file. A reader sees the old content or
 * the new, never half of it; a crash leaves at most the hidden temporary file {@code .NAME.tmp} beside it.
 */
public final class AtomicFiles {

  /** {@code rw-------}: keys. */
  public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  /** {@code rw-r--r--}: certificates and other public files. */
  public static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

  private AtomicFiles() {}

  /** Writes a file only its owner (root) can read. */
  public static void writePrivate(Path file, String text) throws IOException {
    write(file, text, OWNER_ONLY);
  }

  /** Writes a file anyone can read. */
  public static void writePublic(Path file, String text) throws IOException {
    write(file, text, READABLE);
  }

  /**
   * Writes {@code text} to {@code file} with exactly the permissions {@code mode}. The temporary file has them from its
   * creation, so a key is never readable by others, not even while it is written. The parent directory must exist.
   */
  public static void write(Path file, String text, Set<PosixFilePermission> mode) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(mode));
    Files.setPosixFilePermissions(tmp, mode); // the umask may have taken some away at creation
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
