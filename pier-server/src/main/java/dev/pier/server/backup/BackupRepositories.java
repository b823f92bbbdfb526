package dev.pier.server.backup;

import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.common.ErrorIds;
import dev.pier.server.common.PierException;
import dev.pier.server.config.PierProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where backups go: Pier's own repository ({@code pier.backup.repository}, by default {@code DATA-DIR/backups}, its
 * password {@code DATA-DIR/backup-password}), and the off-site one an admin added, if any. The off-site settings lie
 * in {@code DATA-DIR/backup-offsite/} (0700): {@code settings.json}, {@code password}, {@code ssh-key} (0600 each) and
 * {@code known_hosts}. A new setting is written apart and only takes the old one's place once restic opened (or
 * made) the repository with it: a wrong URL, password or key changes nothing.
 */
@Component
public class BackupRepositories implements InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(BackupRepositories.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final CommandRunner runner;
  private final Path dataDir;
  private final Path offsiteDir;
  private final Restic local;
  private volatile Offsite offsite;

  /** The off-site repository: its settings, and restic on it. */
  record Offsite(OffsiteSettings settings, Restic restic) {}

  BackupRepositories(CommandRunner runner, PierProperties props, BackupProperties backups) {
    this.runner = runner;
    this.dataDir = props.dataDir();
    this.offsiteDir = dataDir.resolve("backup-offsite");
    String repo = backups.repository() == null || backups.repository().isBlank() ? dataDir.resolve("backups").toString()
        : Path.of(backups.repository()).toAbsolutePath().normalize().toString();
    this.local = new Restic(runner, repo, dataDir.resolve("backup-password"), dataDir.resolve("backup-cache")).quick();
    this.offsite = read(offsiteDir);
  }

  /**
   * At start: the locks a restic killed with Pier left on its own repository (restic removes only those of processes
   * gone) are removed, so that a check, or a prune, finds the repository free. Its failure is the next backup's.
   */
  @Override
  public void afterPropertiesSet() {
    if (local.exists()) {
      try {
        local.ensure();
      } catch (RuntimeException e) {
        log.error("Pier's backup repository {} does not open: {}", local.repository(), e.getMessage());
      }
    }
  }

  /** Pier's own repository. */
  public Restic local() {
    return local;
  }

  /** The off-site repository, when an admin added one. */
  Optional<Offsite> offsite() {
    return Optional.ofNullable(offsite);
  }

  /**
   * Makes {@code settings} the off-site repository: restic opens it with them (or makes it, when nothing is there),
   * and only then are they kept, in place of the earlier ones. A repository that does not open is a 400 saying why.
   */
  synchronized Offsite setOffsite(OffsiteSettings settings) {
    if (settings.repository().equals(local.repository())) {
      throw PierException.invalid("Bad off-site repository", "the off-site repository is Pier's own: give another one");
    }
    Path next = offsiteDir.resolveSibling("backup-offsite.new");
    MoreFiles.deleteRecursively(next);
    try {
      write(next, settings);
      Offsite made = open(next, settings);
      try {
        made.restic().ensure();
      } catch (IllegalStateException e) { // restic's own reason (an admin's call: the URL, the key, the host key)
        throw PierException.invalid("Off-site repository does not open", e.getMessage());
      } catch (RuntimeException e) {
        throw PierException.invalid("Off-site repository does not open", ErrorIds.shown("the off-site repository", e));
      }
      Path old = offsiteDir.resolveSibling("backup-offsite.old");
      MoreFiles.deleteRecursively(old);
      if (Files.exists(offsiteDir)) {
        Files.move(offsiteDir, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(next, offsiteDir, StandardCopyOption.ATOMIC_MOVE);
      MoreFiles.deleteRecursively(old);
      offsite = open(offsiteDir, settings);
      log.info("backups also go to the off-site repository {}", settings.redacted());
      return offsite;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the off-site repository's settings in " + offsiteDir, e);
    } finally {
      MoreFiles.deleteRecursively(next);
    }
  }

  /** Backups no longer go off-site (what is there stays there). */
  synchronized void removeOffsite() {
    offsite = null;
    MoreFiles.deleteRecursively(offsiteDir);
    log.info("backups no longer go off-site");
  }

  private static void write(Path dir, OffsiteSettings s) throws IOException {
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    secret(dir.resolve("password"), s.password() + "\n");
    secret(dir.resolve("settings.json"), JSON.writeValueAsString(Map.of("repository", s.repository(), "env", s.env())));
    if (s.sshKey() != null) {
      secret(dir.resolve("ssh-key"), s.sshKey());
    }
    Files.writeString(dir.resolve("known_hosts"), s.knownHosts() == null ? "" : s.knownHosts());
  }

  private static void secret(Path file, String text) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text);
  }

  /** restic on the off-site repository set in {@code dir} (its files named as they will be once kept). */
  private Offsite open(Path dir, OffsiteSettings s) {
    return new Offsite(s, new Restic(runner, s.repository(), dir.resolve("password"), dataDir.resolve("backup-cache"),
        s.resticOptions(dir.resolve("ssh-key"), dir.resolve("known_hosts")), s.env()));
  }

  /** The off-site settings kept in {@code dir}, or null: none (or unreadable: said in the log, never guessed). */
  private Offsite read(Path dir) {
    if (!Files.isRegularFile(dir.resolve("settings.json"))) {
      return null;
    }
    try {
      Map<String, Object> m = JSON.readValue(Files.readString(dir.resolve("settings.json")), new TypeReference<>() {});
      @SuppressWarnings("unchecked")
      Map<String, String> env = (Map<String, String>) m.getOrDefault("env", Map.of());
      Path key = dir.resolve("ssh-key");
      String known = Files.readString(dir.resolve("known_hosts"));
      OffsiteSettings s = new OffsiteSettings((String) m.get("repository"), Files.readString(dir.resolve("password")).strip(), env,
          Files.exists(key) ? Files.readString(key) : null, known.isBlank() ? null : known);
      return open(dir, s);
    } catch (IOException | RuntimeException e) {
      log.error("the off-site backup settings in {} cannot be read ({}): backups go to Pier's own repository only until an"
          + " admin sets them again", dir, e.getMessage());
      return null;
    }
  }
}
