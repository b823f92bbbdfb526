package dev.pier.server.ssh;

import dev.pier.server.common.Caller;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.file.util.BaseFileSystem;

/** One SFTP session's view: its user's sites as folders, each the site's live web root. Nothing else of the host. */
final class SiteFileSystem extends BaseFileSystem<SitePath> {

  private final Caller caller;
  private volatile boolean open = true;

  SiteFileSystem(SiteFileSystemProvider provider, Caller caller) {
    super(provider);
    this.caller = caller;
  }

  Caller caller() {
    return caller;
  }

  @Override
  protected SitePath create(String root, List<String> names) {
    return new SitePath(this, root, names);
  }

  @Override
  public SiteFileSystemProvider provider() {
    return (SiteFileSystemProvider) super.provider();
  }

  @Override
  public void close() {
    open = false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return Set.of("basic", "posix");
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    throw new UnsupportedOperationException("no user lookup in an SFTP session of Pier");
  }
}
