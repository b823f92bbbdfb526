package dev.pier.engine.content;

import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A site's releases on its mounted file system ({@link WebRoot}): content is unpacked into {@code staging}, moved
 * whole into {@code releases/ID}, and made live by replacing the {@code html} link in one rename, so every request
 * reads the old release or the new one, never a mix, and a failure at any step leaves the live site as it was.
 */
public final class Releases {

  /** Release ids: a sortable time and a random part, {@code 20261207-143012-3fa9}; or a name Pier gave earlier. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The name of a new link before it replaces {@code html}. */
  private static final String NEW_LINK = ".html-";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final WebRoot root;
  private final Runnable sync;

  /** {@code sync} writes the site's file system out to its disk (syncfs): a release's files before it goes live. */
  public Releases(WebRoot root, Runnable sync) {
    this.root = root;
    this.sync = sync;
  }

  /** Releases whose file system needs no syncing (tests). */
  public Releases(WebRoot root) {
    this(root, () -> {});
  }

  public WebRoot root() {
    return root;
  }

  /** Content unpacked and checked, not yet a release. */
  public record Staged(Path dir, Path content, long files, long bytes) {}

  /** Unpacks {@code source} into a fresh staging directory; on any failure nothing of it is left. */
  public Staged stage(ContentSource source, Unpacker.Limits limits) {
    Path dir = root.staging().resolve("publish-" + randomName());
    try {
      Files.createDirectories(root.staging());
      Files.createDirectory(dir);
      Files.setPosixFilePermissions(dir, ContentModes.FOLDER);
    } catch (IOException e) {
      throw ContentException.writeFailed("cannot make " + dir, e);
    }
    try {
      Unpacker.Result r = Unpacker.unpack(source, dir, limits);
      return new Staged(dir, r.root(), r.files(), r.bytes());
    } catch (RuntimeException e) {
      try {
        MoreFiles.deleteRecursively(dir);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Makes staged content a release (not live yet) and returns its id. Its files are written out to the disk first,
   * so that a crash after it goes live never leaves a live release with files the disk did not get.
   */
  public String keep(Staged staged) {
    String id = newId();
    sync.run();
    try {
      Files.createDirectories(root.releases());
      Files.move(staged.content(), root.release(id), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the staged content into " + root.release(id), e);
    }
    MoreFiles.deleteRecursively(staged.dir());
    return id;
  }

  /**
   * Makes release {@code id} live in one rename of the {@code html} link; returns the id that was live before. The
   * rename is not synced to disk (that costs a journal commit, tens of milliseconds): it reaches the disk with the
   * file system's next commit, and after a crash before that the release before is live, as Pier's records then say.
   */
  public Optional<String> activate(String id) {
    checkId(id);
    if (!Files.isDirectory(root.release(id), LinkOption.NOFOLLOW_LINKS)) {
      throw new ContentException(ContentException.Reason.NOT_FOUND, "release " + id + " is not on the site's disk");
    }
    Optional<String> before = active();
    Path link = root.www().resolve(NEW_LINK + randomName());
    try {
      Files.createSymbolicLink(link, Path.of("releases", id));
      Files.move(link, root.live(), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(link);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw ContentException.writeFailed("cannot make release " + id + " live", e);
    }
    return before;
  }

  /** The live release's id, when the {@code html} link points at one. */
  public Optional<String> active() {
    try {
      Path target = Files.readSymbolicLink(root.live());
      if (target.getNameCount() == 2 && target.getName(0).toString().equals("releases") && ID.matcher(target.getName(1).toString()).matches()) {
        return Optional.of(target.getName(1).toString());
      }
      return Optional.empty();
    } catch (NoSuchFileException | NotLinkException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root.live(), e);
    }
  }

  /** The ids of the releases on disk. */
  public List<String> ids() {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(root.releases(), LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root.releases())) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        if (ID.matcher(n).matches() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root.releases(), e);
    }
    out.sort(null);
    return out;
  }

  /** Removes release {@code id} (moved aside first, so no half release stays under its name); never the live one. */
  public void delete(String id) {
    checkId(id);
    if (active().filter(id::equals).isPresent()) {
      throw new ContentException(ContentException.Reason.CONFLICT, "release " + id + " is live: activate another first");
    }
    Path dir = root.release(id);
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path trash = root.staging().resolve("delete-" + randomName());
    try {
      Files.createDirectories(root.staging());
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + dir + " aside to delete it", e);
    }
    MoreFiles.deleteRecursively(trash);
  }

  /** Empties {@code staging}, and removes new links a swap cut short left: what a publish or delete cut short left. */
  public void clearStaging() {
    MoreFiles.deleteRecursively(root.staging());
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root.www(), NEW_LINK + "*")) {
      for (Path p : s) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      // no www yet
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + root.www(), e);
    }
  }

  /** Counts the files of a release and their bytes. */
  public long[] measure(String id) {
    long[] filesAndBytes = new long[2];
    try {
      Files.walkFileTree(root.release(id), new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
          if (a.isRegularFile()) {
            filesAndBytes[0]++;
            filesAndBytes[1] += a.size();
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure release " + id, e);
    }
    return filesAndBytes;
  }

  /** The bytes a publish may still write: the free space of the site's file system. */
  public long freeBytes() {
    try {
      return Files.getFileStore(root.layer()).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the free space of " + root.layer(), e);
    }
  }

  private static void checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new ContentException(ContentException.Reason.NOT_FOUND, "no release \"" + ContentPath.printable(String.valueOf(id)) + "\"");
    }
  }

  private static String newId() {
    return STAMP.format(Instant.now()) + "-" + randomName().substring(0, 6);
  }

  /** A name no other in the site's directories has: 12 random hex digits. */
  static String randomName() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

}
