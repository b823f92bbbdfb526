package dev.pier.server.tls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.server.tls.InternalCa;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertifiedKeyTest {

  @TempDir
  Path tmp;
  private InternalCa ca;

  @BeforeEach
  void setUp() {
    ca = InternalCa.loadOrCreate(tmp.resolve("ca"), tmp.resolve("ca.pem"), "example.org");
  }

  @Test
  void itsNamesValidityAndIssuerAreTheLeafs() {
    Instant from = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    Instant until = from.plus(Duration.ofDays(10));
    CertifiedKey pair = ca.issue("Blog.Example.ORG", from, until);

    assertThat(pair.names()).containsExactly("blog.example.org");
    assertThat(pair.notBefore()).isEqualTo(from);
    assertThat(pair.notAfter()).isEqualTo(until);
    assertThat(pair.issuer()).isEqualTo(ca.root().getSubjectX500Principal().getName());
    assertThat(pair.leaf()).isSameAs(pair.chain().getFirst());
    assertThat(pair.chain()).hasSize(2).last().isEqualTo(ca.root());
  }

  @Test
  void aKeyOfAnotherCertificateOrNoCertificateIsRefused() {
    CertifiedKey a = ca.issue("a.example.org");
    CertifiedKey b = ca.issue("b.example.org");

    assertThatThrownBy(() -> new CertifiedKey(b.key(), a.chain())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the private key does not belong to the certificate");
    assertThatThrownBy(() -> new CertifiedKey(a.key(), List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one certificate");
    assertThat(Keys.belongTogether(a.key(), a.leaf())).isTrue();
    assertThat(Keys.belongTogether(a.key(), b.leaf())).isFalse();
  }

  @Test
  void itsChainIsItsOwn() {
    CertifiedKey a = ca.issue("a.example.org");
    List<X509Certificate> chain = new ArrayList<>(a.chain());
    CertifiedKey pair = new CertifiedKey(a.key(), chain);
    chain.clear();

    assertThat(pair.chain()).hasSize(2);
    assertThatThrownBy(() -> pair.chain().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aChainAndAKeyGoThroughPemUnchanged() throws Exception {
    CertifiedKey a = ca.issue("a.example.org");

    CertifiedKey back = new CertifiedKey(Pem.privateKey(Pem.encode(a.key())), Pem.certificates(Pem.encodeChain(a.chain())));

    assertThat(back.chain()).isEqualTo(a.chain());
    assertThat(back.key().getEncoded()).isEqualTo(a.key().getEncoded());
  }
}
