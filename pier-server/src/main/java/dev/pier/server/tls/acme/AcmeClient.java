package dev.pier.server.tls.acme;

import dev.pier.server.dns.DnsChallenges;
import dev.pier.server.tls.pki.CertifiedKey;
import dev.pier.server.tls.pki.Keys;
import dev.pier.server.tls.pki.Pem;
import dev.pier.server.tls.store.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import java.util.ArrayList;
import java.util.List;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * The ACME protocol (RFC 8555) with one CA, through acme4j: the account (made at the first order, or found again by its
 * key), and orders of one name each, proved with HTTP-01, or of a domain and its wildcard, proved with DNS-01. Not
 * thread-safe: one caller (Pier's ACME worker) at a time.
 */
public final class AcmeClient {

  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);

  private final String directory;
  private final Path trust;
  private final String email;
  private final Path accountKeyFile;
  private final Map<String, String> challenges;
  /** The logged-in account; made at the first order of a session. */
  private Login login;

  /**
   * @param directory the CA's directory URL
   * @param trust a PEM file of the CA(s) the ACME server's own HTTPS certificate chains to; null or empty: the JDK's
   * @param email a contact given to the CA; null or blank: none
   * @param accountKeyFile where the account's key is kept (made there, mode 0600, if missing)
   * @param challenges where the answers to the challenges in progress are put while the CA checks them (token to key
   *     authorization), for the edge to serve
   */
  public AcmeClient(String directory, Path trust, String email, Path accountKeyFile, Map<String, String> challenges) {
    this.directory = directory;
    this.trust = trust;
    this.email = email;
    this.accountKeyFile = accountKeyFile;
    this.challenges = challenges;
  }

  /** Orders, proves and downloads a certificate for {@code host}, with a new key. */
  public CertifiedKey order(String host) throws AcmeException, InterruptedException, IOException, GeneralSecurityException {
    Order order = login().getAccount().newOrder().domain(host).create();
    for (Authorization auth : order.getAuthorizations()) {
      if (auth.getStatus() == Status.VALID) {
        continue;
      }
      Http01Challenge challenge = auth.findChallenge(Http01Challenge.class)
          .orElseThrow(() -> new AcmeException("the CA offers no HTTP-01 challenge for " + host));
      challenges.put(challenge.getToken(), challenge.getAuthorization());
      try {
        challenge.trigger();
        Status s = challenge.waitForCompletion(STEP_TIMEOUT);
        if (s != Status.VALID) {
          throw new AcmeException("the CA could not check " + host + " over HTTP: "
              + challenge.getError().map(Object::toString).orElse("status " + s));
        }
      } finally {
        challenges.remove(challenge.getToken());
      }
    }
    return finish(order, host);
  }

  /**
   * Orders one certificate for {@code names} (a domain and {@code *.DOMAIN}), every authorization proved with DNS-01:
   * all the answers are put at once (the domain's and its wildcard's share one name), the CA told, and the answers
   * removed whatever happened.
   */
  public CertifiedKey orderByDns(List<String> names, DnsChallenges dns)
      throws AcmeException, InterruptedException, IOException, GeneralSecurityException {
    Order order = login().getAccount().newOrder().domains(names).create();
    List<Dns01Challenge> challenges = new ArrayList<>();
    for (Authorization auth : order.getAuthorizations()) {
      if (auth.getStatus() != Status.VALID) {
        challenges.add(auth.findChallenge(Dns01Challenge.class)
            .orElseThrow(() -> new AcmeException("the CA offers no DNS-01 challenge for " + auth.getIdentifier().getDomain())));
      }
    }
    List<String> values = challenges.stream().map(Dns01Challenge::getDigest).distinct().toList();
    if (!values.isEmpty()) {
      dns.put(values);
      Exception failure = null;
      try {
        for (Dns01Challenge c : challenges) {
          c.trigger();
        }
        for (Dns01Challenge c : challenges) {
          Status s = c.waitForCompletion(STEP_TIMEOUT);
          if (s != Status.VALID) {
            throw new AcmeException("the CA could not check " + String.join(" and ", names) + " by DNS: "
                + c.getError().map(Object::toString).orElse("status " + s));
          }
        }
      } catch (AcmeException | InterruptedException | RuntimeException e) {
        failure = e;
        throw e;
      } finally {
        try {
          dns.remove(values);
        } catch (IOException | RuntimeException e) { // the CA's own failure, if any, is the one told
          if (failure == null) {
            throw e;
          }
          failure.addSuppressed(e);
        }
      }
    }
    return finish(order, String.join(" and ", names));
  }

  private CertifiedKey finish(Order order, String host) throws AcmeException, InterruptedException, GeneralSecurityException {
    KeyPair domainKey = Keys.newEcKeyPair();
    order.waitUntilReady(STEP_TIMEOUT);
    order.execute(domainKey);
    Status s = order.waitForCompletion(STEP_TIMEOUT);
    if (s != Status.VALID) {
      throw new AcmeException("the CA did not issue the certificate for " + host + ": "
          + order.getError().map(Object::toString).orElse("status " + s));
    }
    return new CertifiedKey(domainKey.getPrivate(), order.getCertificate().getCertificateChain());
  }

  /** Ends the session: the next order logs in again (the CA may have been restarted, say). */
  public void endSession() {
    login = null;
  }

  /** How long the CA asked to wait before the next attempt, if {@code failure} is its refusal saying so; else null. */
  public static Duration retryAfter(Exception failure, Instant now) {
    if (failure instanceof AcmeRateLimitedException limited && limited.getRetryAfter().isPresent()) {
      return Duration.between(now, limited.getRetryAfter().get());
    }
    return null;
  }

  private Login login() throws AcmeException, IOException, GeneralSecurityException {
    if (login == null) {
      AccountBuilder account = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey());
      if (email != null && !email.isBlank()) {
        account.addEmail(email.strip());
      }
      login = account.createLogin(session());
    }
    return login;
  }

  private KeyPair accountKey() throws IOException, GeneralSecurityException {
    if (Files.exists(accountKeyFile)) {
      return Pem.keyPair(Files.readString(accountKeyFile));
    }
    KeyPair key = Keys.newEcKeyPair();
    Files.createDirectories(accountKeyFile.getParent());
    AtomicFiles.writePrivate(accountKeyFile, Pem.encode(key));
    return key;
  }

  private Session session() throws IOException, GeneralSecurityException {
    URI uri = URI.create(directory);
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
  public static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (X509Certificate c : Pem.certificates(Files.readString(pem))) {
      store.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }
}
