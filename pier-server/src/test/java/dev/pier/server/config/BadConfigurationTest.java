package dev.pier.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pier.server.PierApplication;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.NestedExceptionUtils;

/** A bad setting stops Pier before it touches the host, with a message naming the setting and what to write. */
class BadConfigurationTest {

  @TempDir
  Path data;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--pier.network.subnet=10.1.1.0/33 | prefix /33 is not usable",
      "--pier.network.gateway=10.9.9.9   | not a host address of 10.1.1.0/24",
      "--pier.network.bridge=pv7         | has the form of a site's veth name",
      "--pier.instance=Pier_2            | instance name \"Pier_2\" is not valid",
      "--pier.domain=bad_domain!         | is not a domain name",
      "--pier.edge.http-port=99999       | is not a port",
      "--pier.edge.transport=kqueue      | pier.edge.transport \"kqueue\" is none of io_uring, epoll, nio",
      "--pier.edge.threads=-2            | pier.edge.threads -2 is not a number of threads",
      "--pier.acme.directory=ftp://ca.example/dir | is not an ACME directory URL",
      "--pier.acme.retry-min=0s          | must be positive",
      "--pier.dns.mode=bind              | pier.dns.mode \"bind\" is none of off, rfc2136, embedded",
      "--pier.dns.server=127.0.0.1       | needs the key updates are signed with: --dns-tsig-key FILE",
      "--pier.dns.records=mx             | pier.dns.records \"mx\" is none of address, cname"})
  void refusesToStartSayingWhy(String option, String message) {
    Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(PierApplication.class)
        .run("--pier.data-dir=" + data, "--logging.file.name=" + data.resolve("pier.log"), option).close());
    assertThat(failure).isNotNull();
    assertThat(NestedExceptionUtils.getMostSpecificCause(failure)).hasMessageContaining(message);
  }

  @Test
  void aPortInUseStopsPierBeforeItTouchesTheHost() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      String bridge = "pbad" + Integer.toHexString(taken.getLocalPort());
      Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(PierApplication.class)
          .run("--pier.data-dir=" + data, "--logging.file.name=" + data.resolve("pier.log"),
              "--pier.edge.http-port=" + taken.getLocalPort(), "--pier.network.bridge=" + bridge).close());
      assertThat(NestedExceptionUtils.getMostSpecificCause(failure)).hasMessageContaining("Address already in use");
      assertThat(failure).rootCause().isNotNull();
      assertThat(Files.exists(Path.of("/sys/class/net", bridge))).as("no bridge made").isFalse();
    }
  }
}
