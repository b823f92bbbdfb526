package dev.pier.server.backup;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.CommandFailedException;
import dev.pier.engine.exec.CommandResult;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.common.PierException;
import dev.pier.engine.exec.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One restic repository, driven through the runner: deduplicated, encrypted snapshots of directories, each tagged.
 * Its password is a file of its own (made at first use, 0600); restic's cache lies beside it. Every snapshot is made
 * with the host name {@code pier}, so that another Pier can restore it. restic 0.14 refuses, rather than waits, a call
 * that meets a lock it cannot share (forget's, exclusive): here such calls wait for each other instead.
 */
public final class Restic {

  static final String HOST = "pier";
  private static final Logger log = LoggerFactory.getLogger(Restic.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration LIMIT = Duration.ofHours(3); // (a check or a prune of a large repository)

  /** A snapshot as restic lists it: its id, when it was taken, its tags and the directory it holds. */
  public record Snapshot(String id, Instant time, List<String> tags, String path) {}

  private final CommandRunner runner;
  private final String repository;
  private final Path passwordFile;
  private final Path cacheDir;
  private final List<String> options;
  private final Map<String, String> env;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
  private final java.util.concurrent.atomic.AtomicInteger exclusiveCalls = new java.util.concurrent.atomic.AtomicInteger();
  private boolean opened;
  /** Whether Pier made this repository's password (a local one of its own): it then gets a {@link QuickKey}. */
  private boolean quick;
  /** The id of the quick key restic tries first, once known. */
  private volatile String keyHint;

  /**
   * @param repository   a restic repository: a directory, or any URL restic takes ({@code sftp:HOST:/PATH})
   * @param passwordFile its password (made here when missing, for a new repository)
   * @param cacheDir     restic's cache
   */
  public Restic(CommandRunner runner, String repository, Path passwordFile, Path cacheDir) {
    this(runner, repository, passwordFile, cacheDir, List.of(), Map.of());
  }

  /**
   * A repository that needs more to reach it: restic's extended {@code options} ({@code sftp.command=...}) and
   * {@code env}, the credentials restic reads only from its environment (an S3 store's keys, say).
   */
  public Restic(CommandRunner runner, String repository, Path passwordFile, Path cacheDir, List<String> options, Map<String, String> env) {
    this.runner = runner;
    this.repository = repository;
    this.passwordFile = passwordFile;
    this.cacheDir = cacheDir;
    this.options = List.copyOf(options);
    this.env = Map.copyOf(env);
  }

  public String repository() {
    return repository;
  }

  /**
   * This repository's password is Pier's own, 32 random bytes: it is opened through a {@link QuickKey} (made at the
   * first {@link #ensure}), not restic's costly one. Only for a local repository.
   */
  Restic quick() {
    this.quick = repository.startsWith("/");
    Path hint = hintFile();
    try {
      keyHint = quick && Files.exists(hint) ? Files.readString(hint).strip() : null;
    } catch (IOException e) {
      keyHint = null;
    }
    return this;
  }

  private Path hintFile() {
    return passwordFile.resolveSibling(passwordFile.getFileName() + ".quick-key");
  }

  /** Adds the quick key to the repository, once; a failure leaves restic's own key, slower, in use. */
  private void addQuickKey() {
    if (!quick || keyHint != null && Files.exists(Path.of(repository, "keys", keyHint))) {
      return;
    }
    try {
      String master = checked(command("cat", "--no-lock", "masterkey")).stdout();
      QuickKey.File key = QuickKey.make(master, Files.readString(passwordFile).strip(), new SecureRandom());
      Path tmp = Path.of(repository, "." + key.id() + ".tmp");
      Files.write(tmp, key.bytes());
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
      Files.move(tmp, Path.of(repository, "keys", key.id()), StandardCopyOption.ATOMIC_MOVE);
      MoreFiles.writeAtomically(hintFile(), key.id() + "\n");
      keyHint = key.id();
    } catch (IOException | RuntimeException e) {
      log.warn("the backup repository {} keeps restic's own key only (each restic call then costs half a second more): {}",
          repository, e.getMessage());
    }
  }

  /**
   * Makes the repository (and its password) unless it exists; true when it was made now. A repository that exists but
   * does not open (its password file gone, say) is an error saying why: never a new password for it. Once it opened,
   * this asks restic nothing more: a later fault is the next call's own error.
   */
  public synchronized boolean ensure() {
    if (opened) {
      return false;
    }
    runner.run(command("unlock")); // what a killed restic (a crash, a time limit) left locked: restic 0.14 never ignores it
    CommandResult probe = runner.run(command("cat", "--no-lock", "config"));
    if (probe.succeeded()) {
      opened = true;
      addQuickKey();
      return false;
    }
    boolean local = repository.startsWith("/");
    if (local && Files.exists(Path.of(repository).resolve("config"))) {
      throw new IllegalStateException("cannot open the backup repository " + redact(repository) + ": " + said(probe));
    }
    makePassword();
    // restic's init never overwrites a repository: one that is there but did not open is refused with the probe's reason
    CommandResult made = exclusive(() -> runner.run(command("init")));
    if (!made.succeeded()) {
      throw new IllegalStateException("cannot open the backup repository " + redact(repository) + ": " + said(local ? made : probe));
    }
    opened = true;
    addQuickKey();
    log.warn("made the backup repository {}; its password is in {}: keep a copy of it elsewhere, without it no backup"
        + " can be read", repository, passwordFile);
    return true;
  }

  private void makePassword() {
    if (Files.exists(passwordFile)) {
      return;
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    try { // written whole under another name, 0600 from the start, then renamed: never an empty or readable password
      Files.createDirectories(passwordFile.getParent());
      Path tmp = passwordFile.resolveSibling("." + passwordFile.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n", StandardOpenOption.WRITE);
      Files.move(tmp, passwordFile, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the backup password " + passwordFile, e);
    }
  }

  /** Takes a snapshot of {@code dir} with these tags; its id, once restic wrote it. */
  public String backup(Path dir, List<String> tags) {
    List<String> args = new ArrayList<>(List.of("backup", "--json", "--host", HOST));
    for (String t : tags) {
      args.add("--tag");
      args.add(t);
    }
    args.add(dir.toString());
    CommandResult r = shared(() -> checked(command(args.toArray(String[]::new))));
    for (String line : r.stdout().lines().toList()) {
      if (line.startsWith("{") && line.contains("\"summary\"")) {
        JsonNode n = JSON.readTree(line);
        if (n.path("message_type").asString().equals("summary") && !n.path("snapshot_id").asString("").isEmpty()) {
          return n.path("snapshot_id").asString();
        }
      }
    }
    throw new IllegalStateException("restic made no snapshot of " + dir + ": " + r.stdout().lines().reduce((a, b) -> b).orElse(""));
  }

  /** The snapshots with tag {@code tag} (null: all), oldest first. */
  public List<Snapshot> snapshots(String tag) {
    CommandResult r = checked(tag == null ? command("snapshots", "--no-lock", "--json")
        : command("snapshots", "--no-lock", "--json", "--tag", tag)); // read only: never waits for a check
    List<Snapshot> out = new ArrayList<>();
    for (JsonNode n : JSON.readTree(r.stdout().isBlank() ? "[]" : r.stdout())) {
      List<String> tags = new ArrayList<>();
      n.path("tags").forEach(t -> tags.add(t.asString()));
      out.add(new Snapshot(n.path("id").asString(), Instant.parse(n.path("time").asString()), List.copyOf(tags),
          n.path("paths").path(0).asString()));
    }
    return out;
  }

  /**
   * Forgets the snapshots with tag {@code tag} beyond the last {@code last} and the last of each of {@code daily} days,
   * {@code weekly} weeks and {@code monthly} months (their data goes at the next prune).
   */
  public void forget(String tag, int last, int daily, int weekly, int monthly) {
    exclusive(() -> checked(command("forget", "--tag", tag, "--keep-last", String.valueOf(last), "--keep-daily",
        String.valueOf(daily), "--keep-weekly", String.valueOf(weekly), "--keep-monthly", String.valueOf(monthly))));
  }

  /**
   * Forgets as {@link #forget} does, for every group of snapshots with the same tags at once (each site's, Pier's own):
   * one restic call for a whole night's backups.
   */
  public void forgetAll(int last, int daily, int weekly, int monthly) {
    exclusive(() -> checked(command("forget", "--group-by", "tags", "--keep-last", String.valueOf(last), "--keep-daily",
        String.valueOf(daily), "--keep-weekly", String.valueOf(weekly), "--keep-monthly", String.valueOf(monthly))));
  }

  /**
   * Checks the repository's structure and reads {@code subset} of its data ({@code 10%}); what restic said when it
   * finds a fault (null: none). It takes restic's exclusive lock: backups wait for it.
   */
  public String check(String subset) {
    CommandResult r = exclusive(() -> runner.run(command("check", "--read-data-subset=" + subset)));
    if (r.succeeded()) {
      return null;
    }
    String said = (r.stderr() + "\n" + r.stdout()).strip();
    return said.isEmpty() ? "restic check exited with status " + r.exitCode() : said.lines().reduce((a, b) -> b).orElse(said);
  }

  /** The number of files of snapshot {@code id} (folders included), as restic lists them. */
  public long files(String id) {
    CommandResult r = checked(command("ls", "--no-lock", "--json", id));
    return r.stdout().lines().filter(l -> l.contains("\"struct_type\":\"node\"")).count();
  }

  /** The bytes the repository's files take (compressed, deduplicated and encrypted as they are kept). */
  public long size() {
    CommandResult r = checked(command("stats", "--no-lock", "--json", "--mode", "raw-data"));
    return JSON.readTree(r.stdout()).path("total_size").asLong();
  }

  /** Frees what forgotten snapshots alone used (restic's exclusive lock: backups wait for it). */
  public void prune() {
    exclusive(() -> checked(command("prune")));
  }

  /** Whether a call that needs restic's exclusive lock (a check, a prune, a forget) runs or waits now. */
  boolean busyExclusively() {
    return exclusiveCalls.get() > 0;
  }

  /**
   * Takes a snapshot as {@link #backup} does, unless the repository is held by an exclusive call (a check, a prune)
   * for longer than {@code wait}: then an error saying so, and nothing written.
   */
  public String backupUnlessBusy(Path dir, List<String> tags, Duration wait) {
    boolean held;
    try {
      held = lock.readLock().tryLock(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      held = false;
    }
    if (!held) {
      throw new IllegalStateException("the backups are being checked: no backup now");
    }
    try {
      return backup(dir, tags);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Removes the locks a killed restic left (restic removes only stale ones); after a failed call, say. */
  public void unlock() {
    runner.run(command("unlock"));
  }

  /** Whether the repository is there to read (a local one whose folder holds restic's config; any other: true). */
  public boolean exists() {
    return !repository.startsWith("/") || Files.exists(Path.of(repository).resolve("config"));
  }

  /** Restores snapshot {@code id} under {@code target} (its files then lie at {@code target} + the snapshot's path). */
  public void restore(String id, Path target) {
    shared(() -> checked(command("restore", id, "--target", target.toString())));
  }

  /**
   * Runs restic; a failure is an error saying what restic said, and a full disk under the repository one of its own
   * (507: what an admin must free), never the same as a broken repository.
   */
  private CommandResult checked(Command c) {
    CommandResult r = runner.run(c);
    if (r.succeeded()) {
      return r;
    }
    if ((r.stderr() + r.stdout()).toLowerCase(java.util.Locale.ROOT).contains("no space left on device")) {
      log.error("the backup repository {} has no room left: {}", redact(repository), said(r));
      throw new PierException(PierException.Kind.NO_SPACE, "Backup disk is full", "the backup disk has no room left: nothing"
          + " was lost and the sites serve on, but no backup can be made there until an administrator frees room",
          new CommandFailedException(c, r));
    }
    throw new CommandFailedException(c, r);
  }

  /** A repository's URL without the password it may hold ({@code rest:https://USER:PASSWORD@HOST/}: USER:***). Pure. */
  static String redact(String url) {
    return url.replaceAll("(//[^/@:]*):.*@", "$1:***@");
  }

  /** The last line of what restic said when a call failed. */
  private static String said(CommandResult r) {
    return r.stderr().strip().lines().reduce((x, y) -> y).orElse("restic exited with status " + r.exitCode());
  }

  /** restic's argument list for this repository. Pure. */
  List<String> argv(String... args) {
    // (the repository comes in restic's environment, RESTIC_REPOSITORY: a URL may hold a password, and a command line
    // shows in ps, in logs and in errors)
    List<String> argv = new ArrayList<>(List.of("restic", "--password-file", passwordFile.toString(),
        "--cache-dir", cacheDir.toString()));
    for (String o : options) {
      argv.add("--option");
      argv.add(o);
    }
    if (keyHint != null) {
      argv.add("--key-hint");
      argv.add(keyHint);
    }
    argv.addAll(List.of(args));
    return argv;
  }

  private <T> T shared(Supplier<T> call) {
    return locked(lock.readLock(), call);
  }

  private <T> T exclusive(Supplier<T> call) {
    exclusiveCalls.incrementAndGet();
    try {
      return locked(lock.writeLock(), call);
    } finally {
      exclusiveCalls.decrementAndGet();
    }
  }

  private static <T> T locked(Lock held, Supplier<T> call) {
    held.lock();
    try {
      return call.get();
    } finally {
      held.unlock();
    }
  }

  private Command command(String... args) {
    Map<String, String> vars = new java.util.HashMap<>(env);
    vars.put("RESTIC_REPOSITORY", repository);
    return Command.of(argv(args)).withTimeout(LIMIT).withEnv(vars);
  }
}
