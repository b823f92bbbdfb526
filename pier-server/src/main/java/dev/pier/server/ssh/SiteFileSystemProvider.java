package dev.pier.server.ssh;

import dev.pier.engine.content.ContentPath;
import dev.pier.engine.content.WebFiles;
import dev.pier.server.common.Caller;
import dev.pier.server.content.FileService;
import dev.pier.server.site.Kept;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteContent;
import dev.pier.server.site.SiteService;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The file system SFTP sessions see. Every operation is one short call on a site's live files ({@link FileService}:
 * its owner checked, under the site's lock, its disk mounted in any state). Only an open file handle's file stays
 * open between calls, kept on its site ({@link SiteContent#keep}), which closes it before a start, stop, publish or
 * a change of the files by another hand; the handle's reads and writes then run under the site's lock alone (its
 * owner was checked when it was opened). No link is made or followed.
 */
final class SiteFileSystemProvider extends FileSystemProvider {


  /** An admin's folder holding every site. */
  static final String ALL_SITES = "_all-sites";
  /** Files one user's SFTP sessions may hold open at once, all sessions and channels together. */
  static final int MAX_OPEN_FILES_PER_USER = 256;

  private final FileService files;
  private final SiteService sites;
  private final SiteContent content;
  private final OpenFileCap openFiles = new OpenFileCap(MAX_OPEN_FILES_PER_USER);

  SiteFileSystemProvider(FileService files, SiteService sites, SiteContent content) {
    this.files = files;
    this.sites = sites;
    this.content = content;
  }

  SiteFileSystem newFileSystem(Caller caller) {
    return new SiteFileSystem(this, caller);
  }

  /** Where a path leads: a folder of the session's own ({@code site} null), or a path in a site. */
  record Target(String site, ContentPath path, SitePath shown) {
    boolean isVirtual() {
      return site == null;
    }

    boolean isSiteRoot() {
      return site != null && path.isRoot();
    }
  }

  Target target(Path p) throws IOException {
    SitePath sp = SitePath.cast(p);
    List<String> parts = sp.parts();
    Caller caller = sp.getFileSystem().caller();
    int skip = 0;
    if (!parts.isEmpty() && parts.getFirst().equals(ALL_SITES) && caller.admin()) {
      skip = 1;
    }
    if (parts.size() <= skip) {
      return new Target(null, ContentPath.ROOT, sp);
    }
    try {
      ContentPath rest = ContentPath.parse(String.join("/", parts.subList(skip + 1, parts.size())), false);
      return new Target(parts.get(skip), rest, sp);
    } catch (RuntimeException e) {
      throw new AccessDeniedException(sp.toString(), null, e.getMessage());
    }
  }

  /** Runs {@code work} on the target's site; Pier's refusals become the file errors an SFTP client understands. */
  <T> T on(Target t, Function<WebFiles, T> work) throws IOException {
    Caller caller = t.shown().getFileSystem().caller();
    return SftpRefusals.refusing(t.shown().toString(), () -> files.on(caller, t.site(), work));
  }

  /**
   * {@link #on}, for work that deletes or moves files: open handles' files are closed first, so that one whose file
   * goes does not write on into it unseen (its next request opens the path again and finds what is there now).
   */
  <T> T changing(Target t, Function<WebFiles, T> work) throws IOException {
    Caller caller = t.shown().getFileSystem().caller();
    return SftpRefusals.refusing(t.shown().toString(), () -> files.changing(caller, t.site(), work));
  }

  /** Keeps a file opened in {@link #on} open on the target's site; called inside {@link #on}. */
  Kept keep(Target t, Closeable open) {
    return content.keep(t.site(), open);
  }

  /** Runs {@code work} under the site's lock while {@code k} is open; null, and nothing run, once it was closed. */
  <T> T whileKept(Kept k, Supplier<T> work) throws IOException {
    try {
      return content.whileKept(k, work);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  void close(Kept k) {
    content.close(k);
  }

  private static AccessDeniedException readOnly(Target t) {
    return new AccessDeniedException(t.shown().toString(), null, "the session's own folders cannot be changed: work inside a site's folder");
  }

  @Override
  public String getScheme() {
    return "pier-sftp";
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException();
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Path getPath(URI uri) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    Target t = target(path);
    boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    if (t.isVirtual() || t.isSiteRoot()) {
      throw write ? readOnly(t) : new FileSystemException(t.shown().toString(), null, "is a folder");
    }
    boolean createNew = options.contains(StandardOpenOption.CREATE_NEW);
    boolean create = createNew || options.contains(StandardOpenOption.CREATE);
    boolean truncate = options.contains(StandardOpenOption.TRUNCATE_EXISTING);
    openFiles.reserve(t.shown().getFileSystem().caller().user(), t.shown().toString());
    SiteChannel channel = new SiteChannel(this, t, write, options.contains(StandardOpenOption.APPEND));
    try {
      on(t, f -> {
        if (createNew && f.exists(t.path())) {
          throw new UncheckedIOException(new FileAlreadyExistsException(t.shown().toString()));
        }
        channel.opened(f, f.open(t.path(), write, create && write, truncate && write));
        return channel;
      });
    } catch (IOException | RuntimeException e) {
      if (channel.hasFile()) {
        channel.close(); // gives the user's file back
      } else {
        released(t);
      }
      throw e;
    }
    return channel;
  }

  /** Gives back one of the user's open files (the cap's): its handle closed, or its open failed. */
  void released(Target t) {
    openFiles.release(t.shown().getFileSystem().caller().user());
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    Target t = target(dir);
    SitePath base = t.shown().toAbsolutePath().normalize();
    List<Path> out = new ArrayList<>();
    if (t.isVirtual()) {
      Caller caller = base.getFileSystem().caller();
      boolean all = !base.parts().isEmpty();
      List<Site> listed = all ? sites.list(caller) : sites.list(caller).stream().filter(s -> s.owner().equals(caller.user())).toList();
      for (Site s : listed) {
        out.add(base.resolve(s.name().value()));
      }
      if (!all && caller.admin()) {
        out.add(base.resolve(ALL_SITES));
      }
    } else {
      for (WebFiles.Entry e : on(t, f -> f.list(t.path()))) {
        out.add(base.resolve(e.name()));
      }
    }
    List<Path> accepted = new ArrayList<>();
    for (Path p : out) {
      if (filter == null || filter.accept(p)) {
        accepted.add(p);
      }
    }
    return new DirectoryStream<>() {
      @Override
      public Iterator<Path> iterator() {
        return accepted.iterator();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    Target t = target(dir);
    if (t.isVirtual() || t.isSiteRoot()) {
      throw new FileAlreadyExistsException(t.shown().toString());
    }
    on(t, f -> {
      f.makeFolder(t.path());
      return null;
    });
  }

  @Override
  public void delete(Path path) throws IOException {
    Target t = target(path);
    if (t.isVirtual() || t.isSiteRoot()) {
      throw readOnly(t);
    }
    changing(t, f -> {
      WebFiles.Entry e = f.stat(t.path());
      if (e.kind() == WebFiles.Kind.FOLDER && !f.list(t.path()).isEmpty()) {
        throw new UncheckedIOException(new DirectoryNotEmptyException(t.shown().toString()));
      }
      f.delete(t.path());
      return null;
    });
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    throw new FileSystemException(source.toString(), target.toString(), "copying on the server is not supported");
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    Target from = target(source);
    Target to = target(target);
    if (from.isVirtual() || from.isSiteRoot() || to.isVirtual() || to.isSiteRoot()) {
      throw readOnly(from.isVirtual() || from.isSiteRoot() ? from : to);
    }
    if (!from.site().equals(to.site())) {
      throw new AccessDeniedException(from.shown().toString(), to.shown().toString(), "files move within one site only");
    }
    boolean replace = Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING);
    changing(from, f -> {
      if (replace && f.exists(to.path()) && f.stat(to.path()).kind() != WebFiles.Kind.FOLDER) {
        f.delete(to.path());
      }
      f.move(from.path(), to.path());
      return null;
    });
  }

  @Override
  public boolean isSameFile(Path path, Path path2) {
    return SitePath.cast(path).toAbsolutePath().normalize().equals(SitePath.cast(path2).toAbsolutePath().normalize());
  }

  @Override
  public boolean isHidden(Path path) {
    return path.getFileName() != null && path.getFileName().toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) {
    throw new UnsupportedOperationException("no file store in an SFTP session of Pier");
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    Target t = target(path);
    boolean write = Arrays.asList(modes).contains(AccessMode.WRITE);
    if (t.isVirtual()) {
      if (write) {
        throw readOnly(t);
      }
      return;
    }
    on(t, f -> f.stat(t.path()));
  }

  SiteAttributes attributes(Path path) throws IOException {
    Target t = target(path);
    String owner = t.shown().getFileSystem().caller().user();
    if (t.isVirtual()) {
      return SiteAttributes.virtualFolder(owner);
    }
    return SiteAttributes.of(on(t, f -> f.stat(t.path())), owner);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
    return (V) new SiteAttributeView(this, path);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
    return (A) attributes(path);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
    String view = attributes.contains(":") ? attributes.substring(0, attributes.indexOf(':')) : "basic";
    return attributes(path).asMap(view.equals("posix") || view.equals("unix"));
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
    String name = attribute.contains(":") ? attribute.substring(attribute.indexOf(':') + 1) : attribute;
    if (name.equals("lastModifiedTime") && value instanceof FileTime time) {
      setModified(path, time);
    }
    // Permissions, owners and other times are Pier's to set: a request to change them is taken and ignored.
  }

  void setModified(Path path, FileTime time) throws IOException {
    Target t = target(path);
    if (t.isVirtual()) {
      return;
    }
    on(t, f -> {
      f.setModified(t.path(), time.toInstant());
      return null;
    });
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
    throw new AccessDeniedException(link.toString(), null, "links are not allowed: Pier publishes files and folders only");
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    throw new AccessDeniedException(link.toString(), null, "links are not allowed: Pier publishes files and folders only");
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    throw new NotLinkException(link.toString());
  }
}
