package dev.pier.server.tls;

import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.store.CertificateStore;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last source of certificates, which always has one: Pier's {@link InternalCa}. A name's certificate is issued when
 * first asked for and kept in {@code DATA-DIR/certs/HOST/} across restarts; issued again when {@link Renewal#due} says
 * so (30 days before the end). A name Pier does not serve gets the panel's.
 */
final class InternalCertificates implements CertificateProvider {

  private static final Logger log = LoggerFactory.getLogger(InternalCertificates.class);

  private final CertificateStore store;
  private final ConcurrentHashMap<String, EdgeCertificate> cache = new ConcurrentHashMap<>();
  private volatile InternalCa ca;

  InternalCertificates(CertificateStore store) {
    this.store = store;
  }

  /** Issues with {@code ca} from now on, after finishing or undoing what a crash interrupted in the store. */
  void start(InternalCa ca) {
    try {
      store.recover();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tidy the certificates in " + store.dir(), e);
    }
    this.ca = ca;
  }

  /** The certificate in memory for the name asked for (or, for a stranger, the panel's) while it is fresh. */
  @Override
  public SslContext ready(Asked asked) {
    EdgeCertificate cached = cache.get(asked.host()); // a known name costs no database query at each handshake
    if (cached == null && asked.stranger()) {
      cached = cache.get(asked.served());
    }
    return cached != null && cached.freshAt(Instant.now()) ? cached.context() : null;
  }

  /** The certificate of the name served: from memory or disk if still fresh, else newly issued and kept. */
  @Override
  public SslContext obtain(Asked asked) {
    String host = asked.served();
    EdgeCertificate e = cache.get(host);
    if (e == null || !e.freshAt(Instant.now())) {
      e = cache.compute(host, (h, old) -> old != null && old.freshAt(Instant.now()) ? old : load(h));
    }
    return e.context();
  }

  /** From disk if still good for a while, else newly issued and kept. */
  private EdgeCertificate load(String host) {
    try {
      if (!store.keeps(host)) { // a domain named like the other sources' directories, certs/acme or certs/uploaded
        CertifiedKey issued = ca.issue(host);
        log.warn("issued a certificate for {} (valid until {}), kept in memory only: {} holds other certificates", host,
            issued.notAfter(), store.dir().resolve(host));
        return EdgeCertificate.of(issued);
      }
      Optional<EdgeCertificate> kept = kept(host);
      if (kept.isPresent() && kept.get().freshAt(Instant.now())) {
        return kept.get();
      }
      CertifiedKey issued = ca.issue(host);
      store.write(host, issued);
      log.info("issued a certificate for {} (valid until {})", host, issued.notAfter());
      return EdgeCertificate.of(issued);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the certificate for " + host + " in " + store.dir().resolve(host), e);
    }
  }

  /** The certificate kept for {@code host}; empty if none, or it cannot be used (a new one is issued then). */
  private Optional<EdgeCertificate> kept(String host) {
    try {
      Optional<CertifiedKey> pair = store.read(host);
      // One a replaced CA issued is issued again by this one: users trust this one now.
      return pair.isEmpty() || !ca.signed(pair.get()) ? Optional.empty() : Optional.of(EdgeCertificate.of(pair.get()));
    } catch (IOException e) {
      log.warn("the certificate kept for {} cannot be used, a new one is issued: {}", host, e.getMessage());
      return Optional.empty();
    }
  }
}
