package dev.pier.server.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandResult;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.server.testing.PierTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A site's owner backs it up over the API into Pier's restic repository (real restic): the snapshot holds the site's
 * settings, its live release and its SQLite data, taken with the site frozen and serving again right after.
 */
@Tag("root")
class BackupTest {

  private PierTestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** A debian-php site of alice's, started. */
  private String phpSite(String base) throws Exception {
    return phpSite(server, base);
  }

  /** A debian-php site of alice's on {@code server}, started. */
  static String phpSite(PierTestServer server, String base) throws Exception {
    JsonNode php = PierTestServer.json(server.api("alice", "GET", "/api/v1/images/debian-php", null));
    if (!php.path("status").asString().equals("ready")) { // a machine where the engine tests did not build it yet
      server.api("admin", "POST", "/api/v1/images/debian-php/builds", null);
      for (int i = 0; i < 600 && !php.path("status").asString().equals("ready"); i++) {
        Thread.sleep(500);
        php = PierTestServer.json(server.api("alice", "GET", "/api/v1/images/debian-php", null));
      }
    }
    String name = server.host.siteName(base);
    assertThat(server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\",\"image\":\"debian-php\"}").statusCode())
        .isEqualTo(201);
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null).statusCode()).isEqualTo(200);
    return name;
  }

  @Test
  void aRunningPhpSiteIsBackedUpWithItsSettingsReleaseAndDataAndOnlyItsOwnerSeesIt() throws Exception {
    server = new PierTestServer();
    String name = phpSite("kept");
    assertThat(server.visits(name)).isEqualTo("1");
    assertThat(server.visits(name)).isEqualTo("2");
    assertThat(server.api("alice", "GET", "/api/v1/sites/" + name + "/backups", null).body()).as("none yet").isEqualTo("[]");

    var made = server.api("alice", "POST", "/api/v1/sites/" + name + "/backups", null);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    JsonNode backup = PierTestServer.json(made);
    String id = backup.path("id").asString();
    assertThat(made.headers().firstValue("Location")).hasValue("/api/v1/sites/" + name + "/backups/" + id);
    assertThat(backup.path("site").asString()).isEqualTo(name);
    assertThat(Instant.parse(backup.path("time").asString())).isBefore(Instant.now());
    assertThat(server.visits(name)).as("thawed: the site serves and counts on").isEqualTo("3");

    var second = PierTestServer.json(server.api("alice", "POST", "/api/v1/sites/" + name + "/backups", null));
    JsonNode list = PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/backups", null));
    assertThat(list.findValuesAsString("id")).as("newest first").containsExactly(second.path("id").asString(), id);
    assertThat(server.api("bob", "GET", "/api/v1/sites/" + name + "/backups", null).statusCode()).isEqualTo(404);
    assertThat(server.api("bob", "POST", "/api/v1/sites/" + name + "/backups", null).statusCode()).isEqualTo(404);
    assertThat(server.api("admin", "GET", "/api/v1/sites/" + name + "/backups", null).statusCode()).isEqualTo(200);

    // What the first snapshot holds, as restic itself reads it with the password Pier made (0600).
    Path data = server.host.dataDir;
    assertThat(Files.getPosixFilePermissions(data.resolve("backup-password"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    List<String> files = restic(data, "ls", id).stdout().lines().toList();
    String dir = data.resolve("tmp/backups").resolve(name).toString();
    assertThat(files).contains(dir + "/manifest.json", dir + "/release/index.php", dir + "/data/counter.sqlite");
    JsonNode manifest = tools.jackson.databind.json.JsonMapper.builder().build().readTree(restic(data, "dump", id, dir + "/manifest.json").stdout());
    assertThat(manifest.path("site").asString()).isEqualTo(name);
    assertThat(manifest.path("owner").asString()).isEqualTo("alice");
    assertThat(manifest.path("image").asString()).isEqualTo("debian-php");
    assertThat(manifest.path("release").asString()).isEqualTo("starter");
    assertThat(restic(data, "dump", id, dir + "/data/counter.sqlite").stdout()).as("a whole SQLite database").startsWith("SQLite format 3");
    assertThat(restic(data, "check").succeeded()).isTrue();
    assertThat(Files.exists(data.resolve("tmp/backups").resolve(name))).as("nothing staged is left").isFalse();

    // The owner downloads it, to keep: a .tar.gz of the manifest, the release and the data, owners kept.
    var archive = server.download("alice", "/api/v1/sites/" + name + "/backups/" + id + "/archive");
    assertThat(archive.statusCode()).isEqualTo(200);
    assertThat(archive.headers().firstValue("Content-Type")).hasValue("application/gzip");
    assertThat(archive.headers().firstValue("Content-Disposition").orElse("")).contains(name + "-" + id.substring(0, 8) + ".tar.gz");
    java.util.Map<String, Long> owners = new java.util.TreeMap<>();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(archive.body())))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        owners.put(e.getName(), e.getLongUserId());
      }
    }
    assertThat(owners).containsKeys("manifest.json", "release/index.php", "data/counter.sqlite");
    assertThat(owners.get("data/counter.sqlite")).as("PHP's data, www-data's").isEqualTo(33L);
    assertThat(server.download("bob", "/api/v1/sites/" + name + "/backups/" + id + "/archive").statusCode()).isEqualTo(404);

    // The site counts on; then its owner restores the first backup, in place.
    assertThat(server.visits(name)).isEqualTo("4");
    assertThat(server.api("bob", "POST", "/api/v1/sites/" + name + "/backups/" + id + "/restore", "{}").statusCode()).isEqualTo(404);
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + name + "/backups/nosuchid/restore", "{}").statusCode()).isEqualTo(404);
    var restored = server.api("alice", "POST", "/api/v1/sites/" + name + "/backups/" + id + "/restore", "{}");
    assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
    JsonNode r = PierTestServer.json(restored);
    assertThat(r.path("backup").asString()).isEqualTo(id);
    JsonNode site = PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name, null));
    assertThat(site.path("state").asString()).as("running again, as it was").isEqualTo("RUNNING");
    assertThat(server.visits(name)).as("the data of the backup: two visits, and this one").isEqualTo("3");
    JsonNode after = PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/backups", null));
    assertThat(after.findValuesAsString("id")).as("the state just before was backed up first").hasSize(3)
        .contains(r.path("before").asString());
    JsonNode releases = PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/releases", null));
    assertThat(releases.get(0).path("active").asBoolean()).isTrue();
    assertThat(releases.get(0).path("id").asString()).isEqualTo(r.path("release").asString());

    // The admin's overview, and the check: restic's, and a test restore of the site's last backup.
    assertThat(server.api("alice", "GET", "/api/v1/backups", null).statusCode()).isEqualTo(403);
    assertThat(server.api("alice", "POST", "/api/v1/backups/check", null).statusCode()).isEqualTo(403);
    JsonNode overview = PierTestServer.json(server.api("admin", "GET", "/api/v1/backups", null));
    assertThat(overview.path("bytes").asLong()).isPositive();
    JsonNode row = rowOf(overview, name);
    assertThat(row.path("lastBackup").isNull()).isFalse();
    assertThat(row.path("stale").asBoolean()).isFalse();
    assertThat(row.path("lastFailure").isNull()).isTrue();
    JsonNode checked = PierTestServer.json(server.api("admin", "POST", "/api/v1/backups/check", null));
    assertThat(checked.path("ok").asBoolean()).as(checked.toString()).isTrue();
    assertThat(checked.path("restoredSite").asString()).isEqualTo(name);
    assertThat(PierTestServer.json(server.api("admin", "GET", "/api/v1/backups", null)).path("lastCheck").path("ok").asBoolean()).isTrue();

    // A backup that fails (the repository's password gone) is said to its owner and shown to the admins.
    Path password = data.resolve("backup-password");
    Path away = data.resolve("backup-password.away");
    Files.move(password, away);
    try {
      var failed = server.api("alice", "POST", "/api/v1/sites/" + name + "/backups", null);
      assertThat(failed.statusCode()).isEqualTo(500);
      JsonNode broken = PierTestServer.json(server.api("admin", "GET", "/api/v1/backups", null));
      assertThat(broken.path("problem").asString()).as(broken.toString()).contains("error");
      assertThat(rowOf(broken, name).path("lastFailure").path("message").asString()).contains("error");
    } finally {
      Files.move(away, password);
    }
    assertThat(server.visits(name)).as("and the site serves on").isEqualTo("4");

    // A damaged repository: the check says so.
    try (var packs = Files.walk(data.resolve("backups/data"))) {
      for (Path pack : packs.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(pack);
        for (int i = 0; i < Math.min(64, bytes.length); i++) {
          bytes[bytes.length - 1 - i] ^= (byte) 0x5a;
        }
        Files.write(pack, bytes);
      }
    }
    JsonNode damaged = PierTestServer.json(server.api("admin", "POST", "/api/v1/backups/check", null));
    assertThat(damaged.path("ok").asBoolean()).as(damaged.toString()).isFalse();
    assertThat(damaged.path("problem").asString()).isNotBlank();
  }

  private static JsonNode rowOf(JsonNode overview, String site) {
    for (JsonNode r : overview.path("sites")) {
      if (r.path("site").asString().equals(site)) {
        return r;
      }
    }
    throw new AssertionError("no row for " + site + " in " + overview);
  }

  private static CommandResult restic(Path data, String... args) {
    List<String> argv = new ArrayList<>(List.of("restic", "--repo", data.resolve("backups").toString(), "--password-file",
        data.resolve("backup-password").toString(), "--no-cache"));
    argv.addAll(List.of(args));
    CommandResult r = new ProcessRunner().run(Command.of(argv));
    assertThat(r.succeeded()).as(r.toString()).isTrue();
    return r;
  }

  /**
   * With daily backups on (here a night of 24 hours, looked at every second), a site whose time came without a backup
   * is backed up once, not again; and backups beyond those kept (here the last one, and one a day) are forgotten.
   */
  @Test
  void everySiteIsBackedUpOnceADayAndOnlyTheKeptBackupsStay() throws Exception {
    server = new PierTestServer(new dev.pier.engine.testing.TestHost(), "--pier.backup.daily=true", "--pier.backup.check-interval=1s",
        "--pier.backup.night-start=00:00", "--pier.backup.night=24h", "--pier.backup.keep-last=1", "--pier.backup.keep-daily=1", "--pier.backup.keep-weekly=0",
        "--pier.backup.keep-monthly=0");
    String name = phpSite("nightly");
    JsonNode list = PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/backups", null));
    for (int i = 0; i < 300 && list.isEmpty(); i++) {
      Thread.sleep(100);
      list = PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/backups", null));
    }
    assertThat(list.size()).as("backed up by the schedule").isEqualTo(1);
    String first = list.get(0).path("id").asString();
    Thread.sleep(3000); // three more looks
    assertThat(PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/backups", null)).findValuesAsString("id"))
        .as("once a day, not at every look").containsExactly(first);

    String now = PierTestServer.json(server.api("alice", "POST", "/api/v1/sites/" + name + "/backups", null)).path("id").asString();
    assertThat(PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/backups", null)).findValuesAsString("id"))
        .as("the last of the day is kept").containsExactly(now);
  }

  /**
   * A backup downloaded from one site is uploaded into another (as it would be into another Pier): the other site
   * comes back with its release and its data. A damaged or foreign archive is refused with the reason, and changes
   * nothing.
   */
  @Test
  void aDownloadedBackupRestoresIntoAnotherSiteAndABadArchiveChangesNothing() throws Exception {
    server = new PierTestServer();
    String from = phpSite("from");
    assertThat(server.visits(from)).isEqualTo("1");
    assertThat(server.visits(from)).isEqualTo("2");
    String id = PierTestServer.json(server.api("alice", "POST", "/api/v1/sites/" + from + "/backups", null)).path("id").asString();
    byte[] archive = server.download("alice", "/api/v1/sites/" + from + "/backups/" + id + "/archive").body();

    String to = phpSite("to");
    assertThat(server.visits(to)).isEqualTo("1");
    String restore = "/api/v1/sites/" + to + "/backups/restore";
    assertThat(server.send("bob", "POST", restore, archive, "application/gzip").statusCode()).isEqualTo(404);
    assertThat(server.send("alice", "POST", restore, archive, "application/zip").statusCode()).isEqualTo(400);

    byte[] damaged = java.util.Arrays.copyOf(archive, archive.length / 2);
    var refused = server.send("alice", "POST", restore, damaged, "application/gzip");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("not a readable .tar.gz");
    var foreign = server.send("alice", "POST", restore, tarGz("etc/passwd", "root:x:0:0"), "application/gzip");
    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(foreign.body()).contains("none of manifest.json, release/ and data/");
    var climbing = server.send("alice", "POST", restore, tarGz("data/../../x", "x"), "application/gzip");
    assertThat(climbing.statusCode()).isEqualTo(400);
    var noManifest = server.send("alice", "POST", restore, tarGz("data/x", "x"), "application/gzip");
    assertThat(noManifest.statusCode()).isEqualTo(400);
    assertThat(noManifest.body()).contains("no manifest.json");
    var link = server.send("alice", "POST", restore, tarGzLink("data/passwd", "/etc/passwd"), "application/gzip");
    assertThat(link.statusCode()).isEqualTo(400);
    assertThat(link.body()).contains("neither a file nor a folder");
    assertThat(server.visits(to)).as("nothing changed").isEqualTo("2");

    var done = server.send("alice", "POST", restore, archive, "application/gzip");
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    assertThat(server.visits(to)).as("the other site's data: two visits, and this one").isEqualTo("3");
    assertThat(server.visits(to)).as("and PHP writes it, as its own").isEqualTo("4");
    assertThat(server.visits(from)).as("the first site is as it was").isEqualTo("3");

    // Or straight from the backup, into a new site of bob's? Only the owner (or an admin) sees the backup.
    String copy = server.host.siteName("copy");
    assertThat(server.api("bob", "POST", "/api/v1/sites/" + from + "/backups/" + id + "/restore", "{\"to\":\"" + copy + "\"}").statusCode())
        .isEqualTo(404);
    var made = server.api("alice", "POST", "/api/v1/sites/" + from + "/backups/" + id + "/restore", "{\"to\":\"" + copy + "\"}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
    JsonNode site = PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + copy, null));
    assertThat(site.path("owner").asString()).isEqualTo("alice");
    assertThat(site.path("image").asString()).isEqualTo("debian-php");
    assertThat(site.path("state").asString()).isEqualTo("STOPPED");
    assertThat(server.api("alice", "POST", "/api/v1/sites/" + copy + "/start", null).statusCode()).isEqualTo(200);
    assertThat(server.visits(copy)).as("a new site with the backup's data").isEqualTo("3");

    // Alice deletes her site; bob makes one of the same name: her backups are not his to see or restore.
    assertThat(server.api("alice", "DELETE", "/api/v1/sites/" + from, null).statusCode()).isIn(200, 202, 204);
    for (int i = 0; i < 300 && server.api("alice", "GET", "/api/v1/sites/" + from, null).statusCode() != 404; i++) {
      Thread.sleep(100);
    }
    assertThat(server.api("bob", "POST", "/api/v1/sites", "{\"name\":\"" + from + "\"}").statusCode()).isEqualTo(201);
    assertThat(server.api("bob", "GET", "/api/v1/sites/" + from + "/backups", null).body()).isEqualTo("[]");
    assertThat(server.api("bob", "POST", "/api/v1/sites/" + from + "/backups/" + id + "/restore", "{}").statusCode()).isEqualTo(404);
    assertThat(server.download("bob", "/api/v1/sites/" + from + "/backups/" + id + "/archive").statusCode()).isEqualTo(404);
  }

  /**
   * A site is backed up just before each publish, so the owner can go back to what was live (and its data); and a
   * rollback asked while a restore is under way waits for it, never lands in its middle.
   */
  @Test
  void aPublishIsBackedUpFirstAndARollbackWaitsForARestoreUnderWay() throws Exception {
    server = new PierTestServer(new dev.pier.engine.testing.TestHost(), "--pier.backup.before-publish=true");
    String name = phpSite("pub");
    assertThat(server.visits(name)).isEqualTo("1");
    assertThat(server.visits(name)).isEqualTo("2");
    var published = server.send("alice", "POST", "/api/v1/sites/" + name + "/releases", zip("index.php", "<?php echo 'v2';"), "application/zip");
    assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
    long v2 = PierTestServer.json(published).path("id").asLong();
    assertThat(server.visit(name).body()).isEqualTo("v2");
    JsonNode backups = PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/backups", null));
    assertThat(backups.size()).as("made just before the publish").isEqualTo(1);
    String before = backups.get(0).path("id").asString();

    // The owner restores it (the counter page, two visits); meanwhile, once the restore's release is live, a rollback
    // to v2 is asked: it waits for the restore to end, so the restore is whole and v2 lands after it.
    var restore = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return server.api("alice", "POST", "/api/v1/sites/" + name + "/backups/" + before + "/restore", "{}");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    JsonNode live = null;
    for (int i = 0; i < 3000 && (live == null || !live.path("source").asString().startsWith("restore of backup")); i++) {
      Thread.sleep(10);
      for (JsonNode rel : PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name + "/releases", null))) {
        live = rel.path("active").asBoolean() ? rel : live;
      }
    }
    assertThat(live.path("source").asString()).startsWith("restore of backup");
    assertThat(restore).as("the restore goes on: the site is stopped, its data swapped, started").isNotDone();
    var rollback = server.api("alice", "POST", "/api/v1/sites/" + name + "/releases/" + v2 + "/activate", null);
    assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
    assertThat(PierTestServer.json(server.api("alice", "GET", "/api/v1/sites/" + name, null)).path("state").asString())
        .as("when the rollback is done, so is the restore: the site runs again").isEqualTo("RUNNING");
    assertThat(restore.get().statusCode()).as(restore.get().body()).isEqualTo(200);
    assertThat(server.visit(name).body()).as("v2 again, after the restore").isEqualTo("v2");
    var back = server.api("alice", "POST", "/api/v1/sites/" + name + "/releases/" + live.path("id").asLong() + "/activate", null);
    assertThat(back.statusCode()).isEqualTo(200);
    assertThat(server.visits(name)).as("the data restored with it: two visits, and this one").isEqualTo("3");
  }

  /** A zip holding one file. */
  private static byte[] zip(String name, String text) throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var z = new java.util.zip.ZipOutputStream(bytes)) {
      z.putNextEntry(new java.util.zip.ZipEntry(name));
      z.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return bytes.toByteArray();
  }

  /** A .tar.gz holding one symbolic link. */
  private static byte[] tarGzLink(String name, String target) throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(bytes))) {
      var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name, org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
      e.setLinkName(target);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  /** A .tar.gz holding one file. */
  private static byte[] tarGz(String name, String text) throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(bytes))) {
      byte[] data = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name, true);
      e.setSize(data.length);
      tar.putArchiveEntry(e);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }
}
