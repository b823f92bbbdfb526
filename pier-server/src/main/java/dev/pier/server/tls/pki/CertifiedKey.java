package dev.pier.server.tls.pki;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A private key and the certificate chain it belongs to, leaf first: what the edge serves for a name, whoever issued
 * it. Checked on construction (the key belongs to the leaf); the leaf's DNS names, validity and issuer are read once,
 * here. Immutable.
 */
public final class CertifiedKey {

  /** The type of a DNS name among a certificate's subject alternative names (RFC 5280, 4.2.1.6). */
  private static final int DNS_NAME = 2;

  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final List<String> names;
  private final Instant notBefore;
  private final Instant notAfter;
  private final String issuer;

  /**
   * @param key the leaf's private key
   * @param chain the leaf, then the certificates up to (possibly including) the root
   * @throws IllegalArgumentException if the chain is empty, the key does not belong to the leaf, or the leaf's names
   *     cannot be read
   */
  public CertifiedKey(PrivateKey key, List<X509Certificate> chain) {
    Objects.requireNonNull(key, "key");
    if (chain == null || chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least one certificate, the leaf");
    }
    this.key = key;
    this.chain = List.copyOf(chain);
    X509Certificate leaf = this.chain.getFirst();
    if (!Keys.belongTogether(key, leaf)) {
      throw new IllegalArgumentException("the private key does not belong to the certificate");
    }
    this.names = dnsNames(leaf);
    this.notBefore = leaf.getNotBefore().toInstant();
    this.notAfter = leaf.getNotAfter().toInstant();
    this.issuer = leaf.getIssuerX500Principal().getName();
  }

  private static List<String> dnsNames(X509Certificate leaf) {
    Collection<List<?>> sans;
    try {
      sans = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("the certificate's names cannot be read: " + e.getMessage(), e);
    }
    List<String> out = new ArrayList<>();
    if (sans != null) {
      for (List<?> san : sans) {
        if (Integer.valueOf(DNS_NAME).equals(san.get(0))) {
          out.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
        }
      }
    }
    return List.copyOf(out);
  }

  public PrivateKey key() {
    return key;
  }

  /** The leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  /** The leaf's DNS names (subject alternative names), lowercase, in the certificate's order; a wildcard as {@code *.x}. */
  public List<String> names() {
    return names;
  }

  public Instant notBefore() {
    return notBefore;
  }

  public Instant notAfter() {
    return notAfter;
  }

  /** The leaf's issuer, as an RFC 2253 name. */
  public String issuer() {
    return issuer;
  }

  @Override
  public String toString() {
    return "certificate for " + names + " by " + issuer + ", valid until " + notAfter;
  }
}
