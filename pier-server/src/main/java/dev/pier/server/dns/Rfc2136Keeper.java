package dev.pier.server.dns;

import dev.pier.server.config.ConfigurationProblem;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Keeps Pier's names on the operator's DNS server by RFC 2136 updates signed with TSIG ({@link NameUpdates}). One worker
 * thread sends them, one name at a time: when a site is created or deleted, at start for every name, and after a
 * failure with a back-off; every {@code check-interval} it reads what the server holds for each name and mends the
 * difference. The names it put records at are kept in {@link DnsNames}, so one whose site went while the server was away
 * is removed later, after a restart too.
 */
final class Rfc2136Keeper implements DnsZone {

  private static final Logger log = LoggerFactory.getLogger(Rfc2136Keeper.class);

  private final DnsSettings settings;
  private final ZonePlan plan;
  private final DnsServerClient client;
  private final DnsNames kept;
  private final Supplier<List<String>> sites;
  private final Map<Name, NameState> states = new ConcurrentHashMap<>();
  /** The names whose sync is planned, and when. */
  private final Map<Name, ScheduledFuture<?>> queued = new ConcurrentHashMap<>();
  private volatile ScheduledExecutorService worker;

  Rfc2136Keeper(DnsSettings settings, DnsServerClient client, DnsNames kept, Supplier<List<String>> sites) {
    this.settings = settings;
    this.plan = settings.plan();
    this.client = client;
    this.kept = kept;
    this.sites = sites;
  }

  /**
   * Checks the server holds the zone and takes the key, then puts the domain's and {@code www}'s records, before Pier
   * touches anything else. A server that does not answer is no reason not to start: its names wait, pending.
   *
   * @throws ConfigurationProblem when the server refuses the key or does not hold the zone
   */
  void checkAtStart() {
    Name at = plan.zone();
    try {
      long serial = client.soa(plan.zone());
      log.info("DNS: the server at {} holds the zone {} (serial {}) and takes the key {}", DnsServerClient.describe(client.server()),
          plan.zone(), serial, settings.key().name().toString(true));
      Set<Name> wanted = wantedNames();
      for (Name n : plan.names(List.of())) {
        at = n;
        states.put(n, apply(n, wanted));
      }
    } catch (DnsServerClient.Refused e) {
      if (e.foreign()) {
        states.put(at, NameState.pending(at.toString(true), lines(plan.wanted(at)), null).failedAgain(true, e.getMessage(),
            settings.checkInterval(), settings.checkInterval()));
      } else if (e.fatal()) {
        throw new ConfigurationProblem("Pier cannot keep its names in the zone " + plan.zone() + " on the DNS server at "
            + DnsServerClient.describe(client.server()) + " with the key \"" + settings.key().name().toString(true) + "\" from "
            + settings.keyFile() + ": " + e.getMessage() + ". Check that the key file is the one the server's configuration includes"
            + " (BADTIME: that this host's clock and the server's agree), that the server is primary for that zone (--dns-zone), and"
            + " that its update-policy grants the key that zone (grant KEY zonesub ANY;). Pier has started no site and not its edge.", e);
      } else {
        log.warn("DNS: the server at {} refused at start ({}): Pier starts all the same and tries again",
            DnsServerClient.describe(client.server()), e.getMessage());
      }
    } catch (IOException e) {
      log.warn("DNS: the server at {} does not answer ({}): Pier starts all the same; its names are published once it does",
          DnsServerClient.describe(client.server()), e.getMessage());
    }
  }

  /** Starts the worker: every name is checked at once, then every {@code check-interval}. */
  synchronized void start() {
    if (worker != null) {
      return;
    }
    worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pier-dns");
      t.setDaemon(true);
      return t;
    });
    worker.scheduleWithFixedDelay(this::checkAll, 0, settings.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    ScheduledExecutorService w = worker;
    worker = null;
    if (w != null) {
      w.shutdownNow();
      try {
        w.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void changed(Name name) {
    states.compute(name, (k, before) -> before != null && before.state().equals(NameState.PENDING) ? before
        : NameState.pending(name.toString(true), lines(plan.wanted(name)), before == null ? null : before.reason()));
    queue(name, 0); // now, even if a retry was planned later
  }

  @Override
  public NameState state(Name name) {
    NameState s = states.get(name);
    return s != null ? s : NameState.pending(name.toString(true), lines(plan.wanted(name)), "not checked yet");
  }

  @Override
  public List<NameState> states() {
    List<NameState> out = new ArrayList<>();
    for (Name n : plan.names(sites.get())) {
      out.add(state(n));
    }
    return out;
  }

  /** Syncs {@code name} after {@code delayMillis}, or sooner if it was planned sooner already; a later plan is moved up. */
  private synchronized void queue(Name name, long delayMillis) {
    ScheduledExecutorService w = worker;
    if (w == null) {
      return;
    }
    ScheduledFuture<?> planned = queued.get(name);
    if (planned != null && !planned.isDone() && planned.getDelay(TimeUnit.MILLISECONDS) <= delayMillis) {
      return;
    }
    if (planned != null) {
      planned.cancel(false);
    }
    try {
      queued.put(name, w.schedule(() -> {
        queued.remove(name);
        sync(name, wantedNames());
      }, delayMillis, TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException stopping) {
      queued.remove(name);
    }
  }

  /** Names Pier should keep now: the domain, www and every site's. */
  private Set<Name> wantedNames() {
    return new LinkedHashSet<>(plan.names(sites.get()));
  }

  /** On the worker: one name brought to what it should be, {@code wanted} being Pier's names now; a failure plans the next try. */
  private void sync(Name name, Set<Name> wanted) {
    NameState before = state(name);
    try {
      NameState after = apply(name, wanted);
      if (after == null) {
        states.remove(name);
        return;
      }
      if (!before.state().equals(NameState.PUBLISHED)) {
        log.info("DNS: {} published ({})", name, String.join(", ", after.records()));
      }
      states.put(name, after);
    } catch (IOException e) {
      failed(name, before, e);
    } catch (RuntimeException e) {
      log.error("DNS: {} not published", name, e);
      failed(name, before, new DnsServerClient.Refused(Rcode.SERVFAIL, "Pier could not update it: " + e.getMessage()));
    }
  }

  /** {@code name} was not published: its state says why, and its next try is planned with the back-off. */
  private void failed(Name name, NameState before, IOException e) {
    boolean refused = e instanceof DnsServerClient.Refused;
    String why = refused ? e.getMessage() : "the DNS server at " + DnsServerClient.describe(client.server()) + " does not answer: "
        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    NameState after = before.failedAgain(refused, why, settings.retryMin(), settings.retryMax());
    states.put(name, after);
    log.warn("DNS: {} not published: {}", name, after.reason());
    queue(name, Duration.between(Instant.now(), after.nextAttempt()).toMillis());
  }

  /**
   * Brings {@code name} to what it should be: its records replaced (its marker there) or claimed (nothing there), or
   * released when Pier keeps it no longer; the new state, null once released.
   *
   * @throws DnsServerClient.Refused the server's refusal, or {@link DnsServerClient.Refused#foreign} records there
   */
  private NameState apply(Name name, Set<Name> wanted) throws IOException {
    List<Record> records = wanted.contains(name) ? plan.wanted(name) : List.of();
    if (!name.subdomain(plan.zone())) {
      kept.forget(name.toString()); // kept for another zone than this one: not Pier's to touch any more
      log.info("DNS: {} is not in the zone {} any more: forgotten, left as it is on its server", name, plan.zone());
      return null;
    }
    if (records.isEmpty()) {
      release(name);
      return null;
    }
    kept.remember(name.toString());
    Message answer = client.send(NameUpdates.replace(plan, name, records));
    if (NameUpdates.prerequisiteFailed(answer.getRcode())) { // not Pier's yet: taken only if nobody holds it
      answer = client.send(NameUpdates.claim(plan, name, records));
      if (NameUpdates.prerequisiteFailed(answer.getRcode())) {
        kept.forget(name.toString());
        throw DnsServerClient.Refused.foreign(answer.getRcode(), name.toString(true) + " already has records Pier did not make: they"
            + " are left as they are (remove them on the server, and Pier puts its own)");
      }
    }
    if (answer.getRcode() != Rcode.NOERROR) {
      throw new DnsServerClient.Refused(answer.getRcode(), "the server refused the update: " + DnsServerClient.words(answer));
    }
    return NameState.published(name.toString(true), lines(records));
  }

  /** Removes Pier's records at {@code name} (only if its marker is there) and forgets it. */
  private void release(Name name) throws IOException {
    Message answer = client.send(NameUpdates.release(plan, name));
    if (answer.getRcode() != Rcode.NOERROR && !NameUpdates.prerequisiteFailed(answer.getRcode())) {
      throw new DnsServerClient.Refused(answer.getRcode(), "the server refused to remove " + name.toString(true) + ": "
          + DnsServerClient.words(answer));
    }
    kept.forget(name.toString());
    log.info("DNS: {} removed", name);
  }

  /** On the worker: what the server holds for each name against what it should; the names that differ are mended. */
  private void checkAll() {
    try {
      Set<Name> wanted = wantedNames();
      Set<Name> all = new LinkedHashSet<>(wanted);
      for (String n : kept.all()) {
        all.add(Name.fromString(n));
      }
      for (Name n : all) {
        if (!wanted.contains(n)) {
          sync(n, wanted); // a site gone while the server was away, or before a restart
          continue;
        }
        List<Record> found = new ArrayList<>();
        for (int type : ZonePlan.TYPES) {
          found.addAll(client.query(n, type));
        }
        boolean marked = client.query(plan.markerName(n), Type.TXT).stream()
            .anyMatch(r -> ((TXTRecord) r).getStrings().equals(plan.marker(n).getStrings()));
        NameState s = states.get(n);
        if (!marked || !NameUpdates.same(found, plan.wanted(n)) || s == null || !s.state().equals(NameState.PUBLISHED)) {
          if (marked && s != null && s.state().equals(NameState.PUBLISHED)) {
            log.warn("DNS: {} holds {} instead of {}: mended", n, lines(found), lines(plan.wanted(n)));
          }
          sync(n, wanted);
        }
      }
    } catch (IOException e) { // published names keep their state; the others are tried again with their back-off
      log.warn("DNS: the check of the zone {} could not read it from the server at {}: {}", plan.zone(),
          DnsServerClient.describe(client.server()), e.getMessage());
      for (Name n : wantedNames()) {
        NameState s = state(n);
        if (!s.state().equals(NameState.PUBLISHED) && !queued.containsKey(n)) {
          failed(n, s, e);
        }
      }
    } catch (RuntimeException e) {
      log.error("DNS: the check of the zone {} failed", plan.zone(), e);
    }
  }

  @Override
  public void putChallenge(List<String> values) throws IOException {
    Update u = new Update(plan.zone());
    for (String v : values) {
      u.add(plan.challenge(v));
    }
    Message answer = client.send(u);
    if (answer.getRcode() != Rcode.NOERROR) {
      throw new DnsServerClient.Refused(answer.getRcode(), "the DNS server refused the ACME challenge's TXT record: " + DnsServerClient.words(answer));
    }
    Propagation.waitFor(Propagation.otherServers(client, plan), plan.challengeName(), values);
  }

  @Override
  public void removeChallenge(List<String> values) throws IOException {
    Update u = new Update(plan.zone());
    for (String v : values) {
      u.delete(plan.challenge(v)); // only these values: any other TXT record there stays
    }
    Message answer = client.send(u);
    if (answer.getRcode() != Rcode.NOERROR) {
      throw new DnsServerClient.Refused(answer.getRcode(), "the DNS server kept the ACME challenge's TXT record: " + DnsServerClient.words(answer));
    }
  }

  static List<String> lines(List<Record> records) {
    return records.stream().map(ZonePlan::line).toList();
  }
}
