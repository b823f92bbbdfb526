package dev.pier.server.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.server.common.Backoff;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DNS settings checked against the domain and the host: each mistake said in one sentence. */
class DnsSettingsTest {

  @TempDir
  Path dir;

  private static DnsProperties props(String mode, String server, String zone, Path key, String records, List<String> addresses) {
    return new DnsProperties(mode, server, zone, key, records, addresses, Duration.ofMinutes(5), 53, List.of(), List.of(), List.of(),
        Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(5));
  }

  @Test
  void aServerImpliesUpdatesAndNeedsAKey() {
    assertThat(props("", "", "", null, "", List.of()).mode()).isEqualTo("off");
    assertThatThrownBy(() -> props("", "192.0.2.53", "", null, "", List.of())).hasMessageContaining("--dns-tsig-key FILE");
    assertThatThrownBy(() -> props("bind", "", "", null, "", List.of())).hasMessageContaining("is none of off, rfc2136, embedded");
    assertThatThrownBy(() -> props("embedded", "", "", null, "mx", List.of())).hasMessageContaining("none of address, cname");
  }

  @Test
  void resolvesTheZoneTheKeyAndTheAddresses() throws Exception {
    Path key = dir.resolve("key.conf");
    Files.writeString(key, "key \"k\" { algorithm hmac-sha256; secret \"dXmGHxYqqLKqjVaz8OTBxhtIPjT6wXHY/luW2OrfY5Y=\"; };");
    DnsSettings s = DnsSettings.of(props("", "127.0.0.1:5353", "example.org", key, "", List.of()), "pier.example.org", "pier",
        () -> List.of(addr("203.0.113.7")));
    assertThat(s.server().getPort()).isEqualTo(5353);
    assertThat(s.plan().zone().toString(true)).isEqualTo("example.org");
    assertThat(s.plan().domain().toString(true)).isEqualTo("pier.example.org");
    assertThat(s.detected()).isTrue();
    assertThat(s.plan().addresses()).containsExactly(addr("203.0.113.7"));
  }

  @Test
  void nameServersMayCarryTheirAddress() {
    DnsProperties p = new DnsProperties("embedded", "", "", null, "", List.of("203.0.113.7"), Duration.ofMinutes(5), 53, List.of(),
        List.of("ns1.example.org", "ns2.example.org=198.51.100.2", "ns.registrar.example"), List.of("198.51.100.2"),
        Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(5));
    DnsSettings s = DnsSettings.of(p, "example.org", "pier", List::of);
    assertThat(s.nameservers().stream().map(n -> n.toString(true))).containsExactly("ns1.example.org", "ns2.example.org", "ns.registrar.example");
    assertThat(s.glue()).hasSize(1);
    assertThat(s.secondaries().getFirst().getPort()).isEqualTo(53);
  }

  @Test
  void saysWhatIsWrong() throws Exception {
    assertThatThrownBy(() -> DnsSettings.of(props("embedded", "", "example.net", null, "", List.of("203.0.113.7")), "example.org", "pier",
        List::of)).hasMessageContaining("is not in the DNS zone example.net");
    assertThatThrownBy(() -> DnsSettings.of(props("embedded", "", "", null, "", List.of()), "example.org", "pier", List::of))
        .hasMessageContaining("--dns-addresses");
    assertThatThrownBy(() -> DnsSettings.of(props("embedded", "", "", null, "", List.of("host.example")), "example.org", "pier", List::of))
        .hasMessageContaining("is not an IP address");
    assertThatThrownBy(() -> DnsSettings.of(props("", "127.0.0.1", "", dir.resolve("none"), "", List.of("203.0.113.7")), "example.org",
        "pier", List::of)).hasMessageContaining("cannot be read");
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "not a key");
    assertThatThrownBy(() -> DnsSettings.of(props("", "127.0.0.1", "", bad, "", List.of("203.0.113.7")), "example.org", "pier", List::of))
        .hasMessageContaining("is not usable: no key in it");
    assertThatThrownBy(() -> DnsSettings.hostPort("127.0.0.1:99999", 53, "pier.dns.server", false)).hasMessageContaining("no usable port");
    assertThatThrownBy(() -> DnsSettings.literal("203.0.113", "pier.dns.addresses")).hasMessageContaining("is not an IP address");
    assertThat(DnsSettings.hostPort("[::1]:5300", 53, "x", true).getPort()).isEqualTo(5300);
    assertThat(DnsSettings.hostPort("::1", 53, "x", true).getPort()).isEqualTo(53);
  }

  @Test
  void onlyPublicAddressesAreDetected() {
    assertThat(HostAddresses.isPublic(addr("203.0.113.7"))).isTrue();
    assertThat(HostAddresses.isPublic(addr("2001:db8::7"))).isTrue();
    for (String a : List.of("10.1.1.254", "192.168.1.2", "172.16.0.1", "100.64.0.1", "127.0.0.1", "169.254.169.254", "fd00::1", "fe80::1", "::1")) {
      assertThat(HostAddresses.isPublic(addr(a))).as(a).isFalse();
    }
  }

  @Test
  void theBackOffDoublesUpToItsMost() {
    assertThat(Backoff.delay(1, Duration.ofSeconds(2), Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(2));
    assertThat(Backoff.delay(3, Duration.ofSeconds(2), Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(8));
    assertThat(Backoff.delay(40, Duration.ofSeconds(2), Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10));
  }

  private static InetAddress addr(String a) {
    return DnsSettings.literal(a, "test");
  }
}
