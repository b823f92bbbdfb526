package dev.pier.server.tls;

import dev.pier.server.tls.pki.CertifiedKey;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLException;

/**
 * A certificate as the edge serves it: the key and chain, and the TLS context made of them once (TLS 1.3 and 1.2, ALPN h2
 * then http/1.1).
 */
record EdgeCertificate(CertifiedKey certified, SslContext context) {

  /** BoringSSL through netty-tcnative where it loads (much faster handshakes), else the JDK's TLS. */
  static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

  /** The edge's TLS for {@code certified}. */
  static EdgeCertificate of(CertifiedKey certified) throws SSLException {
    SslContext context = SslContextBuilder.forServer(certified.key(), certified.chain().toArray(X509Certificate[]::new))
        .sslProvider(PROVIDER)
        .protocols("TLSv1.3", "TLSv1.2")
        .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
            SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
        .build();
    return new EdgeCertificate(certified, context);
  }

  /** Whether it is still valid at {@code now}. */
  boolean validAt(Instant now) {
    return now.isBefore(certified.notAfter());
  }

  /** Whether it is good to serve for a while yet at {@code now}: not due for renewal ({@link Renewal#due}). */
  boolean freshAt(Instant now) {
    return !Renewal.due(certified.notBefore(), certified.notAfter(), now);
  }
}
