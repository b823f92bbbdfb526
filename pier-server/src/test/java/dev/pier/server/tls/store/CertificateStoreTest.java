package dev.pier.server.tls.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.server.tls.InternalCa;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pairs of keys and chains on disk: written whole, read back checked, and what a crash left finished or undone. */
class CertificateStoreTest {

  @TempDir
  Path tmp;
  private InternalCa ca;
  private CertificateStore store;
  private Path dir;

  @BeforeEach
  void setUp() {
    ca = InternalCa.loadOrCreate(tmp.resolve("ca"), tmp.resolve("ca.pem"), "example.org");
    dir = tmp.resolve("certs");
    store = new CertificateStore(dir);
  }

  @Test
  void aPairWrittenIsReadBackWholeWithItsKeyReadableByItsOwnerOnly() throws Exception {
    CertifiedKey pair = ca.issue("a.example.org");
    store.write("a.example.org", pair);

    CertifiedKey back = store.read("a.example.org").orElseThrow();
    assertThat(back.key().getEncoded()).isEqualTo(pair.key().getEncoded());
    assertThat(back.chain()).isEqualTo(pair.chain());
    assertThat(back.names()).containsExactly("a.example.org");
    assertThat(Files.getPosixFilePermissions(dir.resolve("a.example.org/key.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("a.example.org/chain.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(hidden()).isEmpty();
  }

  @Test
  void writingAgainReplacesTheWholePair() throws Exception {
    store.write("a.example.org", ca.issue("a.example.org"));
    CertifiedKey second = ca.issue("a.example.org");
    store.write("a.example.org", second);

    CertifiedKey back = store.read("a.example.org").orElseThrow();
    assertThat(back.leaf().getSerialNumber()).isEqualTo(second.leaf().getSerialNumber());
    assertThat(back.key().getEncoded()).isEqualTo(second.key().getEncoded());
    assertThat(hidden()).isEmpty();
  }

  @Test
  void nothingKeptReadsAsEmptyAndHalfAPairIsAnErrorNamingItsDirectory() throws Exception {
    assertThat(store.read("a.example.org")).isEmpty();

    store.write("a.example.org", ca.issue("a.example.org"));
    Files.delete(dir.resolve("a.example.org/chain.pem"));
    assertThatThrownBy(() -> store.read("a.example.org")).isInstanceOf(IOException.class)
        .hasMessageContaining(dir.resolve("a.example.org").toString());
  }

  @Test
  void aKeyBesideAnotherKeysCertificateIsRefused() throws Exception {
    store.write("a.example.org", ca.issue("a.example.org"));
    Files.writeString(dir.resolve("a.example.org/key.pem"), Pem.encode(ca.issue("b.example.org").key()));

    assertThatThrownBy(() -> store.read("a.example.org")).isInstanceOf(IOException.class)
        .hasMessageContaining(dir.resolve("a.example.org").toString())
        .hasMessageContaining("the private key does not belong to the certificate");
  }

  @Test
  void recoveryPutsInPlaceANewPairWhoseOldOneWasMovedAsideAlready() throws Exception {
    CertifiedKey pair = ca.issue("a.example.org");
    store.write("a.example.org", pair);
    // A crash after the old pair was moved aside, before the new one took its place.
    Files.move(dir.resolve("a.example.org"), dir.resolve(".a.example.org.new"));
    assertThat(store.read("a.example.org")).isEmpty();

    store.recover();

    assertThat(store.read("a.example.org").orElseThrow().leaf().getSerialNumber()).isEqualTo(pair.leaf().getSerialNumber());
    assertThat(hidden()).isEmpty();
  }

  @Test
  void recoveryDropsANewPairBesideTheOldOneHalfWrittenPairsAndHalfDeletedOnes() throws Exception {
    CertifiedKey old = ca.issue("a.example.org");
    store.write("a.example.org", old);
    // A crash before the old pair was moved aside: the new one is dropped, the old one stays.
    copy(dir.resolve("a.example.org"), dir.resolve(".a.example.org.new"));
    // A crash while a new pair was written: its key only.
    Files.createDirectories(dir.resolve(".b.example.org.new"));
    Files.writeString(dir.resolve(".b.example.org.new/key.pem"), Pem.encode(old.key()));
    // A crash while a pair was deleted.
    Files.createDirectories(dir.resolve(".deleting-c.example.org-123"));
    Files.writeString(dir.resolve(".deleting-c.example.org-123/chain.pem"), Pem.encodeChain(old.chain()));

    store.recover();

    assertThat(store.read("a.example.org").orElseThrow().leaf().getSerialNumber()).isEqualTo(old.leaf().getSerialNumber());
    assertThat(store.names()).containsExactly("a.example.org");
    assertThat(hidden()).isEmpty();
  }

  @Test
  void namesAreThePairsKeptNotTheStoresOwnEntriesNorOtherFiles() throws Exception {
    assertThat(store.names()).isEmpty();
    store.write("b.example.org", ca.issue("b.example.org"));
    store.write("a.example.org", ca.issue("a.example.org"));
    Files.writeString(dir.resolve("directory"), "https://ca.example/dir\n");
    Files.createDirectories(dir.resolve(".c.example.org.new"));

    assertThat(store.names()).containsExactly("a.example.org", "b.example.org");
  }

  @Test
  void deleteForgetsOnePairAndDeleteAllEveryOne() throws Exception {
    store.write("a.example.org", ca.issue("a.example.org"));
    store.write("b.example.org", ca.issue("b.example.org"));
    store.delete("a.example.org");
    store.delete("never-kept.example.org");
    assertThat(store.names()).containsExactly("b.example.org");
    assertThat(hidden()).isEmpty();

    Files.writeString(dir.resolve("directory"), "kept\n");
    store.deleteAll();
    assertThat(store.names()).isEmpty();
    assertThat(dir.resolve("directory")).hasContent("kept");
  }

  @Test
  void aNameThatWouldLeaveTheDirectoryOrHideInItIsRefused() {
    for (String bad : new String[] {"", ".a", "..", "../a", "a/b"}) {
      assertThatThrownBy(() -> store.write(bad, ca.issue("a.example.org"))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"" + bad + "\"");
    }
  }

  @Test
  void aReservedNameIsNeverKeptNorTouched() throws Exception {
    CertificateStore beside = new CertificateStore(tmp, Set.of("certs"));
    store.write("a.example.org", ca.issue("a.example.org"));

    assertThat(beside.keeps("certs")).isFalse();
    assertThat(beside.keeps("a.example.org")).isTrue();
    assertThatThrownBy(() -> beside.write("certs", InternalCa.loadOrCreate(tmp.resolve("ca2"), tmp.resolve("ca2.pem"), "certs").issue("certs"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"certs\"");
    assertThat(store.read("a.example.org")).isPresent();
  }

  private List<String> hidden() throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
