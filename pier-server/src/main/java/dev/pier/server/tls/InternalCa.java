package dev.pier.server.tls;

import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.pki.Keys;
import dev.pier.server.tls.pki.Pem;
import dev.pier.server.tls.store.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Pier's own certificate authority, made at first start when no ACME directory is configured: an ECDSA P-256
 * root valid for ten years, whose key stays in {@code DATA-DIR/ca/ca-key.pem} (mode 0600) and whose certificate
 * is published as {@code DATA-DIR/ca.pem} for users to trust. It issues ECDSA P-256 server certificates for the
 * panel and each site, valid for {@link #LEAF_VALIDITY}.
 */
public final class InternalCa {

  public static final Duration LEAF_VALIDITY = Duration.ofDays(90);
  static final Duration ROOT_VALIDITY = Duration.ofDays(3650);

  private final X509Certificate root;
  private final PrivateKey rootKey;
  private final SecureRandom random = new SecureRandom();

  private InternalCa(X509Certificate root, PrivateKey rootKey) {
    this.root = root;
    this.rootKey = rootKey;
  }

  public X509Certificate root() {
    return root;
  }

  /**
   * The CA kept in {@code dir} ({@code ca-key.pem}, {@code ca.pem}), made there first if missing; its certificate
   * is (re)written to {@code published} too. {@code name} goes into the root's subject.
   */
  public static InternalCa loadOrCreate(Path dir, Path published, String name) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path keyFile = dir.resolve("ca-key.pem");
      Path certFile = dir.resolve("ca.pem");
      InternalCa ca;
      if (Files.exists(keyFile) && Files.exists(certFile)) {
        ca = new InternalCa(Pem.certificates(Files.readString(certFile)).getFirst(), Pem.privateKey(Files.readString(keyFile)));
      } else {
        KeyPair pair = Keys.newEcKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=Pier CA for " + name.replaceAll("[,=+<>#;\"\\\\]", "_") + ",O=Pier");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(new SecureRandom()),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(ROOT_VALIDITY)), subject, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate cert = sign(b, pair.getPrivate());
        // Key first, then certificate: a crash in between leaves no certificate without its key.
        AtomicFiles.writePrivate(keyFile, Pem.encode(pair.getPrivate()));
        AtomicFiles.writePublic(certFile, Pem.encode(cert));
        ca = new InternalCa(cert, pair.getPrivate());
      }
      AtomicFiles.writePublic(published, Pem.encode(ca.root));
      return ca;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the internal certificate authority in " + dir, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the internal certificate authority: " + e.getMessage(), e);
    }
  }

  /** A new key and a server certificate for {@code hostname}, signed by this CA. */
  public CertifiedKey issue(String hostname) {
    Instant now = Instant.now();
    return issue(hostname, now.minus(Duration.ofHours(1)), now.plus(LEAF_VALIDITY));
  }

  /** The same, valid from {@code notBefore} to {@code notAfter}. */
  public CertifiedKey issue(String hostname, Instant notBefore, Instant notAfter) {
    try {
      KeyPair pair = Keys.newEcKeyPair();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root, serial(random),
          Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + hostname), pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertifiedKey(pair.getPrivate(), List.of(sign(b, rootKey), root));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + hostname + ": " + e.getMessage(), e);
    }
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    X509CertificateHolder holder = b.build(signer);
    return new JcaX509CertificateConverter().getCertificate(holder);
  }
}
