package dev.pier.server.ssh;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.List;
import org.apache.sshd.common.file.util.BasePath;

/** A path in an SFTP session's view: {@code /}, {@code /SITE/...}, or an admin's {@code /_all-sites/SITE/...}. */
final class SitePath extends BasePath<SitePath, SiteFileSystem> {

  SitePath(SiteFileSystem fs, String root, List<String> names) {
    super(fs, root, names);
  }

  @Override
  public SitePath toRealPath(LinkOption... options) throws IOException {
    SitePath abs = toAbsolutePath();
    getFileSystem().provider().checkAccess(abs);
    return abs.normalize();
  }

  @Override
  public SitePath toAbsolutePath() {
    return isAbsolute() ? this : getFileSystem().getDefaultDir().resolve(this);
  }

  /** The names of this absolute, normalised path. */
  List<String> parts() {
    return toAbsolutePath().normalize().names;
  }

  static SitePath cast(Path p) {
    if (p instanceof SitePath s) {
      return s;
    }
    throw new ProviderMismatchException("not a path of an SFTP session: " + p);
  }
}
