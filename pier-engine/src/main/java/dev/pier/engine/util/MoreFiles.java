package dev.pier.engine.util;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/** File operations the JDK lacks. */
public final class MoreFiles {

  private MoreFiles() {}

  /**
   * Copies a tree as it is: owners (when root copies), modes and times kept, links copied as links (never followed),
   * anything but folders, files and links left out; nothing if {@code from} is no folder.
   */
  public static void copyTree(Path from, Path to) {
    if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(from, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
          Files.copy(d, to.resolve(from.relativize(d).toString()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          if (a.isRegularFile() || a.isSymbolicLink()) {
            Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  /** Deletes a tree without following symbolic links; nothing if it does not exist. */
  public static void deleteRecursively(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          if (exc != null) {
            throw exc;
          }
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /**
   * Removes a directory by renaming it to a hidden name in the same parent first, then deleting it, so that a
   * crash midway never leaves a half-deleted directory under the original name.
   */
  public static void renameThenDelete(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path trash = dir.resolveSibling(".deleting-" + dir.getFileName() + "-" + System.nanoTime());
    try {
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + dir + " aside to delete it", e);
    }
    deleteRecursively(trash);
  }

  /**
   * Up to the last {@code maxBytes} of a text file, starting at a whole line when the cut fell inside one; empty
   * when the file does not exist. For logs that grow while they are read.
   */
  public static String tail(Path file, int maxBytes) {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long from = Math.max(0, raf.length() - maxBytes);
      byte[] b = new byte[(int) (raf.length() - from)];
      raf.seek(from);
      raf.readFully(b);
      String text = new String(b, StandardCharsets.UTF_8);
      return from > 0 && text.indexOf('\n') >= 0 ? text.substring(text.indexOf('\n') + 1) : text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Writes a file through a temporary sibling and an atomic rename. */
  public static void writeAtomically(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
