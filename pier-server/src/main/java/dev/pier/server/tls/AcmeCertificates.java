package dev.pier.server.tls;

import dev.pier.edge.AcmeChallenges;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteRepository;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Certificates from an ACME CA ({@code pier.acme.directory}), one per name: the panel's ({@code DOMAIN}) and each site's
 * ({@code NAME.DOMAIN}). Names are proved with HTTP-01: the edge answers the CA's requests from {@link #keyAuthorization}.
 *
 * <p>One worker thread orders certificates, one name at a time: at start and every {@code check-interval} for every name
 * that has none or whose certificate is due for renewal ({@link Renewal#due}), and at once for a name asked for
 * ({@link #want}). A name that fails is tried again after a back-off ({@link Renewal#retryDelay}), never before the CA's
 * Retry-After. Certificates and keys live in {@code DATA-DIR/certs/acme/HOST/} (keys mode 0600), the account key in
 * {@code DATA-DIR/acme/account-key.pem}; both survive restarts. Until a name has its certificate, {@link SiteCertificates}
 * serves the internal CA's.
 */
@Component
public class AcmeCertificates implements AcmeChallenges {

  private static final Logger log = LoggerFactory.getLogger(AcmeCertificates.class);
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);

  /**
   * Where a name stands.
   *
   * @param state {@code issued}, {@code pending} (no certificate yet, or being renewed) or {@code failed} (the last
   *     attempt failed; see {@code lastError} and {@code nextAttempt})
   * @param notAfter when the certificate served expires (null: none yet)
   * @param issuer the certificate's issuer (null: none yet)
   * @param failures failed attempts in a row
   */
  public record NameStatus(String host, String state, Instant notAfter, String issuer, int failures, String lastError,
      Instant nextAttempt) {}

  /** What the edge serves for a name. */
  private record Held(SslContext context, Instant notBefore, Instant notAfter, String issuer) {}

  /** The failures in a row of a name, the last one's reason, and when it is tried again. */
  private record Failing(int failures, String lastError, Instant nextAttempt) {}

  private final PierProperties props;
  private final SiteRepository sites;
  private final Path dir;
  private final ConcurrentHashMap<String, String> tokens = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Failing> failing = new ConcurrentHashMap<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private volatile ScheduledExecutorService worker;
  /** The logged-in account; made on the worker thread at the first order. */
  private Login login;

  AcmeCertificates(PierProperties props, SiteRepository sites) {
    this.props = props;
    this.sites = sites;
    this.dir = props.dataDir().resolve("certs").resolve("acme");
  }

  /** Whether an ACME directory is configured. */
  public boolean enabled() {
    return props.acme().enabled();
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
    worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "pier-acme");
      t.setDaemon(true);
      return t;
    });
    long every = props.acme().checkInterval().toMillis();
    worker.scheduleWithFixedDelay(this::sweep, 0, every, TimeUnit.MILLISECONDS);
    log.info("certificates from the ACME CA at {}; checked every {}", directory(), props.acme().checkInterval());
  }

  /** Stops the worker; an order in progress is abandoned (the next start orders again). */
  public synchronized void stop() {
    if (worker != null) {
      worker.shutdownNow();
      worker = null;
    }
    tokens.clear();
    queued.clear();
  }

  @Override
  public String keyAuthorization(String token) {
    return tokens.get(token);
  }

  /** The ACME certificate for {@code host} while it is valid, or null. Called at each handshake: from memory. */
  public SslContext context(String host) {
    Held h = held.get(host);
    return h != null && Instant.now().isBefore(h.notAfter()) ? h.context() : null;
  }

  /** Orders a certificate for {@code host} soon, unless it has a good one, is queued already or is waiting to retry. */
  public void want(String host) {
    ScheduledExecutorService w = worker;
    if (w == null) {
      return;
    }
    Held h = held.get(host);
    if (h != null && !Renewal.due(h.notBefore(), h.notAfter(), Instant.now())) {
      return;
    }
    Failing f = failing.get(host);
    if (f != null && Instant.now().isBefore(f.nextAttempt())) {
      return;
    }
    if (queued.add(host)) {
      try {
        w.execute(() -> attempt(host));
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        queued.remove(host);
      }
    }
  }

  /** Every name Pier serves and where it stands, the panel's first. */
  public List<NameStatus> statuses() {
    List<NameStatus> out = new ArrayList<>();
    for (String host : names()) {
      Held h = held.get(host);
      Failing f = failing.get(host);
      String state = f != null ? "failed" : h != null && !Renewal.due(h.notBefore(), h.notAfter(), Instant.now()) ? "issued" : "pending";
      out.add(new NameStatus(host, state, h == null ? null : h.notAfter(), h == null ? null : h.issuer(),
          f == null ? 0 : f.failures(), f == null ? null : f.lastError(), f == null ? null : f.nextAttempt()));
    }
    return out;
  }

  /** The panel's name, then every site's, sorted. */
  private List<String> names() {
    List<String> names = new ArrayList<>();
    names.add(props.domain());
    Set<String> siteNames = new TreeSet<>();
    for (Site s : sites.all()) {
      siteNames.add(props.hostname(s.name().value()));
    }
    names.addAll(siteNames);
    return names;
  }

  /** On the worker: orders what is missing or due; forgets the certificates of names Pier no longer serves. */
  private void sweep() {
    try {
      List<String> names = names();
      for (String host : names) {
        want(host);
      }
      for (String host : List.copyOf(held.keySet())) {
        if (!names.contains(host)) {
          held.remove(host);
          failing.remove(host);
          dev.pier.engine.util.MoreFiles.deleteRecursively(dir.resolve(host));
          log.info("removed the ACME certificate of {}, which Pier no longer serves", host);
        }
      }
    } catch (RuntimeException e) {
      log.warn("ACME renewal check failed: {}", e.getMessage(), e);
    }
  }

  /** On the worker: one order for {@code host}; on failure, schedules the next attempt. */
  private void attempt(String host) {
    queued.remove(host);
    if (!names().contains(host)) {
      failing.remove(host);
      return; // the site went away meanwhile
    }
    try {
      Held h = order(host);
      held.put(host, h);
      failing.remove(host);
      log.info("ACME certificate for {} issued by {}, valid until {}", host, h.issuer(), h.notAfter());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      Failing before = failing.get(host);
      int failures = before == null ? 1 : before.failures() + 1;
      Duration retryAfter = null;
      if (e instanceof AcmeRateLimitedException limited && limited.getRetryAfter().isPresent()) {
        retryAfter = Duration.between(Instant.now(), limited.getRetryAfter().get());
      }
      Duration wait = Renewal.retryDelay(failures, props.acme().retryMin(), props.acme().retryMax(), retryAfter);
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      failing.put(host, new Failing(failures, reason, Instant.now().plus(wait)));
      login = null; // the next attempt starts a new session (the CA may have been restarted, say)
      log.warn("ACME certificate for {} failed ({} in a row): {}; trying again in {}", host, failures, reason, wait);
      ScheduledExecutorService w = worker;
      if (w != null && !w.isShutdown()) {
        w.schedule(() -> want(host), wait.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Orders, proves and downloads a certificate for {@code host}, and keeps it on disk. */
  private Held order(String host) throws AcmeException, InterruptedException, IOException, GeneralSecurityException {
    Login l = login();
    Order order = l.getAccount().newOrder().domain(host).create();
    for (Authorization auth : order.getAuthorizations()) {
      if (auth.getStatus() == Status.VALID) {
        continue;
      }
      Http01Challenge challenge = auth.findChallenge(Http01Challenge.class)
          .orElseThrow(() -> new AcmeException("the CA offers no HTTP-01 challenge for " + host));
      tokens.put(challenge.getToken(), challenge.getAuthorization());
      try {
        challenge.trigger();
        Status s = challenge.waitForCompletion(STEP_TIMEOUT);
        if (s != Status.VALID) {
          throw new AcmeException("the CA could not check " + host + " over HTTP: "
              + challenge.getError().map(Object::toString).orElse("status " + s));
        }
      } finally {
        tokens.remove(challenge.getToken());
      }
    }
    KeyPair domainKey = InternalCa.ecKeyPair();
    order.waitUntilReady(STEP_TIMEOUT);
    order.execute(domainKey);
    Status s = order.waitForCompletion(STEP_TIMEOUT);
    if (s != Status.VALID) {
      throw new AcmeException("the CA did not issue the certificate for " + host + ": "
          + order.getError().map(Object::toString).orElse("status " + s));
    }
    List<X509Certificate> chain = order.getCertificate().getCertificateChain();
    Held issued = held(domainKey.getPrivate(), chain);
    try {
      keep(host, domainKey.getPrivate(), chain);
    } catch (IOException | RuntimeException e) { // served anyway: the CA counts every certificate it issues
      log.error("ACME certificate for {} issued but not kept on disk (it is ordered again after a restart): {}", host, e.getMessage());
    }
    return issued;
  }

  /**
   * Writes the key and chain of {@code host} as a pair: both into a new directory, which then replaces the old one, so
   * a failure half-way never leaves a key beside another key's certificate.
   */
  private void keep(String host, PrivateKey key, List<X509Certificate> chain) throws IOException {
    Path hostDir = dir.resolve(host);
    Path fresh = dir.resolve("." + host + ".new");
    dev.pier.engine.util.MoreFiles.deleteRecursively(fresh);
    Files.createDirectories(fresh);
    InternalCa.writePrivate(fresh.resolve("key.pem"), InternalCa.Pem.encode(key));
    StringBuilder pem = new StringBuilder();
    for (X509Certificate c : chain) {
      pem.append(InternalCa.Pem.encode(c));
    }
    InternalCa.writeAtomically(fresh.resolve("chain.pem"), pem.toString());
    dev.pier.engine.util.MoreFiles.renameThenDelete(hostDir);
    Files.move(fresh, hostDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static Held held(PrivateKey key, List<X509Certificate> chain) throws javax.net.ssl.SSLException {
    X509Certificate leaf = chain.getFirst();
    return new Held(SiteCertificates.context(key, chain), leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(),
        leaf.getIssuerX500Principal().getName());
  }

  /**
   * Loads the certificates kept from the CA configured now. Those of another CA (a test CA before the real one, say)
   * are dropped: they would be served, untrusted, until their renewal.
   */
  private void loadKept() {
    Path from = dir.resolve("directory");
    try {
      Files.createDirectories(dir);
      if (Files.exists(from) && !Files.readString(from).strip().equals(directory())) {
        log.info("the ACME directory changed from {}: its certificates are dropped and ordered again from {}",
            Files.readString(from).strip(), directory());
        try (var dirs = Files.list(dir)) {
          for (Path d : dirs.filter(Files::isDirectory).toList()) {
            dev.pier.engine.util.MoreFiles.deleteRecursively(d);
          }
        }
      }
      InternalCa.writeAtomically(from, directory() + "\n");
      try (var dirs = Files.list(dir)) { // what a crash left: a new pair not yet in place becomes the current one
        for (Path d : dirs.filter(Files::isDirectory).filter(d -> d.getFileName().toString().startsWith(".")).toList()) {
          String name = d.getFileName().toString();
          Path target = dir.resolve(name.substring(1, Math.max(1, name.length() - ".new".length())));
          if (name.endsWith(".new") && !Files.exists(target) && Files.exists(d.resolve("chain.pem")) && Files.exists(d.resolve("key.pem"))) {
            Files.move(d, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          } else {
            dev.pier.engine.util.MoreFiles.deleteRecursively(d);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep ACME certificates in " + dir, e);
    }
    try (var dirs = Files.list(dir)) {
      for (Path d : dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
          .sorted(Comparator.naturalOrder()).toList()) {
        try {
          List<X509Certificate> chain = InternalCa.Pem.certificates(Files.readString(d.resolve("chain.pem")));
          PrivateKey key = InternalCa.Pem.privateKey(Files.readString(d.resolve("key.pem")));
          if (!SiteCertificates.matches(key, chain.getFirst())) {
            throw new IOException("the key does not belong to the certificate");
          }
          held.put(d.getFileName().toString(), held(key, chain));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
          log.warn("cannot load the ACME certificate in {} (it will be ordered again): {}", d, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** The account, made at the CA (or found again, by its key) at the first order of this session. */
  private Login login() throws AcmeException, IOException, GeneralSecurityException {
    if (login == null) {
      AccountBuilder account = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey());
      String email = props.acme().email();
      if (email != null && !email.isBlank()) {
        account.addEmail(email.strip());
      }
      login = account.createLogin(session());
    }
    return login;
  }

  private KeyPair accountKey() throws IOException, GeneralSecurityException {
    Path file = props.dataDir().resolve("acme").resolve("account-key.pem");
    if (Files.exists(file)) {
      return InternalCa.Pem.keyPair(Files.readString(file));
    }
    KeyPair key = InternalCa.ecKeyPair();
    Files.createDirectories(file.getParent());
    InternalCa.writePrivate(file, InternalCa.Pem.encode(key));
    return key;
  }

  private Session session() throws IOException, GeneralSecurityException {
    URI uri = URI.create(directory());
    Path trust = props.acme().trust();
    if (trust == null || trust.toString().isEmpty()) {
      return new Session(uri);
    }
    SSLContext ssl = trusting(trust);
    return new Session(uri, new GenericAcmeProvider() {
      @Override
      protected HttpConnector createHttpConnector(NetworkSettings settings) {
        return new HttpConnector(settings) {
          @Override
          public HttpClient.Builder createClientBuilder() {
            return super.createClientBuilder().sslContext(ssl);
          }
        };
      }
    });
  }

  /** TLS that trusts only the certificates in {@code pem} (a private CA's ACME server). */
  static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (X509Certificate c : InternalCa.Pem.certificates(Files.readString(pem))) {
      store.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }
}
