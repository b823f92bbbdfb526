package dev.pier.server.tls;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** What a browser that trusts given roots sees over TLS from the edge on loopback. */
final class TlsClient {

  private TlsClient() {}

  /** What came back: the protocol agreed, the certificate served and the whole HTTP answer as text. */
  record Answer(String protocol, X509Certificate certificate, String text) {}

  /** TLS that trusts exactly {@code roots}. */
  static SSLContext trusting(X509Certificate... roots) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    for (int i = 0; i < roots.length; i++) {
      trust.setCertificateEntry("root-" + i, roots[i]);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * A GET of {@code /} for {@code host} to the HTTPS port on loopback, checked as a browser does (SNI, and the
   * certificate must name the host), over the given protocols if any.
   */
  static Answer get(SSLContext ctx, int port, String host, String... protocols) throws Exception {
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
         SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true)) {
      SSLParameters p = tls.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(host)));
      p.setEndpointIdentificationAlgorithm("HTTPS");
      if (protocols.length > 0) {
        p.setProtocols(protocols);
      }
      tls.setSSLParameters(p);
      tls.setSoTimeout(20_000);
      tls.startHandshake();
      tls.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      tls.getOutputStream().flush();
      InputStream in = tls.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Answer(tls.getSession().getProtocol(), (X509Certificate) tls.getSession().getPeerCertificates()[0], text);
    }
  }
}
