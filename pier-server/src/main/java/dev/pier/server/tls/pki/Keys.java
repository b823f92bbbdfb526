package dev.pier.server.tls.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;

/** The keys Pier makes (ECDSA P-256), and whether a key belongs to a certificate. */
public final class Keys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Keys() {}

  /** A new ECDSA key pair on the P-256 curve. */
  public static KeyPair newEcKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /**
   * Whether {@code key} is the private half of {@code cert}'s public key, found by signing a random probe with the one
   * and verifying it with the other. EC and RSA keys only: any other key is said not to belong.
   */
  public static boolean belongTogether(PrivateKey key, X509Certificate cert) {
    String alg = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> null;
    };
    if (alg == null) {
      return false;
    }
    try {
      byte[] probe = new byte[32];
      RANDOM.nextBytes(probe);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
