package dev.pier.server.config;

import dev.pier.edge.EdgeConfig;
import dev.pier.edge.EdgeServer;
import dev.pier.engine.network.Outbound;
import dev.pier.engine.runc.RuntimeChoice;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Every {@code pier.*} property. Defaults live in application.properties.
 *
 * @param instance this Pier's name on the host ({@code pier}): its containers, network namespaces and cgroups are
 *     named {@code INSTANCE-SITE}, so that two instances (each with its own bridge and data directory) never touch
 *     each other's
 */
@ConfigurationProperties("pier")
public record PierProperties(Path dataDir, String domain, Edge edge, Network network, Engine engine, Ldap ldap, Images images, Acme acme,
    String instance) {

  /**
   * Certificates from an ACME certificate authority instead of the internal CA.
   *
   * @param directory the CA's ACME directory URL ({@code https://...}, or an acme4j {@code acme://} name); empty: the internal CA
   * @param email a contact address given to the CA (optional)
   * @param trust a PEM file of the certificates that the ACME server's own HTTPS certificate chains to, for a private
   *     CA (empty: the JDK's trusted roots)
   * @param retryMin the wait before the first retry of a name that failed; it doubles at each failure ...
   * @param retryMax ... up to this
   * @param checkInterval how often every name's certificate is checked for renewal
   * @param maxOrdersPerHour the most orders placed in any hour, failed ones included
   * @param maxCertificatesPerWeek the most certificates issued in any week (Let's Encrypt allows 50 per registered domain)
   */
  public record Acme(String directory, String email, Path trust, Duration retryMin, Duration retryMax, Duration checkInterval,
      int maxOrdersPerHour, int maxCertificatesPerWeek) {

    @ConstructorBinding
    public Acme {
    }

    public Acme(String directory, String email, Path trust, Duration retryMin, Duration retryMax, Duration checkInterval) {
      this(directory, email, trust, retryMin, retryMax, checkInterval, 20, 45);
    }

    public boolean enabled() {
      return directory != null && !directory.isBlank();
    }
  }


  /**
   * @param dir          where built images are kept (empty: DATA-DIR/images); one Pier instance's own (tests share one among
   *                     servers that run one after the other, to build each image once)
   * @param buildAtStart whether Pier builds the built-in Debian images it lacks when it starts
   */
  public record Images(Path dir, boolean buildAtStart) {}

  /**
   * @param httpsPort the edge's HTTPS port; negative: no HTTPS
   * @param transport the edge's I/O: io_uring (empty: the default), epoll or nio; where the one asked for is missing on
   *     this host, the next one down serves
   * @param threads the edge's event loops; 0: half the cores, at least one ({@link EdgeServer#defaultThreads})
   * @param maxConnectionsPerSite the upstream connections each site (and the panel) may have open at once; each client
   *     address may hold half of them
   */
  public record Edge(int httpPort, int httpsPort, String transport, int threads, int maxConnectionsPerSite) {

    @ConstructorBinding
    public Edge {
      if (maxConnectionsPerSite < 2 || maxConnectionsPerSite > 65536) {
        throw new IllegalArgumentException("pier.edge.max-connections-per-site " + maxConnectionsPerSite + " is not usable: give 2 to 65536");
      }
    }

    public Edge(int httpPort, int httpsPort, String transport) {
      this(httpPort, httpsPort, transport, 0, EdgeConfig.DEFAULT_MAX_CONNECTIONS_PER_SITE);
    }
  }

  /**
   * @param vethPrefix host veth names are this and the site address's index (empty: {@code pv} for the instance
   *     {@code pier}, else derived from the instance's name)
   * @param uplink the host's interface to the internet, for sites whose plan allows outbound connections (empty: none)
   */
  /**
   * @param outboundAllow destinations in the private ranges that sites with outbound access may reach all the same
   *                      (addresses or CIDR blocks, such as a school's web proxy); empty: none
   */
  public record Network(String bridge, String subnet, String gateway, String vethPrefix, String uplink, List<String> outboundAllow) {
    public Network {
      outboundAllow = outboundAllow == null ? List.of() : outboundAllow.stream().map(String::strip).filter(a -> !a.isEmpty()).toList();
      try {
        new Outbound(Set.of(), Set.copyOf(outboundAllow), Set.of());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("pier.network.outbound-allow: " + e.getMessage(), e);
      }
    }
  }

  /** @param runtime the OCI runtime: auto (crun where it works, else runc), runc or crun ({@link RuntimeChoice}) */
  public record Engine(String cgroupParent, Duration stopGrace, Duration readyTimeout, Duration watchInterval, Duration usageInterval,
      Duration reconcileInterval, String runtime, Path runDir) {

    @ConstructorBinding
    public Engine {
      if (runtime != null && !runtime.isBlank() && !RuntimeChoice.NAMES.contains(runtime.strip().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("pier.engine.runtime \"" + runtime + "\" is none of " + String.join(", ", RuntimeChoice.NAMES));
      }
    }

    public Engine(String cgroupParent, Duration stopGrace, Duration readyTimeout, Duration watchInterval, Duration usageInterval,
        Duration reconcileInterval) {
      this(cgroupParent, stopGrace, readyTimeout, watchInterval, usageInterval, reconcileInterval, "auto", null);
    }
  }

  public record Ldap(String url, String baseDn, String userDnPattern, String groupSearchBase, String adminGroup,
      String managerDn, String managerPassword) {

    public boolean embedded() {
      return url == null || url.isBlank();
    }
  }

  public PierProperties {
    if (instance == null || instance.isBlank()) {
      instance = "pier";
    }
    if (domain == null || !domain.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
      throw new IllegalArgumentException("pier.domain \"" + domain + "\" is not a domain name: use something like example.org or localhost");
    }
    domain = domain.toLowerCase(Locale.ROOT);
    if (edge.transport() == null || edge.transport().isBlank()) {
      edge = new Edge(edge.httpPort(), edge.httpsPort(), EdgeServer.TRANSPORTS.get(0), edge.threads(), edge.maxConnectionsPerSite());
    }
    if (!EdgeServer.TRANSPORTS.contains(edge.transport().strip().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("pier.edge.transport \"" + edge.transport() + "\" is none of " + String.join(", ", EdgeServer.TRANSPORTS));
    }
    if (edge.threads() < 0 || edge.threads() > 1024) {
      throw new IllegalArgumentException("pier.edge.threads " + edge.threads() + " is not a number of threads: use 1-1024, or 0 for half the cores");
    }
    if (edge.httpPort() < 0 || edge.httpPort() > 65535) {
      throw new IllegalArgumentException("pier.edge.http-port " + edge.httpPort() + " is not a port: use 1-65535");
    }
    if (acme == null) {
      acme = new Acme("", "", null, Duration.ofMinutes(1), Duration.ofHours(6), Duration.ofHours(1));
    }
    if (acme.enabled()) {
      URI uri;
      try {
        uri = new URI(acme.directory().strip());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("pier.acme.directory \"" + acme.directory() + "\" is not a URL: " + e.getReason());
      }
      if (!("https".equals(uri.getScheme()) || "acme".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("pier.acme.directory \"" + acme.directory()
            + "\" is not an ACME directory URL: use https://HOST/PATH (or empty for the internal CA)");
      }
      if (edge.httpsPort() < 0) {
        throw new IllegalArgumentException("pier.acme.directory is set but HTTPS is off (pier.edge.https-port=-1)");
      }
      boolean trust = acme.trust() != null && !acme.trust().toString().isEmpty();
      if (trust && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("pier.acme.trust applies to an https:// ACME directory only, not to " + acme.directory());
      }
      if (trust && !Files.isReadable(acme.trust())) {
        throw new IllegalArgumentException("pier.acme.trust " + acme.trust() + " is not a readable PEM file");
      }
    }
    if (acme.retryMin() == null || acme.retryMax() == null || acme.checkInterval() == null || acme.retryMin().isNegative()
        || acme.retryMin().isZero() || acme.retryMax().compareTo(acme.retryMin()) < 0 || acme.checkInterval().isNegative()
        || acme.checkInterval().isZero()) {
      throw new IllegalArgumentException("pier.acme.retry-min, retry-max and check-interval must be positive, retry-max at least retry-min");
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
