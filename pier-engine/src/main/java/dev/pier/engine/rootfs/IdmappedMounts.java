package dev.pier.engine.rootfs;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * The kernel's id-mapped mounts (Linux 5.12 and later for ext4, 5.19 for overlayfs on them), made as util-linux 2.39's
 * {@code X-mount.idmap} does, which Debian 12's mount lacks: {@code open_tree} clones the directory's mount,
 * {@code mount_setattr} gives the clone a user namespace's mapping (the site's, kept by the network's driver beside
 * its network namespace), {@code move_mount} puts it in place. No program runs: Java 21 cannot make these calls
 * itself, so they go through JNA.
 */
public final class IdmappedMounts implements IdMapping {

  // The new mount API's calls have one number on every architecture Linux added them for (since 5.2).
  private static final long SYS_OPEN_TREE = 428;
  private static final long SYS_MOVE_MOUNT = 429;
  private static final long SYS_MOUNT_SETATTR = 442;
  private static final int AT_FDCWD = -100;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int O_CLOEXEC = 0x80000;
  private static final int OPEN_TREE_CLONE = 1;
  private static final int MOVE_MOUNT_F_EMPTY_PATH = 4;
  private static final long MOUNT_ATTR_RDONLY = 0x1;
  private static final long MOUNT_ATTR_IDMAP = 0x100000;

  /** The C library's calls used here; loaded on first use. */
  interface LibC extends Library {
    int syscall(long number, Object... args);

    int open(String path, int flags);

    int close(int fd);

    int chmod(String path, int mode);

    String strerror(int errno);
  }

  private static final class Holder {
    static final LibC C = Native.load("c", LibC.class);
  }

  /** Loads the C library through JNA now, so that a host where it cannot be loaded is told so at Pier's start. */
  public IdmappedMounts() {
    try {
      Objects.requireNonNull(Holder.C);
    } catch (LinkageError e) {
      throw new IllegalStateException("cannot load the C library through JNA, which sites' id-mapped mounts need: " + e, e);
    }
  }

  @Override
  public void mount(Path userns, List<View> views) {
    int nsFd = check(C().open(userns.toString(), O_CLOEXEC), "open the user namespace kept at " + userns);
    try {
      for (View v : views) {
        mount(v, nsFd);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mount the views of " + userns, e);
    } finally {
      C().close(nsFd);
    }
  }

  private static void mount(View v, int nsFd) throws IOException {
    Files.createDirectories(v.target());
    String what = "mount an id-mapped view of " + v.source() + " at " + v.target();
    int tree = check(C().syscall(SYS_OPEN_TREE, AT_FDCWD, v.source().toString(), OPEN_TREE_CLONE | O_CLOEXEC), what + ": open_tree");
    try (Memory attr = new Memory(32)) { // struct mount_attr: attr_set, attr_clr, propagation, userns_fd
      attr.clear();
      attr.setLong(0, MOUNT_ATTR_IDMAP | (v.readOnly() ? MOUNT_ATTR_RDONLY : 0));
      attr.setLong(24, nsFd);
      if (C().syscall(SYS_MOUNT_SETATTR, tree, "", AT_EMPTY_PATH, attr, 32L) < 0) {
        int errno = Native.getLastError();
        boolean unsupported = errno == 22 || errno == 38 || errno == 95; // EINVAL, ENOSYS, EOPNOTSUPP
        throw new IllegalStateException("cannot " + what + ": mount_setattr: " + C().strerror(errno) + " (errno " + errno + ")"
            + (unsupported ? ": this kernel or file system cannot id-map it (ext4 and xfs need Linux 5.12 or later, btrfs"
            + " 5.15, tmpfs 6.3; sites' user namespaces need it)" : ""));
      }
      check(C().syscall(SYS_MOVE_MOUNT, tree, "", AT_FDCWD, v.target().toString(), MOVE_MOUNT_F_EMPTY_PATH), what + ": move_mount");
    } finally {
      C().close(tree);
    }
  }

  @Override
  public void shift(Path tree, int from, int to) {
    try {
      Files.walkFileTree(tree, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
          shiftOne(dir, from, to);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
          shiftOne(file, from, to);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot change the owners of the files in " + tree, e);
    }
  }

  @Override
  public void giveToRoot(Path file, IdMap ids) {
    try {
      Files.setAttribute(file, "unix:uid", ids.hostBase(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(file, "unix:gid", ids.hostBase(), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give " + file + " to the root of ids from " + ids.hostBase(), e);
    }
  }

  private static void shiftOne(Path p, int from, int to) throws IOException {
    int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    int newUid = moved(uid, from, to);
    int newGid = moved(gid, from, to);
    if (newUid == uid && newGid == gid) {
      return;
    }
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:uid", newUid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", newGid, LinkOption.NOFOLLOW_LINKS);
    boolean link = (mode & 0170000) == 0120000;
    if (!link && (mode & 06000) != 0) { // chown cleared setuid and setgid: as the site's image had them
      check(C().chmod(p.toString(), mode & 07777), "give " + p + " its mode back");
    }
  }

  static int moved(int id, int from, int to) {
    long offset = Integer.toUnsignedLong(id) - Integer.toUnsignedLong(from);
    return offset >= 0 && offset < IdMap.SIZE ? to + (int) offset : id;
  }

  private static LibC C() {
    return Holder.C;
  }

  private static int check(int result, String what) {
    if (result < 0) {
      int errno = Native.getLastError();
      throw new IllegalStateException("cannot " + what + ": " + C().strerror(errno) + " (errno " + errno + ")");
    }
    return result;
  }
}
