package dev.pier.engine.content;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A live file opened in place ({@link WebFiles#open}), and which file it is: its inode number, as the path showed it
 * (looked at before a read opens it, after a write does: Java cannot ask the open file). Not the device: a site's
 * disk may come back on another loop device after a stop.
 */
public record OpenedFile(FileChannel channel, long inode) {

  /** Opens {@code p}, the host path of {@code path} with every folder on the way checked; links never followed. */
  static OpenedFile open(Path p, ContentPath path, boolean write, boolean create, boolean truncate) {
    if (!write) {
      // Looked at before it is opened: opening a FIFO for reading would wait for a writer.
      Map<String, Object> a = unixAttributes(p);
      if (a == null) {
        throw new ContentException(ContentException.Reason.NOT_FOUND, "\"" + path + "\" does not exist");
      }
      if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
        throw notAFile(path);
      }
      try {
        return new OpenedFile(FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), (Long) a.get("ino"));
      } catch (IOException e) {
        throw ContentException.writeFailed("cannot open " + path, e);
      }
    }
    // Opened first, looked at after: a new file is not asked for first (an absent file costs an exception, a third of
    // an SFTP upload's time per file). Opening for reading and writing never waits, and O_NOFOLLOW refuses a link.
    Set<OpenOption> options = new HashSet<>(List.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    if (create) {
      options.add(StandardOpenOption.CREATE);
    }
    if (truncate) {
      options.add(StandardOpenOption.TRUNCATE_EXISTING);
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(p, options, PosixFilePermissions.asFileAttribute(ContentModes.FILE));
    } catch (NoSuchFileException e) {
      throw new ContentException(ContentException.Reason.NOT_FOUND, "\"" + path + "\" does not exist");
    } catch (IOException e) {
      Map<String, Object> a = unixAttributes(p);
      if (a != null && !Boolean.TRUE.equals(a.get("isRegularFile"))) {
        throw notAFile(path);
      }
      throw ContentException.writeFailed("cannot open " + path, e);
    }
    try {
      Map<String, Object> a = unixAttributes(p);
      if (a == null || !Boolean.TRUE.equals(a.get("isRegularFile"))) {
        throw notAFile(path); // closed below
      }
      @SuppressWarnings("unchecked")
      Set<PosixFilePermission> perms = (Set<PosixFilePermission>) a.get("permissions");
      Set<PosixFilePermission> mode = ContentModes.file(perms.contains(PosixFilePermission.OWNER_EXECUTE));
      if (!perms.equals(mode)) { // made under a stricter umask, or a stray mode: the content's own
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(mode);
      }
      return new OpenedFile(ch, (Long) a.get("ino"));
    } catch (IOException e) {
      closeQuietly(ch);
      throw ContentException.writeFailed("cannot open " + path, e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /** What is at {@code p}, links unfollowed, with its inode and permissions (one lstat); null when nothing is. */
  private static Map<String, Object> unixAttributes(Path p) {
    try {
      return Files.readAttributes(p, "unix:isRegularFile,ino,permissions", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  private static ContentException notAFile(ContentPath path) {
    return new ContentException(ContentException.Reason.CONFLICT, "\"" + path + "\" is not a file");
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // opened for nothing: nothing is lost
    }
  }
}
