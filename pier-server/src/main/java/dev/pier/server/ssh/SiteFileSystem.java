package dev.pier.server.ssh;

import dev.pier.server.common.Caller;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.file.util.BaseFileSystem;

/** One SFTP session's view: its user's sites as folders, each the site's live web root. Nothing else of the host. */
final class SiteFileSystem extends BaseFileSystem<SitePath> {

  private final Caller caller;
  private final Set<SiteChannel> channels = ConcurrentHashMap.newKeySet();
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

  /** Adds an open file handle of the session's, closed with the session at the latest. */
  void opened(SiteChannel channel) {
    channels.add(channel);
  }

  void closed(SiteChannel channel) {
    channels.remove(channel);
  }

  /** The session ended: its handles' files are closed, whatever the SFTP server did with them. */
  @Override
  public void close() {
    open = false;
    channels.forEach(SiteChannel::close);
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
