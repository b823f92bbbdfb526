package dev.pier.server.backup;

import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteRepository;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole Pier brought back onto a fresh machine, in two steps. {@code ./pier restore --from REPO --password-file
 * FILE} ({@link #restore}) puts Pier's last backup of itself ({@link PierBackups}) into an empty data directory and
 * leaves {@code restore-sites.json} there, naming the repository. At the next start, every site is marked as being
 * created before the sites are brought to their wishes (so each gets its disk again), then each is restored from its
 * last backup in that repository and started if it ran; the marker goes once every site was tried.
 */
@Component
public class PierRestore implements InitializingBean, DisposableBean {

  static final String MARKER = "restore-sites.json";
  private static final Logger log = LoggerFactory.getLogger(PierRestore.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path dataDir;
  private final JdbcClient jdbc;
  private final SiteRepository sites;
  private final SiteRestores backups;
  private final SiteBackups siteBackups;
  private final BackupRepositories repos;
  private final CommandRunner runner;
  private volatile boolean closing;
  private volatile Thread worker;

  PierRestore(PierProperties props, JdbcClient jdbc, SiteRepository sites, SiteRestores backups, BackupRepositories repos, CommandRunner runner,
      SiteBackups siteBackups) {
    this.siteBackups = siteBackups;
    this.dataDir = props.dataDir();
    this.jdbc = jdbc;
    this.sites = sites;
    this.backups = backups;
    this.repos = repos;
    this.runner = runner;
  }

  /** Before the sites are brought to their wishes: after a restore, each is made again (its disk is not here). */
  @Override
  public void afterPropertiesSet() {
    if (Files.exists(dataDir.resolve(MARKER))) {
      siteBackups.hold(true);
      int n = jdbc.sql("UPDATE sites SET state = 'CREATING'").update();
      log.warn("Pier was restored from a backup: its {} sites are made again, then each restored from its last backup", n);
    }
  }

  /** Once Pier runs: each site restored from its last backup, on a thread of its own (Pier serves meanwhile). */
  @EventListener(ApplicationReadyEvent.class)
  void restoreSites() {
    if (Files.exists(dataDir.resolve(MARKER))) {
      worker = Thread.ofPlatform().name("pier-restore").start(this::bringBackAll);
    }
  }

  /** When Pier stops: no site is begun any more (the rest waits for the next start), the one under way ends first. */
  @Override
  public void destroy() throws InterruptedException {
    closing = true;
    Thread w = worker;
    if (w != null) {
      w.join(java.time.Duration.ofMinutes(2));
    }
  }

  private void bringBackAll() {
    Path marker = dataDir.resolve(MARKER);
    try {
      JsonNode m = JSON.readTree(Files.readString(marker));
      String from = m.path("repository").asString();
      Instant before = m.hasNonNull("restoredAt") ? Instant.parse(m.path("restoredAt").asString()) : Instant.now();
      Set<String> done = new TreeSet<>();
      m.path("done").forEach(d -> done.add(d.asString()));
      Restic restic = repos.offsite().filter(o -> o.settings().repository().equals(from)).map(BackupRepositories.Offsite::restic)
          .orElseGet(() -> from.equals(repos.local().repository()) ? repos.local() : new Restic(runner, from,
              dataDir.resolve("restore-password"), dataDir.resolve("backup-cache"), sshOptions(from), Map.of()));
      int restored = 0;
      int failed = 0;
      List<Site> all = sites.all();
      for (Site s : all) {
        if (done.contains(s.name().value())) {
          continue; // (restored before Pier stopped: never again over what it has done since)
        }
        if (closing) {
          log.warn("Pier stops during its restore: the sites not restored yet are at its next start");
          return;
        }
        try {
          if (backups.bringBack(restic, s, before)) {
            restored++;
          } else {
            log.error("site {} has no backup in {}: it is back with its starter page only", s.name(), Restic.redact(from));
          }
          done.add(s.name().value());
        } catch (RuntimeException e) { // (not done: tried again at the next start, the backups held until then)
          log.error("site {} could not be restored from {}: {}", s.name(), Restic.redact(from), e.getMessage(), e);
          failed++;
        }
        Map<String, Object> next = new LinkedHashMap<>(JSON.convertValue(m, Map.class));
        next.put("done", List.copyOf(done));
        MoreFiles.writeAtomically(marker, JSON.writeValueAsString(next));
      }
      if (failed > 0) {
        log.error("Pier's restore: {} of {} sites could not be restored from {}; they are tried again at the next start, and"
            + " Pier makes no backup by itself until then", failed, all.size(), Restic.redact(from));
        return;
      }
      log.warn("Pier's restore is over: {} of {} sites restored from {}", restored, all.size(), Restic.redact(from));
      Files.deleteIfExists(marker);
      siteBackups.hold(false);
      Files.deleteIfExists(dataDir.resolve("restore-password"));
      Files.deleteIfExists(dataDir.resolve("restore-ssh-key"));
      Files.deleteIfExists(dataDir.resolve("restore-known-hosts"));
    } catch (IOException | RuntimeException e) {
      log.error("Pier's restore of its sites failed ({}): it is tried again at the next start", e.getMessage(), e);
    }
  }

  private List<String> sshOptions(String from) {
    Path key = dataDir.resolve("restore-ssh-key");
    if (!Files.exists(key) || !from.startsWith("sftp:")) {
      return List.of();
    }
    return OffsiteSettings.sftpOptions(from, key, dataDir.resolve("restore-known-hosts"), false);
  }

  /**
   * {@code pier restore}: puts Pier's last backup of itself, from repository {@code from} (read with the password in
   * {@code passwordFile}, and for SFTP maybe {@code sshKey}), into {@code dataDir}, which must hold no Pier yet.
   * Returns what it says to the operator.
   */
  static String restore(CommandRunner runner, String from, Path passwordFile, Path sshKey, Path dataDir) throws IOException {
    if (Files.exists(dataDir.resolve("db"))) {
      throw new IllegalStateException(dataDir + " already holds a Pier (its db/): restore onto a fresh data directory");
    }
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    secretCopy(passwordFile, dataDir.resolve("restore-password"));
    List<String> options = List.of();
    if (sshKey != null) {
      secretCopy(sshKey, dataDir.resolve("restore-ssh-key"));
      options = OffsiteSettings.sftpOptions(from, dataDir.resolve("restore-ssh-key"), dataDir.resolve("restore-known-hosts"), false);
    }
    Restic restic = new Restic(runner, from, dataDir.resolve("restore-password"), dataDir.resolve("backup-cache"), options, Map.of());
    List<Restic.Snapshot> snaps = restic.snapshots(PierBackups.TAG);
    if (snaps.isEmpty()) {
      throw new IllegalStateException(from + " holds no backup of Pier itself (tag " + PierBackups.TAG + ")");
    }
    Restic.Snapshot last = snaps.get(snaps.size() - 1);
    Path scratch = dataDir.resolve("tmp").resolve("restore-pier");
    MoreFiles.deleteRecursively(scratch);
    try {
      restic.restore(last.id(), scratch);
      Path root = scratch.resolve(Path.of("/").relativize(Path.of(last.path())).toString());
      JsonNode manifest = JSON.readTree(Files.readString(root.resolve("manifest.json")));
      if (!PierBackups.FORMAT.equals(manifest.path("format").asString())) {
        throw new IllegalStateException("snapshot " + last.id() + " is not a backup of Pier (" + manifest.path("format").asString() + ")");
      }
      try (var kept = Files.list(root.resolve("data"))) {
        for (Path p : kept.toList()) {
          Files.move(p, dataDir.resolve(p.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
        }
      }
      if (Files.exists(root.resolve("db.zip"))) {
        unzip(root.resolve("db.zip"), dataDir.resolve("db"));
      }
      Files.writeString(dataDir.resolve(MARKER), JSON.writeValueAsString(Map.of("repository", from, "snapshot", last.id(),
          "restoredAt", Instant.now().toString())));
    } finally {
      MoreFiles.deleteRecursively(scratch);
    }
    return "restored Pier's backup of " + last.time() + " (snapshot " + last.id().substring(0, 8) + ") into " + dataDir
        + ": start Pier (./pier up), and each site comes back from its last backup in " + from;
  }

  private static void secretCopy(Path from, Path to) throws IOException {
    Files.deleteIfExists(to);
    Files.createFile(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(to, Files.readAllBytes(from));
  }

  /** H2's backup: its database files, by their bare names, into {@code dir}. */
  private static void unzip(Path zip, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
        String name = Path.of(e.getName()).getFileName().toString();
        if (!e.isDirectory() && name.endsWith(".db")) {
          Files.copy(z, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** {@code pier restore --from REPO --password-file FILE [--ssh-key FILE] [--data-dir DIR]}. */
  public static int main(String[] args) {
    String from = null;
    Path password = null;
    Path key = null;
    Path data = Path.of("/var/lib/pier");
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (a) {
          case "--from" -> from = v;
          case "--password-file" -> password = Path.of(v);
          case "--ssh-key" -> key = Path.of(v);
          case "--data-dir" -> data = Path.of(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
        if (v == null) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        i++;
      }
      if (from == null || password == null) {
        throw new IllegalArgumentException("usage: pier restore --from REPOSITORY --password-file FILE [--ssh-key FILE] [--data-dir DIR]");
      }
      System.out.println("pier: " + restore(new ProcessRunner(), from, password, key, data.toAbsolutePath().normalize()));
      return 0;
    } catch (IllegalArgumentException | IllegalStateException | IOException | UncheckedIOException e) {
      System.err.println("pier: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("pier: the restore failed: " + e.getMessage());
      return 1;
    }
  }
}
