package dev.pier.engine.content;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * A directory on the host as content to publish (a release restored from a backup): each folder and file in it,
 * links and anything else named as what they are, for the {@link Unpacker} to check as it checks an archive's. All
 * lie in one folder, {@code content/}, which the unpacker takes as the release's root: a directory that holds a
 * single folder keeps it (an archive's single folder would be unwrapped).
 */
public record DirectorySource(Path dir) implements ContentSource {

  @Override
  public void forEach(Sink sink) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        sink.accept(entry(d, Kind.DIRECTORY, a), InputStream.nullInputStream());
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        if (a.isRegularFile()) {
          try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            sink.accept(entry(f, Kind.FILE, a), in);
          }
        } else {
          sink.accept(entry(f, a.isSymbolicLink() ? Kind.SYMLINK : Kind.SPECIAL, a), InputStream.nullInputStream());
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private Entry entry(Path p, Kind kind, BasicFileAttributes a) throws IOException {
    int mode = 0;
    if (kind == Kind.FILE || kind == Kind.DIRECTORY) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      mode = perms.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644;
    }
    String relative = dir.relativize(p).toString();
    String name = "content/" + relative + (kind == Kind.DIRECTORY && !relative.isEmpty() ? "/" : "");
    return new Entry(name, kind, mode, a.lastModifiedTime().toMillis());
  }
}
