package dev.pier.engine.content;

import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The live files of a site (its active release), as a file manager and SFTP change them: every path is a
 * {@link ContentPath} walked from the web root one name at a time, and no symbolic link on the way is followed
 * (a site from before releases may hold some; Pier makes none). A file written replaces the old one in one rename,
 * so a visitor gets the whole old file or the whole new one; it is written in {@code staging} first, never in the
 * served tree. What lands there gets the permissions a publish gives.
 */
public final class WebFiles {

  /** What is at a path. */
  public enum Kind {
    FILE, FOLDER, LINK, OTHER
  }

  /** One entry of a folder, or what a path holds. */
  public record Entry(String name, ContentPath path, Kind kind, long size, Instant modified) {}

  private final Path root;
  private final String release;
  private final Releases releases;

  public WebFiles(Releases releases) {
    this.releases = releases;
    this.release = releases.active().orElseThrow(() -> new ContentException(ContentException.Reason.NOT_FOUND,
        "the site has no live release"));
    this.root = releases.root().release(release);
  }

  /** The id of the live release these files are of. */
  public String release() {
    return release;
  }

  /** A new name in {@code staging}, on the same file system as the live files but never served. */
  private Path aside(String kind) {
    try {
      return Files.createDirectories(releases.root().staging()).resolve(kind + "-" + Releases.randomName());
    } catch (IOException e) {
      throw ContentException.writeFailed("cannot make " + releases.root().staging(), e);
    }
  }

  /** The host path of {@code path}, every folder on the way checked to be a real folder; the last name may be anything. */
  public Path locate(ContentPath path) {
    Path p = root;
    List<String> names = path.names();
    for (int i = 0; i < names.size(); i++) {
      p = p.resolve(names.get(i));
      if (i < names.size() - 1) {
        BasicFileAttributes a = attributes(p);
        if (a == null) {
          throw notFound(new ContentPath(names.subList(0, i + 1)));
        }
        if (!a.isDirectory() || a.isSymbolicLink()) {
          throw new ContentException(ContentException.Reason.CONFLICT, "\"" + new ContentPath(names.subList(0, i + 1)) + "\" is not a folder");
        }
      }
    }
    return p;
  }

  /** What {@code path} holds; not found when nothing is there. */
  public Entry stat(ContentPath path) {
    Path p = locate(path);
    BasicFileAttributes a = attributes(p);
    if (a == null) {
      throw notFound(path);
    }
    return entry(path, a);
  }

  /** Whether something is at {@code path}. */
  public boolean exists(ContentPath path) {
    return attributes(locate(path)) != null;
  }

  /** A folder's entries, folders first, then by name. */
  public List<Entry> list(ContentPath folder) {
    Path dir = locate(folder);
    BasicFileAttributes da = attributes(dir);
    if (da == null) {
      throw notFound(folder);
    }
    if (!da.isDirectory()) {
      throw new ContentException(ContentException.Reason.CONFLICT, "\"" + folder + "\" is a file, not a folder");
    }
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        BasicFileAttributes a = attributes(p);
        if (a != null) {
          out.add(entry(folder.resolve(p.getFileName().toString()), a));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    out.sort(Comparator.comparing((Entry e) -> e.kind() != Kind.FOLDER).thenComparing(Entry::name));
    return out;
  }

  /** Opens a regular file for reading; links are not followed. */
  public InputStream read(ContentPath path) {
    Entry e = stat(path);
    if (e.kind() != Kind.FILE) {
      throw new ContentException(ContentException.Reason.CONFLICT, "\"" + path + "\" is not a file");
    }
    try {
      return Files.newInputStream(locate(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e2) {
      throw new UncheckedIOException("cannot read " + path, e2);
    }
  }

  /**
   * Writes {@code data} as the file at {@code path} (its folders made as needed), at most {@code maxBytes}; the file
   * is replaced in one rename. Returns whether it is new.
   */
  public boolean write(ContentPath path, InputStream data, long maxBytes) {
    if (path.isRoot()) {
      throw ContentException.invalid("give the file a name");
    }
    path.checkNotReserved();
    folders(path.parent());
    Path p = locate(path);
    BasicFileAttributes a = attributes(p);
    if (a != null && a.isDirectory()) {
      throw new ContentException(ContentException.Reason.CONFLICT, "\"" + path + "\" is a folder");
    }
    Path tmp = aside("upload");
    try {
      long total = 0;
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = data.read(buf)) > 0; ) {
          total += n;
          if (total > maxBytes) {
            throw new ContentException(ContentException.Reason.TOO_LARGE, "\"" + path + "\" is larger than the " + maxBytes
                + " bytes the site's disk has free");
          }
          out.write(buf, 0, n);
        }
      }
      Files.setPosixFilePermissions(tmp, ContentModes.FILE);
      Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE);
      return a == null;
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw ContentException.writeFailed("cannot write " + path, e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /**
   * Opens the file at {@code path} for positional reads and writes, as SFTP does (created when {@code create});
   * writes land in place. The caller closes it.
   */
  public OpenedFile open(ContentPath path, boolean write, boolean create, boolean truncate) {
    if (path.isRoot()) {
      throw new ContentException(ContentException.Reason.CONFLICT, "\"/\" is a folder");
    }
    if (write && create) {
      path.checkNotReserved();
    }
    return OpenedFile.open(locate(path), path, write, create, truncate);
  }

  /** Makes the folder at {@code path} and any missing on the way; nothing if it exists. */
  public void folders(ContentPath path) {
    path.checkNotReserved();
    Path p = root;
    for (int i = 0; i < path.names().size(); i++) {
      p = p.resolve(path.names().get(i));
      BasicFileAttributes a = attributes(p);
      if (a == null) {
        try {
          Files.createDirectory(p);
          Files.setPosixFilePermissions(p, ContentModes.FOLDER);
        } catch (FileAlreadyExistsException e) {
          // made meanwhile: checked below on the next turn
        } catch (IOException e) {
          throw ContentException.writeFailed("cannot make " + path, e);
        }
      } else if (!a.isDirectory()) {
        throw new ContentException(ContentException.Reason.CONFLICT, "\"" + new ContentPath(path.names().subList(0, i + 1)) + "\" is a file");
      }
    }
  }

  /** Makes one new folder; a conflict when something is there. */
  public void makeFolder(ContentPath path) {
    if (exists(path)) {
      throw new ContentException(ContentException.Reason.CONFLICT, "\"" + path + "\" exists already");
    }
    folders(path);
  }

  /** Moves or renames {@code from} to {@code to}, which must not exist; never the root, never into itself. */
  public void move(ContentPath from, ContentPath to) {
    if (from.isRoot() || to.isRoot()) {
      throw ContentException.invalid("the web root itself cannot be moved");
    }
    if (from.contains(to)) {
      throw ContentException.invalid("\"" + from + "\" cannot move into itself");
    }
    to.checkNotReserved();
    Path src = locate(from);
    if (attributes(src) == null) {
      throw notFound(from);
    }
    folders(to.parent());
    Path dst = locate(to);
    if (attributes(dst) != null) {
      throw new ContentException(ContentException.Reason.CONFLICT, "\"" + to + "\" exists already");
    }
    try {
      Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + from + " to " + to, e);
    }
  }

  /** Deletes the file, link or folder (with all it holds) at {@code path}; never the root. */
  public void delete(ContentPath path) {
    if (path.isRoot()) {
      throw ContentException.invalid("the web root itself cannot be deleted: delete what it holds");
    }
    Path p = locate(path);
    BasicFileAttributes a = attributes(p);
    if (a == null) {
      throw notFound(path);
    }
    if (a.isDirectory()) {
      // Moved aside in one rename first: visitors never see half a folder.
      Path aside = aside("delete");
      try {
        Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + path, e);
      }
      MoreFiles.deleteRecursively(aside);
    } else {
      try {
        Files.delete(p);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + path, e);
      }
    }
  }

  /** Sets a file's modification time (SFTP clients keep the times of what they upload). */
  public void setModified(ContentPath path, Instant at) {
    Path p = locate(path);
    try {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(at), null, null);
    } catch (NoSuchFileException e) {
      throw notFound(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set the time of " + path, e);
    }
  }

  /** Bytes a write may still add: the free space of the site's disk, less what its own programs need. */
  public long freeBytes() {
    return Math.max(0, releases.freeBytes() - (1L << 20));
  }

  private static Entry entry(ContentPath path, BasicFileAttributes a) {
    Kind kind = a.isSymbolicLink() ? Kind.LINK : a.isDirectory() ? Kind.FOLDER : a.isRegularFile() ? Kind.FILE : Kind.OTHER;
    return new Entry(path.fileName(), path, kind, a.isRegularFile() ? a.size() : 0, a.lastModifiedTime().toInstant());
  }

  /** What is at {@code p}, links unfollowed; null when nothing is (asked without an exception: they are costly). */
  private static BasicFileAttributes attributes(Path p) {
    try {
      return p.getFileSystem().provider().readAttributesIfExists(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  private static ContentException notFound(ContentPath path) {
    return new ContentException(ContentException.Reason.NOT_FOUND, "\"" + path + "\" does not exist");
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // nothing more to do
    }
  }

}
