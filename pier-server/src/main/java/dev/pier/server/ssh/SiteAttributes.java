package dev.pier.server.ssh;

import dev.pier.engine.content.WebFiles;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What an SFTP client sees of an entry: its kind, size and time, with the permissions a publish gives (0644 files,
 * 0755 folders; the session's own folders read-only), owned by the session's user.
 */
record SiteAttributes(WebFiles.Kind kind, long size, Instant modified, boolean writable, String user) implements PosixFileAttributes {

  static SiteAttributes virtualFolder(String owner) {
    return new SiteAttributes(WebFiles.Kind.FOLDER, 0, Instant.now(), false, owner);
  }

  static SiteAttributes of(WebFiles.Entry e, String owner) {
    return new SiteAttributes(e.kind(), e.size(), e.modified(), true, owner);
  }

  @Override
  public FileTime lastModifiedTime() {
    return FileTime.from(modified);
  }

  @Override
  public FileTime lastAccessTime() {
    return lastModifiedTime();
  }

  @Override
  public FileTime creationTime() {
    return lastModifiedTime();
  }

  @Override
  public boolean isRegularFile() {
    return kind == WebFiles.Kind.FILE;
  }

  @Override
  public boolean isDirectory() {
    return kind == WebFiles.Kind.FOLDER;
  }

  @Override
  public boolean isSymbolicLink() {
    return kind == WebFiles.Kind.LINK;
  }

  @Override
  public boolean isOther() {
    return kind == WebFiles.Kind.OTHER;
  }

  @Override
  public Object fileKey() {
    return null;
  }

  @Override
  public UserPrincipal owner() {
    return () -> user;
  }

  @Override
  public GroupPrincipal group() {
    return () -> user;
  }

  @Override
  public Set<PosixFilePermission> permissions() {
    if (isDirectory()) {
      return PosixFilePermissions.fromString(writable ? "rwxr-xr-x" : "r-xr-xr-x");
    }
    return PosixFilePermissions.fromString(isSymbolicLink() ? "rwxrwxrwx" : "rw-r--r--");
  }

  /** The attributes as {@code Files.readAttributes(path, "view:*")} returns them. */
  Map<String, Object> asMap(boolean posix) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lastModifiedTime", lastModifiedTime());
    m.put("lastAccessTime", lastAccessTime());
    m.put("creationTime", creationTime());
    m.put("size", size());
    m.put("isRegularFile", isRegularFile());
    m.put("isDirectory", isDirectory());
    m.put("isSymbolicLink", isSymbolicLink());
    m.put("isOther", isOther());
    m.put("fileKey", null);
    if (posix) {
      m.put("permissions", permissions());
      m.put("owner", owner());
      m.put("group", group());
    }
    return m;
  }
}
