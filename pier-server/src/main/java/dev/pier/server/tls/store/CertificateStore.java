package dev.pier.server.tls.store;

import dev.pier.engine.util.MoreFiles;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.pki.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keys and their certificate chains kept on disk as pairs, one directory per name: {@code DIR/NAME/key.pem} (mode 0600)
 * and {@code DIR/NAME/chain.pem}. A pair is written into {@code DIR/.NAME.new}, which then takes the place of
 * {@code DIR/NAME}, so a failure half-way never leaves a key beside another key's certificate; {@link #recover} finishes
 * or undoes what a crash interrupted. A pair read back is checked: its key belongs to its certificate.
 *
 * <p>Names starting with a dot are the store's own (pairs being written or deleted); {@code DIR} may hold other files and
 * directories of its own whose names do not.
 */
public final class CertificateStore {

  static final String KEY = "key.pem";
  static final String CHAIN = "chain.pem";
  private static final String NEW = ".new";

  private final Path dir;
  private final Set<String> reserved;

  public CertificateStore(Path dir) {
    this(dir, Set.of());
  }

  /** A store whose directory holds other things under the names {@code reserved}, which it never keeps a pair under. */
  public CertificateStore(Path dir, Set<String> reserved) {
    this.dir = dir;
    this.reserved = Set.copyOf(reserved);
  }

  /** Whether a pair can be kept under {@code name}. */
  public boolean keeps(String name) {
    return name != null && valid(name) && !reserved.contains(name);
  }

  /** The directory the pairs are kept in. */
  public Path dir() {
    return dir;
  }

  /** Where the pair of {@code name} is kept. */
  public Path path(String name) {
    return dir.resolve(checked(name));
  }

  /**
   * Keeps {@code pair} as the pair of {@code name}, replacing the one kept before, if any. The store's directory is made,
   * if need be, readable by its owner only.
   */
  public synchronized void write(String name, CertifiedKey pair) throws IOException {
    Path target = path(name);
    Path fresh = dir.resolve("." + name + NEW);
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      MoreFiles.deleteRecursively(fresh);
      Files.createDirectories(fresh);
      AtomicFiles.writePrivate(fresh.resolve(KEY), Pem.encode(pair.key()));
      AtomicFiles.writePublic(fresh.resolve(CHAIN), Pem.encodeChain(pair.chain()));
      MoreFiles.renameThenDelete(target);
      Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * The pair kept for {@code name}; empty when there is none (neither its key nor its chain).
   *
   * @throws IOException naming the directory when only half a pair is there, or it cannot be read, or its key does not
   *     belong to its certificate
   */
  public Optional<CertifiedKey> read(String name) throws IOException {
    Path d = path(name);
    Path key = d.resolve(KEY);
    Path chain = d.resolve(CHAIN);
    if (!Files.exists(key) && !Files.exists(chain)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new CertifiedKey(Pem.privateKey(Files.readString(key)), Pem.certificates(Files.readString(chain))));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      throw new IOException("the key and certificate in " + d + " cannot be used: " + why, e);
    }
  }

  /** The names of the pairs kept, sorted. */
  public List<String> names() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).map(d -> d.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  /** Forgets the pair of {@code name}: renamed aside first, then deleted. Nothing if there is none. */
  public synchronized void delete(String name) throws IOException {
    try {
      MoreFiles.renameThenDelete(path(name));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Forgets every pair, and whatever was being written or deleted. */
  public synchronized void deleteAll() throws IOException {
    for (Path d : directories()) {
      try {
        MoreFiles.deleteRecursively(d);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  /**
   * Finishes or undoes what a crash interrupted: a new pair written whole whose name has no pair (the old one was moved
   * aside already) takes its place; any other new pair is dropped (the old one stays), and so is a pair half-deleted.
   */
  public synchronized void recover() throws IOException {
    for (Path d : directories()) {
      String n = d.getFileName().toString();
      if (!n.startsWith(".")) {
        continue;
      }
      String name = n.endsWith(NEW) ? n.substring(1, n.length() - NEW.length()) : "";
      Path target = keeps(name) ? dir.resolve(name) : null;
      try {
        if (target != null && !Files.exists(target) && Files.exists(d.resolve(CHAIN)) && Files.exists(d.resolve(KEY))) {
          Files.move(d, target, StandardCopyOption.ATOMIC_MOVE);
        } else {
          MoreFiles.deleteRecursively(d);
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  private List<Path> directories() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static boolean valid(String name) {
    return !name.isEmpty() && !name.startsWith(".") && !name.contains("/") && !name.contains("\0");
  }

  private String checked(String name) {
    if (name == null || !valid(name)) {
      throw new IllegalArgumentException("certificate name \"" + name + "\" is not valid: use a host name or an id that does not "
          + "start with a dot and has no slash");
    }
    if (reserved.contains(name)) {
      throw new IllegalArgumentException("certificate name \"" + name + "\" is not kept in " + dir + ": " + dir.resolve(name)
          + " holds other certificates");
    }
    return name;
  }
}
