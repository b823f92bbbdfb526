package dev.pier.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sources of certificates are asked in their order, and the first that has one serves it. */
class CertificateProvidersTest {

  private static SslContext first;
  private static SslContext second;
  private static final Asked BLOG = new Asked("blog.example.org", "blog.example.org");

  /** What the providers were asked, in order. */
  private final List<String> calls = new ArrayList<>();

  @BeforeAll
  static void contexts(@TempDir Path tmp) throws Exception {
    InternalCa ca = InternalCa.loadOrCreate(tmp.resolve("ca"), tmp.resolve("ca.pem"), "example.org");
    first = EdgeCertificate.of(ca.issue("first.example.org")).context();
    second = EdgeCertificate.of(ca.issue("second.example.org")).context();
  }

  /** A provider that answers {@code ready} and {@code obtain} as told, and records each call. */
  private CertificateProvider provider(String name, SslContext ready, SslContext obtained) {
    return new CertificateProvider() {
      @Override
      public SslContext ready(Asked asked) {
        calls.add(name + ".ready(" + asked.host() + ")");
        return ready;
      }

      @Override
      public SslContext obtain(Asked asked) {
        calls.add(name + ".obtain(" + asked.served() + ")");
        return obtained;
      }

      @Override
      public void added(String host) {
        calls.add(name + ".added(" + host + ")");
      }
    };
  }

  @Test
  void theFirstProviderWithACertificateAtHandServesItAndTheOthersAreNotAsked() {
    CertificateProviders providers = new CertificateProviders(List.of(provider("uploaded", null, null),
        provider("acme", first, null), provider("internal", second, second)));

    assertThat(providers.ready(BLOG)).isSameAs(first);
    assertThat(calls).containsExactly("uploaded.ready(blog.example.org)", "acme.ready(blog.example.org)");
  }

  @Test
  void noneAtHandIsNull() {
    CertificateProviders providers = new CertificateProviders(List.of(provider("uploaded", null, null), provider("internal", null, first)));

    assertThat(providers.ready(BLOG)).isNull();
    assertThat(calls).containsExactly("uploaded.ready(blog.example.org)", "internal.ready(blog.example.org)");
  }

  @Test
  void obtainingAsksInOrderUntilOneHasACertificate() {
    // The ACME provider has none yet (it orders one meanwhile): the internal CA's stands in; nothing after it is asked.
    CertificateProviders providers = new CertificateProviders(List.of(provider("uploaded", null, null),
        provider("acme", null, null), provider("internal", null, second), provider("never", null, first)));

    assertThat(providers.obtain(new Asked("stranger.example.org", "example.org"))).isSameAs(second);
    assertThat(calls).containsExactly("uploaded.obtain(example.org)", "acme.obtain(example.org)", "internal.obtain(example.org)");
  }

  @Test
  void noneObtainingOneIsAnErrorNamingTheName() {
    CertificateProviders providers = new CertificateProviders(List.of(provider("uploaded", null, null)));

    assertThatThrownBy(() -> providers.obtain(BLOG)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("\"blog.example.org\"");
  }

  @Test
  void aNewNameIsToldToEveryProviderInOrder() {
    CertificateProviders providers = new CertificateProviders(List.of(provider("uploaded", null, null),
        provider("acme", null, null), provider("internal", null, null)));

    providers.added("new.example.org");

    assertThat(calls).containsExactly("uploaded.added(new.example.org)", "acme.added(new.example.org)", "internal.added(new.example.org)");
  }

  @Test
  void thereIsAtLeastOneProvider() {
    assertThatThrownBy(() -> new CertificateProviders(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
