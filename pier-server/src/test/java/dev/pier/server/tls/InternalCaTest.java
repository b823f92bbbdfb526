package dev.pier.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.server.tls.pki.Keys;
import dev.pier.server.tls.pki.Pem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA users are told to trust cannot vouch for anything but Pier's domain: whoever steals its key and signs a
 * certificate for a bank, or for an IP address, is refused by OpenSSL (curl, most tools; browsers do the same). Java's
 * PKIX, alone, applies no constraint a trust anchor carries itself.
 */
class InternalCaTest {

  private static final String DOMAIN = "pier.example.org";

  @TempDir
  Path tmp;

  @Test
  void certificatesSignedWithItsStolenKeyForOtherNamesAreRefusedByOpensslAndJava() throws Exception {
    InternalCa ca = InternalCa.loadOrCreate(tmp.resolve("ca"), tmp.resolve("ca.pem"), DOMAIN);
    PrivateKey stolen = Pem.privateKey(Files.readString(tmp.resolve("ca/ca-key.pem")));

    // The attacker's own certificates, made with the key alone (not through Pier).
    X509Certificate site = forged(ca.root(), stolen, new GeneralName(GeneralName.dNSName, "blog." + DOMAIN));
    X509Certificate apex = forged(ca.root(), stolen, new GeneralName(GeneralName.dNSName, DOMAIN));
    X509Certificate bank = forged(ca.root(), stolen, new GeneralName(GeneralName.dNSName, "www.bank.example.net"));
    X509Certificate lookalike = forged(ca.root(), stolen, new GeneralName(GeneralName.dNSName, "evil" + DOMAIN));
    X509Certificate address = forged(ca.root(), stolen, new GeneralName(GeneralName.iPAddress, "192.0.2.10"));

    assertThat(openssl(site)).as("a site's name").isTrue();
    assertThat(openssl(apex)).as("the panel's name").isTrue();
    assertThat(openssl(bank)).as("another domain").isFalse();
    assertThat(openssl(lookalike)).as("a name that only ends like the domain").isFalse();
    assertThat(openssl(address)).as("an IP address").isFalse();

    assertThatThrownBy(() -> ca.issue("www.bank.example.net")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("issues for " + DOMAIN + " and its subdomains only");
  }

  @Test
  void aCaNotBoundToTheDomainIsReplacedAndWhatItIssuedIsIssuedAgain() throws Exception {
    Path dir = tmp.resolve("ca");
    InternalCa.loadOrCreate(dir, tmp.resolve("ca.pem"), "elsewhere.example.net"); // bound to another domain
    String before = Files.readString(tmp.resolve("ca.pem"));

    InternalCa ca = InternalCa.loadOrCreate(dir, tmp.resolve("ca.pem"), DOMAIN);
    assertThat(Files.readString(tmp.resolve("ca.pem"))).isNotEqualTo(before);
    assertThat(Files.readString(dir.resolve("ca-replaced.pem"))).isEqualTo(before);
    assertThat(InternalCa.boundTo(ca.root(), DOMAIN)).isTrue();
    assertThat(InternalCa.loadOrCreate(dir, tmp.resolve("ca.pem"), DOMAIN).root()).as("kept once bound").isEqualTo(ca.root());

    InternalCa old = InternalCa.loadOrCreate(tmp.resolve("old"), tmp.resolve("old.pem"), DOMAIN);
    assertThat(ca.signed(ca.issue("blog." + DOMAIN))).isTrue();
    assertThat(ca.signed(old.issue("blog." + DOMAIN))).isFalse();
  }

  private static X509Certificate forged(X509Certificate root, PrivateKey key, GeneralName name) throws Exception {
    KeyPair pair = Keys.newEcKeyPair();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=forged"),
        pair.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name));
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  /** What OpenSSL, as curl uses it, says of the certificate with only Pier's CA trusted. */
  private boolean openssl(X509Certificate leaf) throws Exception {
    Path file = Files.createTempFile(tmp, "leaf", ".pem");
    Files.writeString(file, Pem.encode(leaf), StandardCharsets.US_ASCII);
    Process p = new ProcessBuilder("openssl", "verify", "-CAfile", tmp.resolve("ca.pem").toString(), file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0 && out.contains(": OK");
  }

}
