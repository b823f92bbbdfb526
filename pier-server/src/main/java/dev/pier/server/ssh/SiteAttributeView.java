package dev.pier.server.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/** The attribute view an SFTP session gets: times can be set; permissions and owners are Pier's and stay. */
final class SiteAttributeView implements PosixFileAttributeView {

  private final SiteFileSystemProvider provider;
  private final Path path;

  SiteAttributeView(SiteFileSystemProvider provider, Path path) {
    this.provider = provider;
    this.path = path;
  }

  @Override
  public String name() {
    return "posix";
  }

  @Override
  public PosixFileAttributes readAttributes() throws IOException {
    return provider.attributes(path);
  }

  @Override
  public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
    if (lastModifiedTime != null) {
      provider.setModified(path, lastModifiedTime);
    }
  }

  @Override
  public void setPermissions(Set<PosixFilePermission> perms) {
    // Pier gives every file the same safe permissions.
  }

  @Override
  public void setGroup(GroupPrincipal group) {
    // Pier owns the files.
  }

  @Override
  public UserPrincipal getOwner() throws IOException {
    return provider.attributes(path).owner();
  }

  @Override
  public void setOwner(UserPrincipal owner) {
    // Pier owns the files.
  }
}
