package dev.pier.engine.content;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The permissions of a site's content, however it came (a publish, the file manager, SFTP, an old web root): readable
 * by the web server, writable by its owner only; no setuid, setgid or sticky bit. Pure.
 */
public final class ContentModes {

  public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwxr-xr-x");
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
  public static final Set<PosixFilePermission> PROGRAM = PosixFilePermissions.fromString("rwxr-xr-x");

  private ContentModes() {}

  /** A file's permissions: {@link #PROGRAM} when it was meant to be run, else {@link #FILE}. */
  public static Set<PosixFilePermission> file(boolean executable) {
    return executable ? PROGRAM : FILE;
  }
}
