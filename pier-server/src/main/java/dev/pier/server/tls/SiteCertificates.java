package dev.pier.server.tls;

import dev.pier.edge.CertificateSource;
import dev.pier.engine.site.SiteName;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.SiteCreated;
import dev.pier.server.site.SiteRepository;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The edge's HTTPS certificates: one per name, for the panel ({@code DOMAIN}) and each existing site
 * ({@code NAME.DOMAIN}), issued by the {@link InternalCa} when first asked for and kept in
 * {@code DATA-DIR/certs/HOST/} (the key mode 0600) across restarts; issued again when {@link Renewal#due} says so
 * (30 days before the end). An unknown name, or none, gets the panel's certificate, so no stranger can
 * make Pier mint certificates for names of their choosing. TLS 1.3 and 1.2 only, ECDSA keys.
 */
@Component
public class SiteCertificates implements CertificateSource {

  private static final Logger log = LoggerFactory.getLogger(SiteCertificates.class);
  private record Entry(SslContext context, Instant notBefore, Instant notAfter) {

    /** Good to serve for a while yet: not due for renewal. */
    boolean fresh() {
      return !Renewal.due(notBefore, notAfter, Instant.now());
    }
  }

  /** BoringSSL through netty-tcnative where it loads (much faster handshakes), else the JDK's TLS. */
  static final io.netty.handler.ssl.SslProvider PROVIDER = io.netty.handler.ssl.OpenSsl.isAvailable()
      ? io.netty.handler.ssl.SslProvider.OPENSSL : io.netty.handler.ssl.SslProvider.JDK;

  private final PierProperties props;
  private final SiteRepository sites;
  private final AcmeCertificates acme;
  private final Path dir;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
  private volatile InternalCa ca;

  SiteCertificates(PierProperties props, SiteRepository sites, AcmeCertificates acme) {
    this.acme = acme;
    this.props = props;
    this.sites = sites;
    this.dir = props.dataDir().resolve("certs");
  }

  /**
   * A certificate an admin uploaded, served for the names it carries (a wildcard covers one label).
   *
   * @param id where it is kept, {@code certs/uploaded/ID/}
   */
  public record Uploaded(String id, List<String> names, Instant notAfter, @com.fasterxml.jackson.annotation.JsonIgnore SslContext context) {

    public boolean covers(String host) {
      for (String n : names) {
        if (n.equals(host) || n.startsWith("*.") && host.endsWith(n.substring(1)) && host.indexOf('.') == host.length() - n.length() + 1) {
          return true;
        }
      }
      return false;
    }
  }

  private final ConcurrentHashMap<String, Uploaded> uploaded = new ConcurrentHashMap<>();

  /** The certificates admins uploaded. */
  public List<Uploaded> uploaded() {
    return uploaded.values().stream().sorted(java.util.Comparator.comparing(Uploaded::id)).toList();
  }

  /**
   * Checks and keeps an admin's certificate: the PEM chain (leaf first) and its private key must belong together,
   * the leaf must be valid now and name at least one DNS name. Replaces an earlier upload for the same first name.
   *
   * @throws IllegalArgumentException saying what is wrong, keeping nothing
   */
  public Uploaded upload(String chainPem, String keyPem) {
    List<X509Certificate> chain;
    PrivateKey key;
    try {
      chain = InternalCa.Pem.certificates(chainPem == null ? "" : chainPem);
      key = InternalCa.Pem.privateKey(keyPem == null ? "" : keyPem);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("the certificate or key is not PEM text this server can read: " + e.getMessage());
    }
    X509Certificate leaf = chain.getFirst();
    try {
      leaf.checkValidity();
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException("the certificate is not valid now (" + leaf.getNotBefore() + " to " + leaf.getNotAfter() + ")");
    }
    if (!matches(key, leaf)) {
      throw new IllegalArgumentException("the private key does not belong to the certificate");
    }
    List<String> names = new java.util.ArrayList<>();
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      throw new IllegalArgumentException("the certificate's names cannot be read: " + e.getMessage());
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("the certificate names no DNS name (subject alternative name)");
    }
    String id = names.getFirst().replace("*", "_wildcard_").replaceAll("[^a-z0-9._-]", "_");
    Path d = dir.resolve("uploaded").resolve(id);
    try {
      Files.createDirectories(d);
      InternalCa.writePrivate(d.resolve("key.pem"), InternalCa.Pem.encode(key));
      StringBuilder pem = new StringBuilder();
      for (X509Certificate c : chain) {
        pem.append(InternalCa.Pem.encode(c));
      }
      InternalCa.writeAtomically(d.resolve("chain.pem"), pem.toString());
      Uploaded u = new Uploaded(id, List.copyOf(names), leaf.getNotAfter().toInstant(), entry(key, chain).context());
      uploaded.put(id, u);
      log.info("certificate for {} uploaded, valid until {}", names, u.notAfter());
      return u;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the uploaded certificate in " + d, e);
    }
  }

  /** Forgets an uploaded certificate; its names get Pier's own certificates again. */
  public boolean removeUploaded(String id) {
    Uploaded u = uploaded.remove(id);
    if (u != null) {
      dev.pier.engine.util.MoreFiles.deleteRecursively(dir.resolve("uploaded").resolve(id));
    }
    return u != null;
  }

  static boolean matches(PrivateKey key, X509Certificate cert) {
    try {
      String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : null;
      if (alg == null) {
        return false;
      }
      byte[] probe = new byte[32];
      new java.security.SecureRandom().nextBytes(probe);
      java.security.Signature s = java.security.Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      java.security.Signature v = java.security.Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private void loadUploaded() {
    Path root = dir.resolve("uploaded");
    if (!Files.isDirectory(root)) {
      return;
    }
    try (var dirs = Files.list(root)) {
      for (Path d : dirs.toList()) {
        try {
          List<X509Certificate> chain = InternalCa.Pem.certificates(Files.readString(d.resolve("chain.pem")));
          PrivateKey key = InternalCa.Pem.privateKey(Files.readString(d.resolve("key.pem")));
          List<String> names = new java.util.ArrayList<>();
          for (List<?> san : chain.getFirst().getSubjectAlternativeNames()) {
            if (Integer.valueOf(2).equals(san.get(0))) {
              names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
            }
          }
          String id = d.getFileName().toString();
          uploaded.put(id, new Uploaded(id, names, chain.getFirst().getNotAfter().toInstant(), entry(key, chain).context()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
          log.warn("cannot load the uploaded certificate in {}: {}", d, e.getMessage());
        }
      }
    } catch (IOException e) {
      log.warn("cannot list uploaded certificates: {}", e.getMessage());
    }
  }

  /** Makes or loads the internal CA and publishes its certificate as {@code DATA-DIR/ca.pem}. */
  public void init() {
    loadUploaded();
    ca = InternalCa.loadOrCreate(props.dataDir().resolve("ca"), caPem(), props.domain());
    log.info("internal certificate authority ready; users can trust {}", caPem());
  }

  /** Where the internal CA's certificate is published. */
  public Path caPem() {
    return props.dataDir().resolve("ca.pem");
  }

  /** An admin's certificate (a wildcard, say) first where it applies, then the ACME CA's, then one issued before. */
  @Override
  public SslContext ready(String serverName) {
    String asked = serverName == null ? props.domain() : serverName.toLowerCase(Locale.ROOT);
    for (Uploaded u : uploaded.values()) {
      if (u.covers(asked) && Instant.now().isBefore(u.notAfter())) {
        return u.context();
      }
    }
    SslContext fromAcme = acme.context(asked); // only names Pier serves ever get one
    if (fromAcme != null) {
      return fromAcme;
    }
    Entry cached = cache.get(asked); // a known name costs no database query at each handshake
    if (cached == null && (stranger(asked))) {
      cached = cache.get(props.domain()); // a name Pier does not serve gets the panel's certificate
    }
    return cached != null && cached.fresh() ? cached.context() : null;
  }

  /** Names asked for lately that are no site's, until when that answer holds: no database query for each. */
  private final ConcurrentHashMap<String, Instant> strangers = new ConcurrentHashMap<>();

  /**
   * A site was created: its name gets its own certificate from the next handshake on, and with an ACME CA that
   * certificate is ordered now rather than at the first visit.
   */
  @EventListener
  public void siteCreated(SiteCreated created) {
    strangers.remove(created.hostname());
    acme.want(created.hostname());
  }

  /** Whether {@code host} is certainly not a name Pier serves: outside the domain, or found to be no site's lately. */
  private boolean stranger(String host) {
    if (!host.equals(props.domain()) && !host.endsWith("." + props.domain())) {
      return true;
    }
    Instant until = strangers.get(host);
    return until != null && Instant.now().isBefore(until);
  }

  @Override
  public SslContext forHost(String serverName) {
    SslContext now = ready(serverName);
    if (now != null) {
      return now;
    }
    String asked = serverName == null ? props.domain() : serverName.toLowerCase(Locale.ROOT);
    String host = asked;
    if (!host.equals(props.domain()) && !isSite(host)) {
      if (strangers.size() > 10_000) {
        strangers.clear();
      }
      strangers.put(host, Instant.now().plusSeconds(60)); // a site made meanwhile gets its own within a minute
      host = props.domain();
    }
    acme.want(host); // with ACME, the internal CA's certificate stands in until the CA's arrives
    Entry e = cache.get(host);
    if (e == null || !e.fresh()) {
      e = cache.compute(host, (h, old) -> old != null && old.fresh() ? old : load(h));
    }
    return e.context();
  }

  /** The certificate chain served for {@code host} now (leaf first). */
  public List<X509Certificate> chain(String host) {
    try {
      return InternalCa.Pem.certificates(Files.readString(dir.resolve(host).resolve("chain.pem")));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("no certificate for " + host, e);
    }
  }

  private boolean isSite(String host) {
    if (!host.endsWith("." + props.domain())) {
      return false;
    }
    String label = host.substring(0, host.length() - props.domain().length() - 1);
    return SiteName.problem(label) == null && sites.find(SiteName.of(label)).isPresent();
  }

  /** From disk if still good for a while, else newly issued and saved. */
  private Entry load(String host) {
    Path hostDir = dir.resolve(host);
    Path keyFile = hostDir.resolve("key.pem");
    Path chainFile = hostDir.resolve("chain.pem");
    try {
      if (Files.exists(keyFile) && Files.exists(chainFile)) {
        Entry kept = entry(InternalCa.Pem.privateKey(Files.readString(keyFile)),
            InternalCa.Pem.certificates(Files.readString(chainFile)));
        if (kept.fresh()) {
          return kept;
        }
      }
      InternalCa.Issued issued = ca.issue(host);
      Files.createDirectories(hostDir);
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      InternalCa.writePrivate(keyFile, InternalCa.Pem.encode(issued.key()));
      StringBuilder pem = new StringBuilder();
      for (X509Certificate c : issued.chain()) {
        pem.append(InternalCa.Pem.encode(c));
      }
      InternalCa.writeAtomically(chainFile, pem.toString());
      log.info("issued a certificate for {} (valid until {})", host, issued.leaf().getNotAfter().toInstant());
      return entry(issued.key(), issued.chain());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the certificate for " + host + " in " + hostDir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the certificate for " + host + ": " + e.getMessage(), e);
    }
  }

  private static Entry entry(PrivateKey key, List<X509Certificate> chain) throws SSLException {
    X509Certificate leaf = chain.getFirst();
    return new Entry(context(key, chain), leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
  }

  /** The edge's TLS for one certificate: TLS 1.3 and 1.2, ALPN h2 then http/1.1. */
  static SslContext context(PrivateKey key, List<X509Certificate> chain) throws SSLException {
    return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
        .sslProvider(PROVIDER)
        .protocols("TLSv1.3", "TLSv1.2")
        .applicationProtocolConfig(new io.netty.handler.ssl.ApplicationProtocolConfig(
            io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
            io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            io.netty.handler.ssl.ApplicationProtocolNames.HTTP_2, io.netty.handler.ssl.ApplicationProtocolNames.HTTP_1_1))
        .build();
  }
}
