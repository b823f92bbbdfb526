package dev.pier.server.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Every {@code pier.*} property. Defaults live in application.properties. */
@ConfigurationProperties("pier")
public record PierProperties(Path dataDir, String domain, Edge edge, Network network, Engine engine, Ldap ldap, Images images) {

  /**
   * @param dir          where built images are kept (empty: DATA-DIR/images); one Pier instance's own (tests share one among
   *                     servers that run one after the other, to build each image once)
   * @param buildAtStart whether Pier builds the built-in Debian images it lacks when it starts
   */
  public record Images(Path dir, boolean buildAtStart) {}

  /** @param httpsPort the edge's HTTPS port; negative: no HTTPS */
  public record Edge(int httpPort, int httpsPort) {}

  /** @param uplink the host's interface to the internet, for sites whose plan allows outbound connections (empty: none) */
  public record Network(String bridge, String subnet, String gateway, String vethPrefix, String uplink) {}

  public record Engine(String cgroupParent, Duration stopGrace, Duration readyTimeout, Duration watchInterval, Duration usageInterval,
      Duration reconcileInterval) {}

  public record Ldap(String url, String baseDn, String userDnPattern, String groupSearchBase, String adminGroup,
      String managerDn, String managerPassword) {

    public boolean embedded() {
      return url == null || url.isBlank();
    }
  }

  public PierProperties {
    if (domain == null || !domain.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
      throw new IllegalArgumentException("pier.domain \"" + domain + "\" is not a domain name: use something like example.org or localhost");
    }
    domain = domain.toLowerCase(java.util.Locale.ROOT);
    if (edge.httpPort() < 0 || edge.httpPort() > 65535) {
      throw new IllegalArgumentException("pier.edge.http-port " + edge.httpPort() + " is not a port: use 1-65535");
    }
    if (edge.httpsPort() > 65535) {
      throw new IllegalArgumentException("pier.edge.https-port " + edge.httpsPort() + " is not a port: use 1-65535, or -1 for no HTTPS");
    }
  }

  /** A site's full host name. */
  public String hostname(String site) {
    return site + "." + domain;
  }
}
