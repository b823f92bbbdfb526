package dev.pier.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.server.config.PierProperties;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.pki.Pem;
import dev.pier.server.tls.store.CertificateStore;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's certificates without Spring or root: the three sources in their order, the internal CA's certificates kept
 * and renewed, uploads, and the panel's certificate for names Pier does not serve.
 */
class SiteCertificatesTest {

  private static final String PANEL = "example.org";
  private static final String BLOG = "blog.example.org";

  @TempDir
  Path data;
  private final Set<String> sites = ConcurrentHashMap.newKeySet();
  private PierProperties props;
  private AcmeCertificates acme;
  private SiteCertificates certificates;

  @BeforeEach
  void setUp() {
    sites.add("blog");
    props = new PierProperties(data, PANEL, new PierProperties.Edge(0, 0, null), null, null, null, null, null, null);
    certificates = restarted();
  }

  /** A new instance on the same data directory, as after a restart. */
  private SiteCertificates restarted() {
    ServedNames names = new ServedNames(PANEL, sites::contains, () -> List.copyOf(sites));
    acme = new AcmeCertificates(props, names, dev.pier.server.dns.DnsChallenges.NONE);
    SiteCertificates c = new SiteCertificates(props, names, acme);
    c.init();
    return c;
  }

  @Test
  void theSourcesAreAskedUploadedFirstThenTheAcmeCaThenTheInternalCa() {
    assertThat(certificates.providers()).hasSize(3);
    assertThat(certificates.providers().get(0)).isInstanceOf(UploadedCertificates.class);
    assertThat(certificates.providers().get(1)).isSameAs(acme);
    assertThat(certificates.providers().get(2)).isInstanceOf(InternalCertificates.class);
  }

  @Test
  void aSiteGetsItsOwnCertificateFromTheInternalCaKeptAcrossRestarts() throws Exception {
    assertThat(certificates.ready(BLOG)).isNull();
    SslContext blog = certificates.forHost(BLOG);
    assertThat(certificates.ready("Blog.Example.ORG")).isSameAs(blog);
    assertThat(certificates.forHost(BLOG)).isSameAs(blog);
    CertifiedKey kept = kept(BLOG);
    assertThat(kept.names()).containsExactly(BLOG);
    assertThat(Files.getPosixFilePermissions(data.resolve("certs").resolve(BLOG).resolve("key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(data.resolve("ca.pem")).exists();

    SiteCertificates after = restarted();
    after.forHost(BLOG);
    assertThat(kept(BLOG).leaf().getSerialNumber()).isEqualTo(kept.leaf().getSerialNumber());
  }

  @Test
  void aNameThatIsNoSitesGetsThePanelsCertificateAndNoneOfItsOwn() {
    SslContext panel = certificates.forHost(null);
    assertThat(certificates.forHost(PANEL)).isSameAs(panel);

    assertThat(certificates.forHost("stranger.example.org")).isSameAs(panel);
    assertThat(certificates.ready("stranger.example.org")).isSameAs(panel);
    assertThat(certificates.forHost("www.elsewhere.net")).isSameAs(panel);
    assertThat(certificates.ready("www.elsewhere.net")).isSameAs(panel);
    assertThat(data.resolve("certs/stranger.example.org")).doesNotExist();
    assertThat(data.resolve("certs/www.elsewhere.net")).doesNotExist();
  }

  @Test
  void aNewSiteGetsItsOwnCertificateAtOnceEvenIfItsNameWasAskedForBefore() {
    SslContext panel = certificates.forHost(PANEL);
    assertThat(certificates.forHost("new.example.org")).isSameAs(panel);

    sites.add("new");
    certificates.siteCreated("new.example.org");

    assertThat(certificates.ready("new.example.org")).isNull();
    assertThat(certificates.forHost("new.example.org")).isNotSameAs(panel);
    assertThat(data.resolve("certs/new.example.org/chain.pem")).exists();
  }

  @Test
  void aCertificateDueForRenewalIsReplacedAndOneThatCannotBeUsedToo() throws Exception {
    InternalCa ca = InternalCa.loadOrCreate(data.resolve("ca"), data.resolve("ca.pem"), PANEL);
    CertifiedKey expiring = ca.issue(BLOG, Instant.now().minus(Duration.ofDays(88)), Instant.now().plus(Duration.ofDays(2)));
    CertificateStore store = new CertificateStore(data.resolve("certs"));
    store.write(BLOG, expiring);

    certificates.forHost(BLOG);
    CertifiedKey renewed = kept(BLOG);
    assertThat(renewed.leaf().getSerialNumber()).isNotEqualTo(expiring.leaf().getSerialNumber());
    assertThat(renewed.notAfter()).isAfter(Instant.now().plus(Duration.ofDays(80)));

    // A key that is not the certificate's (written by hand, say): a new pair is issued.
    Files.writeString(data.resolve("certs").resolve(BLOG).resolve("key.pem"), Pem.encode(ca.issue("other." + PANEL).key()));
    restarted().forHost(BLOG);
    assertThat(kept(BLOG).leaf().getSerialNumber()).isNotIn(renewed.leaf().getSerialNumber(), expiring.leaf().getSerialNumber());
  }

  @Test
  void anUploadedCertificateComesFirstForTheNamesItCoversUntilItIsRemoved() throws Exception {
    SslContext own = certificates.forHost(BLOG);
    SslContext panel = certificates.forHost(PANEL);
    assertThat(certificates.ready(BLOG)).isSameAs(own);
    CertifiedKey wildcard = elsewhere().issue("*." + PANEL);

    SiteCertificates.Uploaded u = certificates.upload(Pem.encodeChain(wildcard.chain()), Pem.encode(wildcard.key()));

    assertThat(u.id()).isEqualTo("_wildcard_." + PANEL);
    assertThat(u.names()).containsExactly("*." + PANEL);
    assertThat(u.notAfter()).isEqualTo(wildcard.notAfter());
    assertThat(certificates.uploaded()).containsExactly(u);
    assertThat(certificates.ready(BLOG)).isSameAs(u.context());
    assertThat(certificates.ready("x.blog.example.org")).isNotSameAs(u.context()); // a wildcard covers one label
    assertThat(certificates.ready(PANEL)).isSameAs(panel);

    SiteCertificates after = restarted();
    assertThat(after.uploaded()).extracting(SiteCertificates.Uploaded::id).containsExactly(u.id());
    assertThat(after.ready(BLOG)).isSameAs(after.uploaded().getFirst().context());
    assertThat(after.removeUploaded(u.id())).isTrue();
    assertThat(after.removeUploaded(u.id())).isFalse();
    assertThat(after.uploaded()).isEmpty();
    assertThat(data.resolve("certs/uploaded").resolve(u.id())).doesNotExist();
  }

  @Test
  void anUploadThatIsNotAWholeValidPairIsRefusedSayingWhy() throws Exception {
    InternalCa other = elsewhere();
    CertifiedKey good = other.issue("*." + PANEL);
    String chain = Pem.encodeChain(good.chain());
    CertifiedKey expired = other.issue(BLOG, Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));

    assertThatThrownBy(() -> certificates.upload("not PEM", Pem.encode(good.key()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the certificate or key is not PEM text this server can read");
    assertThatThrownBy(() -> certificates.upload(chain, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the certificate or key is not PEM text this server can read");
    assertThatThrownBy(() -> certificates.upload(chain, Pem.encode(other.issue("x." + PANEL).key()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the private key does not belong to the certificate");
    assertThatThrownBy(() -> certificates.upload(Pem.encodeChain(expired.chain()), Pem.encode(expired.key())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the certificate is not valid now");
    assertThat(certificates.uploaded()).isEmpty();
    assertThat(data.resolve("certs/uploaded")).doesNotExist();
  }

  @Test
  void aDomainNamedLikeTheAcmeCertificatesDirectoryLeavesThemAlone() throws Exception {
    props = new PierProperties(data, "acme", new PierProperties.Edge(0, 0, null), null, null, null, null, null, null);
    ServedNames names = new ServedNames("acme", sites::contains, () -> List.copyOf(sites));
    SiteCertificates c = new SiteCertificates(props, names, new AcmeCertificates(props, names, dev.pier.server.dns.DnsChallenges.NONE));
    c.init();
    CertificateStore acmeStore = new CertificateStore(data.resolve("certs/acme"));
    acmeStore.write("blog.acme", elsewhere("acme").issue("blog.acme"));

    assertThat(c.forHost(null)).isSameAs(c.forHost("acme"));
    assertThat(acmeStore.names()).containsExactly("blog.acme");
    assertThat(data.resolve("certs/acme/key.pem")).doesNotExist();
  }

  /** Another authority, as one that sold a certificate would be. */
  private InternalCa elsewhere() {
    return elsewhere(PANEL);
  }

  private InternalCa elsewhere(String domain) {
    return InternalCa.loadOrCreate(data.resolve("elsewhere-" + domain + "/ca"), data.resolve("elsewhere-" + domain + "/ca.pem"), domain);
  }

  private CertifiedKey kept(String host) throws Exception {
    return new CertificateStore(data.resolve("certs")).read(host).orElseThrow();
  }
}
