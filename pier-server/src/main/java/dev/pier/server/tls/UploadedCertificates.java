package dev.pier.server.tls;

import dev.pier.server.tls.SiteCertificates.Uploaded;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.pki.Pem;
import dev.pier.server.tls.store.CertificateStore;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first source of certificates: those an admin uploaded (a wildcard, say), each served for the names it carries
 * while it is valid. Kept in {@code DATA-DIR/certs/uploaded/ID/}.
 */
final class UploadedCertificates implements CertificateProvider {

  private static final Logger log = LoggerFactory.getLogger(UploadedCertificates.class);

  private final CertificateStore store;
  private final ConcurrentHashMap<String, Uploaded> uploaded = new ConcurrentHashMap<>();

  UploadedCertificates(CertificateStore store) {
    this.store = store;
  }

  /** The certificate uploaded that covers the name asked for, while it is valid. */
  @Override
  public SslContext ready(Asked asked) {
    for (Uploaded u : uploaded.values()) {
      if (u.covers(asked.host()) && Instant.now().isBefore(u.notAfter())) {
        return u.context();
      }
    }
    return null;
  }

  /** Loads the certificates kept, after finishing or undoing what a crash interrupted. */
  void load() {
    try {
      store.recover();
      for (String id : store.names()) {
        try {
          CertifiedKey pair = store.read(id).orElseThrow(() -> new IOException("no key and certificate in " + store.path(id)));
          uploaded.put(id, uploaded(id, pair));
        } catch (IOException | RuntimeException e) {
          log.warn("cannot load the uploaded certificate in {}: {}", store.path(id), e.getMessage());
        }
      }
    } catch (IOException e) {
      log.warn("cannot list the uploaded certificates in {}: {}", store.dir(), e.getMessage());
    }
  }

  /** The certificates admins uploaded, by id. */
  List<Uploaded> list() {
    return uploaded.values().stream().sorted(Comparator.comparing(Uploaded::id)).toList();
  }

  /**
   * Checks and keeps an admin's certificate: the PEM chain (leaf first) and its private key must belong together, the
   * leaf must be valid now and name at least one DNS name. Replaces an earlier upload for the same first name.
   *
   * @throws IllegalArgumentException saying what is wrong, keeping nothing
   */
  Uploaded upload(String chainPem, String keyPem) {
    List<X509Certificate> chain;
    PrivateKey key;
    try {
      chain = Pem.certificates(chainPem == null ? "" : chainPem);
      key = Pem.privateKey(keyPem == null ? "" : keyPem);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("the certificate or key is not PEM text this server can read: " + e.getMessage());
    }
    X509Certificate leaf = chain.getFirst();
    try {
      leaf.checkValidity();
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the certificate is not valid now (" + leaf.getNotBefore() + " to " + leaf.getNotAfter() + ")");
    }
    CertifiedKey pair = new CertifiedKey(key, chain); // refuses a key of another certificate, or names it cannot read
    if (pair.names().isEmpty()) {
      throw new IllegalArgumentException("the certificate names no DNS name (subject alternative name)");
    }
    String id = pair.names().getFirst().replace("*", "_wildcard_").replaceAll("[^a-z0-9._-]", "_");
    try {
      store.write(id, pair);
      Uploaded u = uploaded(id, pair);
      uploaded.put(id, u);
      log.info("certificate for {} uploaded, valid until {}", u.names(), u.notAfter());
      return u;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the uploaded certificate in " + store.path(id), e);
    }
  }

  /** Forgets an uploaded certificate; its names get Pier's own certificates again. False if there is none by that id. */
  boolean remove(String id) {
    Uploaded u = uploaded.remove(id);
    if (u != null) {
      try {
        store.delete(id);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete the uploaded certificate in " + store.path(id), e);
      }
    }
    return u != null;
  }

  private static Uploaded uploaded(String id, CertifiedKey pair) throws IOException {
    return new Uploaded(id, pair.names(), pair.notAfter(), EdgeCertificate.of(pair).context());
  }
}
