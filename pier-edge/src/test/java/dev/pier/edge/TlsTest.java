package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTPS listener: certificates by SNI, and a slow certificate source that never holds up an event loop. */
class TlsTest {

  private TestUpstream blog;
  private SslContext context;

  @BeforeEach
  void start() throws Exception {
    blog = new TestUpstream("blog");
    SelfSignedCertificate cert = new SelfSignedCertificate("blog.localhost");
    context = SslContextBuilder.forServer(cert.key(), cert.cert()).build();
  }

  @AfterEach
  void stop() {
    blog.close();
  }

  @Test
  void aCertificateNotInMemoryIsWorkedOutOffTheEventLoopsWhileOtherClientsAreServed() throws Exception {
    Map<String, String> askedOn = new ConcurrentHashMap<>();
    CountDownLatch slowMayAnswer = new CountDownLatch(1);
    CertificateSource certificates = new CertificateSource() {
      @Override
      public SslContext ready(String name) {
        return "blog.localhost".equals(name) ? context : null;
      }

      @Override
      public SslContext forHost(String name) {
        askedOn.put(name, Thread.currentThread().getName());
        try {
          slowMayAnswer.await(10, TimeUnit.SECONDS); // a certificate being issued
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return context;
      }
    };
    try (EdgeServer edge = EdgeServer.builder(EdgeConfig.onPort(0).withHttpsPort(0),
        RouteTable.empty("localhost").withSite("blog", new Route.Upstream("blog", blog.address()))).certificates(certificates).build()) {
      edge.start();
      Thread slow = Thread.ofVirtual().start(() -> {
        try {
          get(edge.httpsPort(), "new.localhost");
        } catch (Exception ignored) {
          // only its handshake matters
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!askedOn.containsKey("new.localhost") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(askedOn).containsKey("new.localhost");
      // While that certificate is being worked out, clients of known names are served on every event loop.
      for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
        assertThat(get(edge.httpsPort(), "blog.localhost")).startsWith("HTTP/1.1 200").contains("site: blog");
      }
      assertThat(askedOn.get("new.localhost")).doesNotStartWith("pier-edge");
      slowMayAnswer.countDown();
      slow.join(10_000);
    }
  }

  /** A GET over TLS for {@code host} (SNI and Host), trusting any certificate: what the edge answers. */
  private static String get(int port, String host) throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
         SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(plain, host, port, true)) {
      SSLParameters p = tls.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(host)));
      tls.setSSLParameters(p);
      tls.setSoTimeout(10_000);
      tls.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      tls.getOutputStream().flush();
      InputStream in = tls.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
