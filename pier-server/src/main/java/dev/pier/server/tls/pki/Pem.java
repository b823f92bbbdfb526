package dev.pier.server.tls.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM encoding and decoding of keys and certificates. */
public final class Pem {

  private Pem() {}

  /** A private key as PKCS#8 (which keeps an EC key's curve); anything else (a certificate, a public key) as BouncyCastle writes it. */
  public static String encode(Object o) throws IOException {
    if (o instanceof PrivateKey key) {
      String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
      return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
    }
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  /** Both halves of a key pair: the private key (PKCS#8), then the public key. */
  public static String encode(KeyPair pair) throws IOException {
    return encode(pair.getPrivate()) + encode((Object) pair.getPublic());
  }

  /** The certificates of a chain, one after the other, in their order. */
  public static String encodeChain(List<X509Certificate> chain) throws IOException {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate c : chain) {
      pem.append(encode(c));
    }
    return pem.toString();
  }

  /** Every certificate in {@code pem}, in order; at least one. */
  public static List<X509Certificate> certificates(String pem) throws IOException, GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      for (Object o; (o = p.readObject()) != null; ) {
        if (o instanceof X509CertificateHolder h) {
          out.add(new JcaX509CertificateConverter().getCertificate(h));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException("no certificate in the PEM text");
    }
    return out;
  }

  /** A key pair written by {@link #encode(KeyPair)}. */
  public static KeyPair keyPair(String pem) throws IOException {
    PrivateKey priv = null;
    PublicKey pub = null;
    JcaPEMKeyConverter c = converter();
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      for (Object o; (o = p.readObject()) != null; ) {
        if (o instanceof PrivateKeyInfo info) {
          priv = c.getPrivateKey(info);
        } else if (o instanceof SubjectPublicKeyInfo info) {
          pub = c.getPublicKey(info);
        }
      }
    }
    if (priv == null || pub == null) {
      throw new IOException("no key pair (a private and a public key) in the PEM text");
    }
    return new KeyPair(pub, priv);
  }

  /** The first private key in {@code pem}: PKCS#8, or an EC or RSA key pair of which the public half may be absent. */
  public static PrivateKey privateKey(String pem) throws IOException {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      JcaPEMKeyConverter c = converter();
      if (o instanceof PEMKeyPair kp) {
        return c.getPrivateKey(kp.getPrivateKeyInfo()); // the public half may be absent from the file
      }
      if (o instanceof PrivateKeyInfo info) {
        return c.getPrivateKey(info);
      }
      throw new IOException("no private key in the PEM text");
    }
  }

  /**
   * Keys made by the JDK's own providers: left alone, Bouncy Castle asks for an "ECDSA" key factory, which only
   * Bouncy Castle has; once it is registered (the SSH server registers it) EC keys would be its own, and the JDK's
   * TLS and signatures would not take them.
   */
  private static JcaPEMKeyConverter converter() {
    return new JcaPEMKeyConverter().setAlgorithmMapping(X9ObjectIdentifiers.id_ecPublicKey, "EC");
  }
}
