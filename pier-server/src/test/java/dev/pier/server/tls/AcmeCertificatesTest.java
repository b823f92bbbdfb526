package dev.pier.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.server.config.PierProperties;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.store.CertificateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACME CA's certificates kept on disk, without a CA (its directory is a closed port on loopback): served after a
 * restart, tied to the directory they came from, and a pair half-moved by a crash put in place.
 */
class AcmeCertificatesTest {

  private static final String DIRECTORY = "https://127.0.0.1:1/dir";
  private static final String BLOG = "blog.example.org";

  @TempDir
  Path data;
  private CertificateStore kept;
  private CertifiedKey blog;
  private AcmeCertificates acme;

  @BeforeEach
  void setUp() {
    kept = new CertificateStore(data.resolve("certs/acme"));
    blog = InternalCa.loadOrCreate(data.resolve("some-ca"), data.resolve("some-ca.pem"), "example.org").issue(BLOG);
  }

  @AfterEach
  void stop() {
    if (acme != null) {
      acme.stop();
    }
  }

  private AcmeCertificates started(String directory) {
    PierProperties props = new PierProperties(data, "example.org", new PierProperties.Edge(0, 0, null), null, null, null, null,
        new PierProperties.Acme(directory, "", null, Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(1)), null);
    acme = new AcmeCertificates(props, new ServedNames("example.org", "blog"::equals, () -> List.of("blog")), dev.pier.server.dns.DnsChallenges.NONE);
    acme.start();
    return acme;
  }

  @Test
  void aCertificateKeptFromTheSameDirectoryIsServedAtOnce() throws Exception {
    kept.write(BLOG, blog);
    Files.writeString(data.resolve("certs/acme/directory"), DIRECTORY + "\n");

    AcmeCertificates a = started(DIRECTORY);

    assertThat(a.ready(new Asked(BLOG, BLOG))).isNotNull();
    assertThat(a.ready(new Asked("stranger.example.org", "example.org"))).isNull();
    AcmeCertificates.NameStatus status = a.statuses().stream().filter(n -> n.host().equals(BLOG)).findFirst().orElseThrow();
    assertThat(status.state()).isEqualTo("issued");
    assertThat(status.notAfter()).isEqualTo(blog.notAfter());
    assertThat(status.issuer()).isEqualTo(blog.issuer());
  }

  @Test
  void certificatesFromAnotherDirectoryAreDropped() throws Exception {
    kept.write(BLOG, blog);
    Files.writeString(data.resolve("certs/acme/directory"), "https://127.0.0.1:2/test-ca\n");

    AcmeCertificates a = started(DIRECTORY);

    assertThat(a.ready(new Asked(BLOG, BLOG))).isNull();
    assertThat(kept.names()).isEmpty();
    assertThat(data.resolve("certs/acme/directory")).hasContent(DIRECTORY);
  }

  @Test
  void aPairHalfMovedByACrashIsPutInPlace() throws Exception {
    kept.write(BLOG, blog);
    Files.writeString(data.resolve("certs/acme/directory"), DIRECTORY + "\n");
    Files.move(data.resolve("certs/acme").resolve(BLOG), data.resolve("certs/acme").resolve("." + BLOG + ".new"));

    AcmeCertificates a = started(DIRECTORY);

    assertThat(a.ready(new Asked(BLOG, BLOG))).isNotNull();
    assertThat(kept.read(BLOG).orElseThrow().leaf().getSerialNumber()).isEqualTo(blog.leaf().getSerialNumber());
  }

  @Test
  void withoutItsCertificateANameIsOrderedWhileTheNextSourceStandsIn() {
    AcmeCertificates a = started(DIRECTORY);

    assertThat(a.obtain(new Asked(BLOG, BLOG))).isNull();
    assertThat(a.ready(new Asked(BLOG, BLOG))).isNull();
  }
}
