package dev.pier.server.tls;

import dev.pier.edge.AcmeChallenges;
import dev.pier.server.dns.DnsChallenges;
import dev.pier.server.config.PierProperties;
import dev.pier.server.tls.acme.AcmeClient;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.store.AtomicFiles;
import dev.pier.server.tls.store.CertificateStore;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The second source of certificates: an ACME CA ({@code pier.acme.directory}), one certificate per name: the panel's
 * ({@code DOMAIN}) and each site's ({@code NAME.DOMAIN}). Names are proved with HTTP-01: the edge answers the CA's
 * requests from {@link #keyAuthorization}.
 *
 * <p>One worker thread orders certificates, one name at a time: at start and every {@code check-interval} for every name
 * that has none or whose certificate is due for renewal ({@link Renewal#due}), and at once for a name asked for
 * ({@link #want}). A name that fails is tried again after a back-off ({@link Renewal#retryDelay}), never before the CA's
 * Retry-After. Certificates and keys live in {@code DATA-DIR/certs/acme/HOST/} (keys mode 0600), the account key in
 * {@code DATA-DIR/acme/account-key.pem}; both survive restarts. Until a name has its certificate, the next source (the
 * internal CA's) stands in.
 *
 * <p>With a DNS zone kept by Pier ({@link DnsChallenges}: the operator's server or Pier's own), one certificate covers
 * everything instead: {@code DOMAIN} and {@code *.DOMAIN}, proved with DNS-01 through that zone, kept as
 * {@code *.DOMAIN}. A new site is covered at once, with no order of its own; certificates of single names kept from
 * before are served until the wildcard's arrives, then dropped.
 */
@Component
public class AcmeCertificates implements AcmeChallenges, CertificateProvider {

  private static final Logger log = LoggerFactory.getLogger(AcmeCertificates.class);

  /**
   * Where a name stands.
   *
   * @param state {@code issued}, {@code pending} (no certificate yet, or being renewed), {@code waiting} (its order
   *     waits for a place in Pier's order budget, at {@code nextAttempt}) or {@code failed} (the last attempt failed;
   *     see {@code lastError} and {@code nextAttempt})
   * @param notAfter when the certificate served expires (null: none yet)
   * @param issuer the certificate's issuer (null: none yet)
   * @param failures failed attempts in a row
   */
  public record NameStatus(String host, String state, Instant notAfter, String issuer, int failures, String lastError,
      Instant nextAttempt) {}

  /** The failures in a row of a name, the last one's reason, and when it is tried again. */
  private record Failing(int failures, String lastError, Instant nextAttempt) {}

  private final PierProperties props;
  private final ServedNames names;
  private final DnsChallenges dns;
  /** The certificates, kept from the CA named in the file {@code directory} beside them. */
  private final CertificateStore store;
  private final ConcurrentHashMap<String, String> tokens = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, EdgeCertificate> held = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Failing> failing = new ConcurrentHashMap<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  /** Names whose order waits for the budget, and when it is placed. */
  private final Map<String, Instant> waiting = new ConcurrentHashMap<>();
  private volatile ScheduledExecutorService worker;
  /** Used on the worker thread only. */
  private AcmeClient client;
  private OrderBudget budget;

  AcmeCertificates(PierProperties props, ServedNames names, DnsChallenges dns) {
    this.props = props;
    this.names = names;
    this.dns = dns;
    this.store = new CertificateStore(props.dataDir().resolve("certs").resolve(SiteCertificates.ACME_DIR));
  }

  /** Whether an ACME directory is configured. */
  public boolean enabled() {
    return props.acme().enabled();
  }

  /** Whether one certificate for the domain and {@code *.DOMAIN}, by DNS-01, serves every name. */
  public boolean wildcard() {
    return enabled() && dns.enabled();
  }

  /** The name the wildcard certificate is kept and listed under. */
  String wildcardHost() {
    return "*." + props.domain();
  }

  /** The directory URL in use, or null. */
  public String directory() {
    return enabled() ? props.acme().directory().strip() : null;
  }

  /** Loads the certificates kept on disk and starts the worker. Call once the edge answers on its HTTP port. */
  public synchronized void start() {
    if (!enabled() || worker != null) {
      return;
    }
    loadKept();
    budget = new OrderBudget(props.acme().maxOrdersPerHour(), props.acme().maxCertificatesPerWeek(),
        props.dataDir().resolve("acme").resolve("orders"));
    client = new AcmeClient(directory(), props.acme().trust(), props.acme().email(),
        props.dataDir().resolve("acme").resolve("account-key.pem"), tokens);
    worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pier-acme");
      t.setDaemon(true);
      return t;
    });
    long every = props.acme().checkInterval().toMillis();
    worker.scheduleWithFixedDelay(this::sweep, 0, every, TimeUnit.MILLISECONDS);
    log.info("certificates from the ACME CA at {}; checked every {}", directory(), props.acme().checkInterval());
  }

  /**
   * Stops the worker and waits for it to end (so that nothing is written under the data directory afterwards); an
   * order in progress is abandoned (the next start orders again).
   */
  public synchronized void stop() {
    ScheduledExecutorService w = worker;
    if (w == null) {
      return;
    }
    worker = null;
    w.shutdownNow(); // its tasks never take this object's lock: waiting here holding it cannot deadlock
    try {
      if (!w.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("the ACME worker did not stop within 10 s");
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    // After the worker ended: a name queued meanwhile, whose task shutdownNow dropped, is not left marked queued.
    tokens.clear();
    queued.clear();
    waiting.clear();
  }

  @Override
  public String keyAuthorization(String token) {
    return tokens.get(token);
  }

  /** The CA's certificate for the name asked for while it is valid (only names Pier serves ever get one). From memory. */
  @Override
  public SslContext ready(Asked asked) {
    EdgeCertificate w = held.get(wildcardHost()); // (kept after DNS was turned off, until every name has its own)
    if (wildcard() && w != null && w.validAt(Instant.now())) {
      return w.context(); // every name served is the domain or one label under it
    }
    EdgeCertificate h = held.get(asked.host());
    if (h != null && h.validAt(Instant.now())) {
      return h.context();
    }
    return w != null && w.validAt(Instant.now()) ? w.context() : null;
  }

  /** Has none at hand: orders one for the name served, while the next source's certificate stands in. */
  @Override
  public SslContext obtain(Asked asked) {
    want(wildcard() ? wildcardHost() : asked.served());
    return null;
  }

  /** A new site's name: its certificate is ordered now rather than at the first visit. */
  @Override
  public void added(String host) {
    want(wildcard() ? wildcardHost() : host);
  }

  /** Orders a certificate for {@code host} soon, unless it has a good one, is queued already or is waiting to retry. */
  void want(String host) {
    ScheduledExecutorService w = worker;
    if (w == null) {
      return;
    }
    EdgeCertificate h = held.get(host);
    if (h != null && h.freshAt(Instant.now())) {
      return;
    }
    Failing f = failing.get(host);
    if (f != null && Instant.now().isBefore(f.nextAttempt())) {
      return;
    }
    if (queued.add(host)) {
      try {
        w.execute(() -> attempt(host));
      } catch (RejectedExecutionException stopping) {
        queued.remove(host);
      }
    }
  }

  /** Every name Pier serves and where it stands, the panel's first. */
  public List<NameStatus> statuses() {
    List<NameStatus> out = new ArrayList<>();
    List<String> listed = new ArrayList<>();
    if (wildcard()) {
      listed.add(wildcardHost());
      EdgeCertificate w = held.get(wildcardHost());
      if (w == null || !w.freshAt(Instant.now())) { // single names kept from before stand in, and are renewed, until it comes
        names.all().stream().filter(held::containsKey).forEach(listed::add);
      }
    } else {
      listed.addAll(names.all());
    }
    for (String host : listed) {
      EdgeCertificate h = held.get(host);
      CertifiedKey c = h == null ? null : h.certified();
      Failing f = failing.get(host);
      Instant turn = waiting.get(host);
      String state = f != null ? "failed" : h != null && h.freshAt(Instant.now()) ? "issued" : turn != null ? "waiting" : "pending";
      out.add(new NameStatus(host, state, c == null ? null : c.notAfter(), c == null ? null : c.issuer(),
          f == null ? 0 : f.failures(), f == null ? null : f.lastError(), f != null ? f.nextAttempt() : turn));
    }
    return out;
  }

  /** On the worker: orders what is missing or due; forgets the certificates of names Pier no longer serves. */
  private void sweep() {
    try {
      List<String> served = names.all();
      EdgeCertificate w = held.get(wildcardHost());
      boolean covered = w != null && w.freshAt(Instant.now());
      List<String> keep = new ArrayList<>(served);
      if (wildcard()) {
        want(wildcardHost());
        for (String host : served) {
          if (!covered && held.containsKey(host)) {
            want(host); // a single name's certificate kept from before is renewed until the wildcard comes
          }
        }
        if (covered) {
          keep.clear(); // the single names' certificates kept from before go
        }
        keep.add(wildcardHost());
      } else {
        for (String host : served) {
          want(host);
        }
        if (served.stream().anyMatch(h -> held.get(h) == null || !held.get(h).freshAt(Instant.now()))) {
          keep.add(wildcardHost()); // DNS turned off: the wildcard stands in until every name has its own
        }
      }
      for (String host : List.copyOf(held.keySet())) {
        if (!keep.contains(host)) {
          held.remove(host);
          failing.remove(host);
          store.delete(host);
          log.info("removed the ACME certificate of {}, which Pier no longer serves", host);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("ACME renewal check failed: {}", e.getMessage(), e);
    }
  }

  /** On the worker: one order for {@code host}; on failure, schedules the next attempt. */
  private void attempt(String host) {
    queued.remove(host);
    waiting.remove(host);
    if (!(wildcard() && host.equals(wildcardHost())) && !names.all().contains(host)) {
      failing.remove(host);
      return; // the site went away meanwhile
    }
    Optional<Instant> turn = budget.nextSlot(Instant.now());
    if (turn.isPresent()) { // over the budget: this name waits its turn, the internal CA's certificate standing in
      Duration wait = Duration.between(Instant.now(), turn.get()).plusSeconds(1);
      log.info("ACME certificate for {} waits {} s: Pier places at most {} orders an hour and has {} certificates issued a week",
          host, wait.toSeconds(), props.acme().maxOrdersPerHour(), props.acme().maxCertificatesPerWeek());
      queued.add(host);
      waiting.put(host, turn.get());
      ScheduledExecutorService w = worker;
      if (w != null && !w.isShutdown()) {
        w.schedule(() -> attempt(host), wait.toMillis(), TimeUnit.MILLISECONDS);
      }
      return;
    }
    budget.ordered(Instant.now());
    try {
      EdgeCertificate h = issue(host);
      held.put(host, h);
      failing.remove(host);
      log.info("ACME certificate for {} issued by {}, valid until {}", host, h.certified().issuer(), h.certified().notAfter());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      Failing before = failing.get(host);
      int failures = before == null ? 1 : before.failures() + 1;
      Duration wait = Renewal.retryDelay(failures, props.acme().retryMin(), props.acme().retryMax(),
          AcmeClient.retryAfter(e, Instant.now()));
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      failing.put(host, new Failing(failures, reason, Instant.now().plus(wait)));
      client.endSession(); // the next attempt starts a new session (the CA may have been restarted, say)
      log.warn("ACME certificate for {} failed ({} in a row): {}; trying again in {}", host, failures, reason, wait);
      ScheduledExecutorService w = worker;
      if (w != null && !w.isShutdown()) {
        w.schedule(() -> want(host), wait.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Orders a certificate for {@code host} and keeps it on disk; one the CA issued is served even if it cannot be kept. */
  private EdgeCertificate issue(String host) throws Exception {
    CertifiedKey issued = wildcard() && host.equals(wildcardHost())
        ? client.orderByDns(List.of(props.domain(), wildcardHost()), dns)
        : client.order(host);
    budget.issued(Instant.now());
    EdgeCertificate served = EdgeCertificate.of(issued);
    try {
      store.write(host, issued);
    } catch (IOException | RuntimeException e) { // served anyway: the CA counts every certificate it issues
      log.error("ACME certificate for {} issued but not kept on disk (it is ordered again after a restart): {}", host, e.getMessage());
    }
    return served;
  }

  /**
   * Loads the certificates kept from the CA configured now. Those of another CA (a test CA before the real one, say)
   * are dropped: they would be served, untrusted, until their renewal.
   */
  private void loadKept() {
    Path dir = store.dir();
    Path from = dir.resolve("directory");
    try {
      Files.createDirectories(dir);
      if (Files.exists(from) && !Files.readString(from).strip().equals(directory())) {
        log.info("the ACME directory changed from {}: its certificates are dropped and ordered again from {}",
            Files.readString(from).strip(), directory());
        store.deleteAll();
      }
      AtomicFiles.writePublic(from, directory() + "\n");
      store.recover(); // what a crash left: a new pair not yet in place becomes the current one
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep ACME certificates in " + dir, e);
    }
    List<String> kept;
    try {
      kept = store.names();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    for (String host : kept) {
      try {
        CertifiedKey pair = store.read(host).orElseThrow(() -> new IOException("no key and certificate in " + store.path(host)));
        held.put(host, EdgeCertificate.of(pair));
      } catch (IOException | RuntimeException e) {
        log.warn("cannot load the ACME certificate of {} (it will be ordered again): {}", host, e.getMessage());
      }
    }
  }
}
