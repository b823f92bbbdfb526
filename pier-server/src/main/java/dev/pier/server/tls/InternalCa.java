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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *
 * <p>Users are asked to trust this root, so it is bound to Pier's domain: a critical NameConstraints extension
 * permits {@code DOMAIN} and {@code .DOMAIN} only and excludes every IP address, and browsers and OpenSSL (curl)
 * refuse anything it would sign for another name (Java's PKIX applies no constraint a trust anchor carries). Its key
 * in the wrong hands intercepts Pier's sites, never a bank. A CA kept from an earlier Pier without that extension, or bound to another domain, is replaced at start by a new one
 * (its key deleted, its certificate kept as {@code ca-replaced.pem}); the certificates it issued are issued again by
 * the new one when next served, and users trust the new {@code ca.pem} instead.
 */
public final class InternalCa {

  private static final Logger log = LoggerFactory.getLogger(InternalCa.class);

  public static final Duration LEAF_VALIDITY = Duration.ofDays(90);
  static final Duration ROOT_VALIDITY = Duration.ofDays(3650);

  private final X509Certificate root;
  private final PrivateKey rootKey;
  private final SecureRandom random = new SecureRandom();
  private final String domain;

  private InternalCa(X509Certificate root, PrivateKey rootKey, String domain) {
    this.root = root;
    this.rootKey = rootKey;
    this.domain = domain.toLowerCase(Locale.ROOT);
  }

  public X509Certificate root() {
    return root;
  }

  /**
   * The CA kept in {@code dir} ({@code ca-key.pem}, {@code ca.pem}), made there first if missing; its certificate
   * is (re)written to {@code published} too. {@code name} goes into the root's subject.
   */
  public static InternalCa loadOrCreate(Path dir, Path published, String domainName) {
    String domain = domainName.toLowerCase(Locale.ROOT);
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path keyFile = dir.resolve("ca-key.pem");
      Path certFile = dir.resolve("ca.pem");
      InternalCa ca = null;
      if (Files.exists(keyFile) && Files.exists(certFile)) {
        X509Certificate kept = Pem.certificates(Files.readString(certFile)).getFirst();
        if (boundTo(kept, domain)) {
          ca = new InternalCa(kept, Pem.privateKey(Files.readString(keyFile)), domain);
        } else {
          log.warn("the internal CA in {} is not bound to {} by name constraints: replacing it with one that is; users "
              + "who trusted the old one must trust the new {} instead", dir, domain, published);
          Files.move(certFile, dir.resolve("ca-replaced.pem"), StandardCopyOption.REPLACE_EXISTING);
          Files.delete(keyFile);
        }
      }
      if (ca == null) {
        KeyPair pair = Keys.newEcKeyPair();
        X509Certificate cert = sign(rootBuilder(domain, pair), pair.getPrivate());
        // Key first, then certificate: a crash in between leaves no certificate without its key.
        AtomicFiles.writePrivate(keyFile, Pem.encode(pair.getPrivate()));
        AtomicFiles.writePublic(certFile, Pem.encode(cert));
        ca = new InternalCa(cert, pair.getPrivate(), domain);
      }
      AtomicFiles.writePublic(published, Pem.encode(ca.root));
      return ca;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the internal certificate authority in " + dir, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the internal certificate authority: " + e.getMessage(), e);
    }
  }

  private static JcaX509v3CertificateBuilder rootBuilder(String domain, KeyPair pair) throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=Pier CA for " + domain.replaceAll("[,=+<>#;\"\\\\]", "_") + ",O=Pier");
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(new SecureRandom()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(ROOT_VALIDITY)), subject, pair.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
    b.addExtension(Extension.nameConstraints, true, constraints(domain));
    return b;
  }

  /** {@code DOMAIN} and its subdomains, spelt both ways validators read them; no IP address of either family. */
  static NameConstraints constraints(String domain) {
    GeneralSubtree[] permitted = {
        new GeneralSubtree(new GeneralName(GeneralName.dNSName, domain)),
        new GeneralSubtree(new GeneralName(GeneralName.dNSName, "." + domain))};
    GeneralSubtree[] excluded = {
        new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(new byte[8]))),
        new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(new byte[32])))};
    return new NameConstraints(permitted, excluded);
  }

  /** Whether {@code root} carries exactly the name constraints this Pier gives its CA for {@code domain}. */
  static boolean boundTo(X509Certificate root, String domain) {
    byte[] ext = root.getExtensionValue(Extension.nameConstraints.getId());
    if (ext == null || !root.getCriticalExtensionOIDs().contains(Extension.nameConstraints.getId())) {
      return false;
    }
    try {
      return Arrays.equals(ASN1OctetString.getInstance(ext).getOctets(), constraints(domain).getEncoded());
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether this CA signed {@code pair}'s certificate (not one it replaced). */
  public boolean signed(CertifiedKey pair) {
    try {
      pair.leaf().verify(root.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The domain this CA may issue for. */
  public String domain() {
    return domain;
  }

  /** A new key and a server certificate for {@code hostname}, signed by this CA. */
  public CertifiedKey issue(String hostname) {
    Instant now = Instant.now();
    return issue(hostname, now.minus(Duration.ofHours(1)), now.plus(LEAF_VALIDITY));
  }

  /** The same, valid from {@code notBefore} to {@code notAfter}. */
  public CertifiedKey issue(String hostname, Instant notBefore, Instant notAfter) {
    String host = hostname.toLowerCase(Locale.ROOT);
    if (!host.equals(domain) && !host.endsWith("." + domain)) {
      throw new IllegalArgumentException("the internal CA issues for " + domain + " and its subdomains only, not " + hostname);
    }
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
