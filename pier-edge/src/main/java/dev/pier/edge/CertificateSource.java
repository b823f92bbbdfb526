package dev.pier.edge;

import io.netty.handler.ssl.SslContext;

/**
 * Where the edge's HTTPS listener gets the certificate for each connection, by the name the client asked for
 * (SNI). Called on an event loop at each TLS handshake: implementations cache, and must answer quickly.
 */
@FunctionalInterface
public interface CertificateSource {

  /**
   * The TLS context for {@code serverName}; for an unknown name, or {@code null} (a client that sent no SNI),
   * a default one (the panel's). Never null.
   */
  SslContext forHost(String serverName);
}
