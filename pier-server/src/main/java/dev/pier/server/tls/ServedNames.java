package dev.pier.server.tls;

import dev.pier.engine.site.SiteName;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The names Pier serves, and so has certificates for: the panel's ({@code DOMAIN}) and each existing site's
 * ({@code NAME.DOMAIN}). Names asked for lately that are no site's are remembered for a minute, so a stranger costs no
 * database query at each handshake.
 */
@Component
final class ServedNames {

  private static final int MAX_STRANGERS = 10_000;

  private final String panel;
  private final Predicate<String> siteExists;
  private final Supplier<List<String>> sites;
  /** Names asked for lately that are no site's, until when that answer holds. */
  private final ConcurrentHashMap<String, Instant> strangers = new ConcurrentHashMap<>();

  @Autowired
  ServedNames(PierProperties props, SiteRepository repository) {
    this(props.domain(), label -> SiteName.problem(label) == null && repository.find(SiteName.of(label)).isPresent(),
        () -> repository.all().stream().map(Site::name).map(SiteName::value).toList());
  }

  /**
   * @param panel the panel's name, {@code DOMAIN}
   * @param siteExists whether a site has this name (a label, not yet checked to be a valid site name)
   * @param sites every site's name
   */
  ServedNames(String panel, Predicate<String> siteExists, Supplier<List<String>> sites) {
    this.panel = panel;
    this.siteExists = siteExists;
    this.sites = sites;
  }

  /** The panel's name. */
  String panel() {
    return panel;
  }

  /** The panel's name, then every site's, sorted. */
  List<String> all() {
    List<String> names = new ArrayList<>();
    names.add(panel);
    Set<String> siteNames = new TreeSet<>();
    for (String label : sites.get()) {
      siteNames.add(label + "." + panel);
    }
    names.addAll(siteNames);
    return names;
  }

  /**
   * What a client asked for, from memory, at a handshake: a name outside the domain, or found to be no site's lately, is
   * served the panel's certificate; any other is taken to be served for now.
   */
  Asked atHandshake(String serverName) {
    String host = lower(serverName);
    return new Asked(host, knownStranger(host) ? panel : host);
  }

  /** What a client asked for, checked against the sites (a database query); a stranger is remembered for a minute. */
  Asked resolve(String serverName) {
    String host = lower(serverName);
    if (host.equals(panel) || isSite(host)) {
      return new Asked(host, host);
    }
    if (strangers.size() > MAX_STRANGERS) {
      strangers.clear();
    }
    strangers.put(host, Instant.now().plusSeconds(60)); // a site made meanwhile gets its own within a minute
    return new Asked(host, panel);
  }

  /** {@code host} is a site's from now on: it gets its own certificate from the next handshake on. */
  void added(String host) {
    strangers.remove(host);
  }

  private String lower(String serverName) {
    return serverName == null ? panel : serverName.toLowerCase(Locale.ROOT);
  }

  /** Whether {@code host} is certainly not a name Pier serves: outside the domain, or found to be no site's lately. */
  private boolean knownStranger(String host) {
    if (!host.equals(panel) && !host.endsWith("." + panel)) {
      return true;
    }
    Instant until = strangers.get(host);
    return until != null && Instant.now().isBefore(until);
  }

  private boolean isSite(String host) {
    if (!host.endsWith("." + panel)) {
      return false;
    }
    return siteExists.test(host.substring(0, host.length() - panel.length() - 1));
  }
}
