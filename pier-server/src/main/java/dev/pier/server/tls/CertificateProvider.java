package dev.pier.server.tls;

import io.netty.handler.ssl.SslContext;

/**
 * One source of the edge's certificates. {@link SiteCertificates} asks its providers in a fixed order: the first that
 * has a certificate for a name serves it.
 */
public interface CertificateProvider {

  /**
   * This provider's certificate for {@code asked}, from memory; null when it has none at hand. Called at every TLS
   * handshake, on the edge's event loop: never blocks.
   */
  SslContext ready(Asked asked);

  /**
   * Called off the event loop when no provider had a certificate {@link #ready}: this provider's certificate for
   * {@code asked}, which it may read from disk or issue now; null when it has none (a provider that orders certificates
   * ahead may start on one now). The default has none.
   */
  default SslContext obtain(Asked asked) {
    return null;
  }

  /** {@code host} is a name Pier serves from now on (a new site's): a provider that orders certificates ahead starts now. */
  default void added(String host) {}
}
