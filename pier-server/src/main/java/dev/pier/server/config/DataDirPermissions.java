package dev.pier.server.config;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Pier's own files in its data directory (the database, its log, the directory, the CA's and the SSH server's keys)
 * are made 0600 and their folders 0700 once Pier has started, whatever umask made them: the data directory's own 0700
 * ({@link EngineBeans}) is the first wall, this the second. Files made later (a rotated log) keep the umask's mode,
 * inside folders only root enters. Sites' files and the images keep theirs: the sites need them.
 */
@Component
class DataDirPermissions {

  private static final Logger log = LoggerFactory.getLogger(DataDirPermissions.class);
  static final List<String> PIERS_OWN = List.of("db", "logs", "ldap", "ca", "ssh", "certs", "acme", "access-logs", "git",
      "image-builds", "tmp", "backups", "backup-cache");

  private final PierProperties props;

  DataDirPermissions(PierProperties props) {
    this.props = props;
  }

  @EventListener(ApplicationReadyEvent.class)
  void tighten() {
    for (String name : PIERS_OWN) {
      Path dir = props.dataDir().resolve(name);
      if (Files.isDirectory(dir)) {
        try {
          tighten(dir);
        } catch (IOException e) {
          log.warn("could not make {} readable to Pier alone: {}", dir, e.getMessage());
        }
      }
    }
  }

  private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  /** Sets {@code mode} where it is not that already: most are, after the first start (a repository holds many files). */
  private static void restrict(Path p, Set<PosixFilePermission> mode) throws IOException {
    if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
      Files.setPosixFilePermissions(p, mode);
    }
  }

  static void tighten(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        restrict(dir, FOLDER);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE; // gone meanwhile (a rotated log, a finished upload)
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) { // links are left alone, never followed
          restrict(file, FILE);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
