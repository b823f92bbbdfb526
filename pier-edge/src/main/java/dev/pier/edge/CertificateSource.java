package dev.pier.edge;

import io.netty.handler.ssl.SslContext;

/**
 * Where the edge's HTTPS listener gets the certificate for each connection, by the name the client asked for
 * (SNI). At each TLS handshake the edge asks {@link #ready} on its event loop; only when that has no answer does it
 * call {@link #forHost}, on a thread of its own, which may take its time (issue a certificate, read a disk).
 */
@FunctionalInterface
public interface CertificateSource {

  /**
   * The TLS context for {@code serverName}; for an unknown name, or {@code null} (a client that sent no SNI),
   * a default one (the panel's). Never null.
   */
  SslContext forHost(String serverName);

  /**
   * The context for {@code serverName} when it can be given at once, from memory; null when {@link #forHost} must
   * work it out. Called on an event loop: never blocks. The default knows nothing at once.
   */
  default SslContext ready(String serverName) {
    return null;
  }
}
