package dev.pier.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.server.testing.PierTestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The report's slow readers: more HTTPS connections from one address than the panel has upstream connections, each
 * asking for the panel's 232 KB stylesheet 40 times over and reading nothing, so that every buffer on the way fills
 * and each holds one of the panel's upstream connections for as long as it likes. One address gets half of them at
 * most, and everyone else still logs in. (The panel's upstream connections are 8 here rather than 256, to keep the
 * test's buffers small: the same in proportion.)
 */
@Tag("root")
class SlowReadersTest {

  private static final String CSS = "/webjars/bootstrap/css/bootstrap.min.css";

  private PierTestServer server;
  private final List<Socket> attackers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer(new dev.pier.engine.testing.TestHost(), "--pier.edge.max-connections-per-site=8");
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : attackers) {
      s.close();
    }
    server.close();
  }

  private static SSLContext trustingAnything() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    return tls;
  }

  /** A connection from 127.0.0.2 that asks for the stylesheet 40 times and never reads. */
  private Socket slowReader(SSLContext tls) throws IOException {
    Socket plain = new Socket();
    plain.setReceiveBufferSize(4096); // a reader that takes 16 bytes a second has little room
    plain.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
    plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.httpsPort()), 5000);
    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, PierTestServer.DOMAIN, server.httpsPort(), true);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(PierTestServer.DOMAIN)));
    p.setApplicationProtocols(new String[] {"http/1.1"});
    s.setSSLParameters(p);
    s.startHandshake();
    String get = "GET " + CSS + " HTTP/1.1\r\nHost: " + PierTestServer.DOMAIN + "\r\n\r\n";
    s.getOutputStream().write(get.repeat(40).getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  @Test
  void slowReadersFromOneAddressLeaveThePanelToEveryoneElse() throws Exception {
    SSLContext tls = trustingAnything();
    for (int i = 0; i < 12; i++) {
      attackers.add(slowReader(tls));
    }
    Thread.sleep(2000); // the edge has forwarded what it accepts, and the answers have filled every buffer on the way

    AtomicInteger ok = new AtomicInteger();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> login = server.browser().send(HttpRequest.newBuilder(URI.create(server.panelBase() + "/login"))
          .header("Host", PierTestServer.DOMAIN).build(), HttpResponse.BodyHandlers.ofString());
      if (login.statusCode() == 200 && login.body().contains("Log in")) {
        ok.incrementAndGet();
      }
    }
    assertThat(ok.get()).as("the panel's log-in page, for someone else, during the attack").isEqualTo(5);
  }
}
