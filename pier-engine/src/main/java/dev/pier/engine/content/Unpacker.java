package dev.pier.engine.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes what a {@link ContentSource} gives into a fresh directory, checking every entry: its path
 * ({@link ContentPath}: nothing climbs out), its kind (files and folders only: symbolic and hard links, devices and
 * FIFOs are refused), the number of files and the bytes in all. Files land readable by everyone and writable by
 * their owner only (0644, or 0755 when the archive lets anyone run them), folders 0755: no setuid, setgid or
 * sticky bit, nothing group- or world-writable. Nothing is written outside the directory, and no link is followed.
 * macOS's {@code __MACOSX} folder of resource forks is left out.
 */
public final class Unpacker {

  /** The files (and folders) a publish holds at most when nobody says otherwise. */
  public static final long DEFAULT_MAX_FILES = 100_000;

  /**
   * How much a publish may hold.
   *
   * @param maxBytes the bytes of all files together
   * @param maxFiles the files and folders together
   */
  public record Limits(long maxBytes, long maxFiles) {}

  /**
   * What was unpacked.
   *
   * @param root  the content's root: the directory written into, or its one folder when everything lay in one
   * @param files how many files
   * @param bytes their bytes in all
   */
  public record Result(Path root, long files, long bytes) {}

  private final Path dir;
  private final Limits limits;
  private long entries;
  private long files;
  private long bytes;

  private Unpacker(Path dir, Limits limits) {
    this.dir = dir;
    this.limits = limits;
  }

  /** Unpacks {@code source} into {@code dir}, which must exist and be empty. */
  public static Result unpack(ContentSource source, Path dir, Limits limits) {
    Unpacker u = new Unpacker(dir, limits);
    try {
      source.forEach(u::accept);
    } catch (IOException e) {
      throw ContentException.writeFailed("cannot write the content into " + dir, e);
    }
    if (u.files == 0) {
      throw ContentException.invalid("the archive holds no files");
    }
    return new Result(u.singleFolder(), u.files, u.bytes);
  }

  private void accept(ContentSource.Entry e, InputStream data) throws IOException {
    ContentPath path = ContentPath.parse(e.name(), false);
    if (!path.isRoot() && path.names().getFirst().equals("__MACOSX")) {
      return;
    }
    path.checkNotReserved();
    String shown = ContentPath.printable(e.name());
    switch (e.kind()) {
      case SYMLINK -> throw ContentException.invalid("\"" + shown + "\" is a symbolic link: Pier publishes files and folders only");
      case HARDLINK -> throw ContentException.invalid("\"" + shown + "\" is a hard link: Pier publishes files and folders only");
      case SPECIAL -> throw ContentException.invalid("\"" + shown + "\" is neither a file nor a folder (a device, a FIFO, a git submodule):"
          + " Pier publishes files and folders only");
      case DIRECTORY -> directories(path, path.names().size());
      case FILE -> {
        if (path.isRoot()) {
          throw ContentException.invalid("\"" + shown + "\" is a file without a name");
        }
        directories(path, path.names().size() - 1);
        write(path, e, data);
      }
    }
  }

  /** Makes the first {@code depth} names of {@code path} as folders, each checked to be a folder if it exists. */
  private void directories(ContentPath path, int depth) throws IOException {
    Path p = dir;
    for (int i = 0; i < depth; i++) {
      p = p.resolve(path.names().get(i));
      BasicFileAttributes a = attributes(p);
      if (a == null) {
        count();
        Files.createDirectory(p);
        Files.setPosixFilePermissions(p, ContentModes.FOLDER);
      } else if (!a.isDirectory()) {
        throw ContentException.invalid("\"" + new ContentPath(path.names().subList(0, i + 1)) + "\" is both a file and a folder in the archive");
      }
    }
  }

  private void write(ContentPath path, ContentSource.Entry e, InputStream data) throws IOException {
    Path p = dir;
    for (String n : path.names()) {
      p = p.resolve(n);
    }
    BasicFileAttributes a = attributes(p);
    if (a != null && a.isDirectory()) {
      throw ContentException.invalid("\"" + path + "\" is both a folder and a file in the archive");
    }
    if (a != null) {
      // The same name twice: the later entry wins, as tar has it.
      Files.delete(p);
      files--;
    } else {
      count();
    }
    files++;
    try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = data.read(buf)) > 0; ) {
        bytes += n;
        if (bytes > limits.maxBytes()) {
          throw new ContentException(ContentException.Reason.TOO_LARGE, "the content expands to more than " + limits.maxBytes()
              + " bytes, more than the site's disk has free: publish less, or ask for a plan with more disk");
        }
        out.write(buf, 0, n);
      }
    }
    Files.setPosixFilePermissions(p, ContentModes.file((e.mode() & 0111) != 0));
    if (e.mtime() >= 0) {
      Files.setLastModifiedTime(p, FileTime.fromMillis(e.mtime()));
    }
  }

  private void count() {
    if (++entries > limits.maxFiles()) {
      throw new ContentException(ContentException.Reason.TOO_LARGE, "the content holds more than " + limits.maxFiles()
          + " files and folders, more than a publish may");
    }
  }

  /** What is at {@code p}, links unfollowed; null when nothing is (asked without an exception: they are costly). */
  private static BasicFileAttributes attributes(Path p) throws IOException {
    return p.getFileSystem().provider().readAttributesIfExists(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /** The folder everything lies in, when the root holds that one folder and nothing else; else the root. */
  private Path singleFolder() {
    List<Path> top = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        top.add(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return top.size() == 1 && Files.isDirectory(top.getFirst(), LinkOption.NOFOLLOW_LINKS) ? top.getFirst() : dir;
  }
}
