package dev.pier.server.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Writes a folder as a .tar.gz: names relative to it, modes, times and numeric owners kept, links as links. */
final class TarGz {

  private TarGz() {}

  static void write(Path root, OutputStream out) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
    TarArchiveOutputStream tar = new TarArchiveOutputStream(gz);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        if (!d.equals(root)) {
          put(d, root.relativize(d) + "/");
          tar.closeArchiveEntry();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        if (a.isSymbolicLink()) {
          TarArchiveEntry e = new TarArchiveEntry(root.relativize(f).toString(), TarConstants.LF_SYMLINK);
          e.setLinkName(Files.readSymbolicLink(f).toString());
          e.setModTime(a.lastModifiedTime());
          tar.putArchiveEntry(e);
          tar.closeArchiveEntry();
        } else if (a.isRegularFile()) {
          put(f, root.relativize(f).toString());
          Files.copy(f, tar);
          tar.closeArchiveEntry();
        }
        return FileVisitResult.CONTINUE;
      }

      private void put(Path p, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(p, name, LinkOption.NOFOLLOW_LINKS);
        tar.putArchiveEntry(e);
      }
    });
    tar.finish();
    gz.finish();
    out.flush();
  }
}
