package dev.pier.server.dns;

import dev.pier.engine.site.SiteName;
import dev.pier.server.config.ConfigurationProblem;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteAdmitted;
import dev.pier.server.site.SiteCreated;
import dev.pier.server.site.SiteDeleted;
import dev.pier.server.site.SiteDns;
import dev.pier.server.site.SiteRepository;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Sites' names in DNS: with {@code --dns-server}, kept on the operator's server by RFC 2136 ({@link Rfc2136Keeper});
 * with {@code --dns embedded}, served by Pier itself ({@link EmbeddedDns}); else none. Settled while Spring makes its
 * beans, before any site is touched: a setting, key or zone that cannot work stops Pier there, saying why.
 */
@Service
public class DnsService implements SiteDns, DnsChallenges, InitializingBean, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DnsService.class);

  private final PierProperties pier;
  private final DnsProperties props;
  private final DnsNames kept;
  private final Supplier<List<String>> sites;
  private final Supplier<List<InetAddress>> detect;
  private DnsSettings settings;
  private DnsZone zone;

  @Autowired
  DnsService(PierProperties pier, DnsProperties props, DnsNames kept, SiteRepository repository) {
    this(pier, props, kept, () -> repository.all().stream().map(Site::name).map(SiteName::value).toList(), HostAddresses::detect);
  }

  DnsService(PierProperties pier, DnsProperties props, DnsNames kept, Supplier<List<String>> sites, Supplier<List<InetAddress>> detect) {
    this.pier = pier;
    this.props = props;
    this.kept = kept;
    this.sites = sites;
    this.detect = detect;
  }

  @Override
  public void afterPropertiesSet() throws IOException {
    if (!props.enabled()) {
      return;
    }
    try {
      settings = DnsSettings.of(props, pier.domain(), pier.instance(), detect);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationProblem("DNS: " + e.getMessage() + ". Pier has changed nothing.", e);
    }
    List<String> addresses = settings.plan().addresses().stream().map(InetAddress::getHostAddress).toList();
    log.info("DNS: the zone {} gets {} records; the host's addresses {} ({}); TTL {} s", settings.plan().zone(),
        settings.plan().cname() ? "CNAME" : "A and AAAA", addresses, settings.detected() ? "detected: give others with --dns-addresses"
        : "given", settings.plan().ttl());
    if (props.embedded()) {
      EmbeddedDns embedded = new EmbeddedDns(settings, sites, pier.dataDir());
      try {
        embedded.start();
      } catch (IOException e) {
        throw new ConfigurationProblem("DNS: " + e.getMessage() + ". Pier has changed nothing.", e);
      }
      zone = embedded;
    } else {
      Rfc2136Keeper keeper = new Rfc2136Keeper(settings, new DnsServerClient(settings.server(), settings.key(), props.timeout()), kept, sites);
      keeper.checkAtStart();
      keeper.start();
      zone = keeper;
    }
  }

  @Override
  public void destroy() {
    if (zone instanceof EmbeddedDns e) {
      e.stop();
    } else if (zone instanceof Rfc2136Keeper k) {
      k.stop();
    }
  }

  @Override
  public boolean enabled() {
    return zone != null;
  }

  /** The settings in force; null when Pier keeps no DNS. */
  public DnsSettings settings() {
    return settings;
  }

  /** A new site's name goes in DNS as soon as it is taken, while its disk is made. */
  @EventListener
  void siteAdmitted(SiteAdmitted admitted) {
    changed(admitted.name().value());
  }

  @EventListener
  void siteCreated(SiteCreated created) {
    changed(created.name().value());
  }

  @EventListener
  void siteDeleted(SiteDeleted deleted) {
    changed(deleted.name().value());
  }

  /** The site's name should now be what the plan says; a failure here never fails the site's own change. */
  private void changed(String site) {
    if (zone == null) {
      return;
    }
    try {
      zone.changed(settings.plan().site(site));
    } catch (RuntimeException e) {
      log.error("DNS: the name of site {} could not be updated (the next check tries again)", site, e);
    }
  }

  @Override
  public SiteDns.State of(String site) {
    if (zone == null) {
      return null;
    }
    NameState s = zone.state(settings.plan().site(site));
    return new SiteDns.State(s.state(), s.reason(), s.records());
  }

  /** Every name Pier keeps, and where it stands (empty when it keeps none). */
  public List<NameState> states() {
    return zone == null ? List.of() : zone.states();
  }

  /** One line for the start-up banner: where sites' names are kept and for which addresses; null without DNS. */
  public String summary() {
    if (settings == null) {
      return null;
    }
    String where = props.embedded() ? "served by Pier on port " + props.port() + " (delegate the zone to this host)"
        : "kept on " + DnsServerClient.describe(settings.server()) + " by signed updates";
    return "zone " + settings.plan().zone().toString(true) + " " + where + "; " + (settings.plan().cname() ? "CNAMEs to the domain, " : "")
        + "addresses " + settings.plan().addresses().stream().map(InetAddress::getHostAddress).toList()
        + (settings.detected() ? " (detected: --dns-addresses to give others)" : "");
  }

  /** The settings in force, in words, for admins (never the key's secret). */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", props.mode());
    if (settings == null) {
      return out;
    }
    out.put("zone", settings.plan().zone().toString(true));
    out.put("domain", settings.plan().domain().toString(true));
    out.put("records", props.records());
    out.put("addresses", settings.plan().addresses().stream().map(InetAddress::getHostAddress).toList());
    out.put("addressesDetected", settings.detected());
    out.put("ttl", settings.plan().ttl());
    if (settings.server() != null) {
      out.put("server", DnsServerClient.describe(settings.server()));
      out.put("key", settings.key().name().toString(true));
      out.put("marker", settings.plan().marker(settings.plan().domain()).rdataToString());
    }
    if (props.embedded()) {
      out.put("port", props.port());
      out.put("serial", ((EmbeddedDns) zone).zone().getSOA().getSerial());
      List<String> ns = new ArrayList<>();
      for (org.xbill.DNS.Record r : ((EmbeddedDns) zone).zone().getNS().rrs()) {
        ns.add(((org.xbill.DNS.NSRecord) r).getTarget().toString(true));
      }
      out.put("nameservers", ns);
      out.put("secondaries", settings.secondaries().stream().map(DnsServerClient::describe).toList());
    }
    out.put("checkInterval", props.checkInterval().toString());
    return out;
  }

  @Override
  public void put(List<String> values) throws IOException {
    requireZone().putChallenge(values);
  }

  @Override
  public void remove(List<String> values) throws IOException {
    requireZone().removeChallenge(values);
  }

  private DnsZone requireZone() {
    if (zone == null) {
      throw new IllegalStateException("Pier keeps no DNS zone: no DNS-01 answer can be set");
    }
    return zone;
  }
}
