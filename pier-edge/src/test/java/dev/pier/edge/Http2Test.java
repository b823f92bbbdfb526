package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 over TLS (ALPN h2): each stream is proxied as one HTTP/1.1 exchange. curl (with nghttp2) is the client. */
class Http2Test {

  private TestUpstream blog;
  private EdgeServer edge;

  @BeforeEach
  void start() throws Exception {
    blog = new TestUpstream("blog");
    SelfSignedCertificate cert = new SelfSignedCertificate("blog.localhost");
    SslContext context = SslContextBuilder.forServer(cert.key(), cert.cert())
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
        .build();
    edge = EdgeServer.builder(EdgeConfig.onPort(0).withHttpsPort(0),
        RouteTable.empty("localhost").withSite("blog", new Route.Upstream("blog", blog.address())))
        .certificates(name -> context).build();
    edge.start();
  }

  @AfterEach
  void stop() {
    edge.close();
    blog.close();
  }

  private String curl(String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "-k", "--http2",
        "--resolve", "blog.localhost:" + edge.httpsPort() + ":127.0.0.1", "-w", "\nprotocol=%{http_version} status=%{http_code}\n"));
    command.addAll(java.util.List.of(args));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void streamsWithAndWithoutABodyAreForwardedOnOneConnection() throws Exception {
    String base = "https://blog.localhost:" + edge.httpsPort();
    String out = curl(base + "/echo/one", base + "/echo/two");
    assertThat(out).contains("uri: /echo/one").contains("uri: /echo/two").contains("x-forwarded-proto: https");
    assertThat(out.split("protocol=2 status=200", -1)).as("both requests").hasSize(3);
    String upload = curl("--data-binary", "hello", base + "/upload");
    assertThat(upload).contains("length=5").contains("protocol=2 status=200");
  }

  @Test
  void aStreamForAnUnknownSiteGetsThePage() throws Exception {
    String out = curl("-H", "Host: nowhere.localhost", "https://blog.localhost:" + edge.httpsPort() + "/");
    assertThat(out).contains("No site at").contains("protocol=2 status=404");
  }
}
