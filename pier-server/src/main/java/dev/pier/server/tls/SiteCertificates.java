package dev.pier.server.tls;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.pier.edge.CertificateSource;
import dev.pier.server.config.PierProperties;
import dev.pier.server.site.SiteCreated;
import dev.pier.server.tls.store.CertificateStore;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The edge's HTTPS certificates: one per name Pier serves, the panel's ({@code DOMAIN}) and each existing site's
 * ({@code NAME.DOMAIN}), from three sources asked in this order (the first that has one serves it):
 *
 * <ol>
 *   <li>a certificate an admin uploaded that covers the name ({@link UploadedCertificates});
 *   <li>with an ACME directory configured, the ACME CA's ({@link AcmeCertificates});
 *   <li>Pier's internal CA's, issued on first use ({@link InternalCertificates}), which stands in until the ACME CA's
 *       arrives.
 * </ol>
 *
 * <p>An unknown name, or none, gets the panel's certificate, so no stranger can make Pier ask any CA for names of their
 * choosing. TLS 1.3 and 1.2 only, ECDSA keys for Pier's own.
 */
@Component
public class SiteCertificates implements CertificateSource {

  private static final Logger log = LoggerFactory.getLogger(SiteCertificates.class);

  /**
   * A certificate an admin uploaded, served for the names it carries (a wildcard covers one label).
   *
   * @param id where it is kept, {@code certs/uploaded/ID/}
   */
  public record Uploaded(String id, List<String> names, Instant notAfter, @JsonIgnore SslContext context) {

    public boolean covers(String host) {
      for (String n : names) {
        if (n.equals(host) || n.startsWith("*.") && host.endsWith(n.substring(1)) && host.indexOf('.') == host.length() - n.length() + 1) {
          return true;
        }
      }
      return false;
    }
  }

  /** The directories in {@code DATA-DIR/certs/} of the uploaded and the ACME CA's certificates, beside the internal CA's. */
  static final String UPLOADED_DIR = "uploaded";
  static final String ACME_DIR = "acme";

  private final PierProperties props;
  private final ServedNames names;
  private final UploadedCertificates uploaded;
  private final InternalCertificates internal;
  private final CertificateProviders providers;

  SiteCertificates(PierProperties props, ServedNames names, AcmeCertificates acme) {
    this.props = props;
    this.names = names;
    Path certs = props.dataDir().resolve("certs");
    this.uploaded = new UploadedCertificates(new CertificateStore(certs.resolve(UPLOADED_DIR)));
    this.internal = new InternalCertificates(new CertificateStore(certs, Set.of(ACME_DIR, UPLOADED_DIR)));
    this.providers = new CertificateProviders(List.of(uploaded, acme, internal));
  }

  /** The sources of certificates, in the order they are asked. */
  List<CertificateProvider> providers() {
    return providers.inOrder();
  }

  /** Loads the uploaded certificates; makes or loads the internal CA and publishes its certificate as {@code DATA-DIR/ca.pem}. */
  public void init() {
    uploaded.load();
    internal.start(InternalCa.loadOrCreate(props.dataDir().resolve("ca"), caPem(), props.domain()));
    log.info("internal certificate authority ready; users can trust {}", caPem());
  }

  /** Where the internal CA's certificate is published. */
  public Path caPem() {
    return props.dataDir().resolve("ca.pem");
  }

  /** The certificates admins uploaded, by id. */
  public List<Uploaded> uploaded() {
    return uploaded.list();
  }

  /**
   * Checks and keeps an admin's certificate: the PEM chain (leaf first) and its private key must belong together,
   * the leaf must be valid now and name at least one DNS name. Replaces an earlier upload for the same first name.
   *
   * @throws IllegalArgumentException saying what is wrong, keeping nothing
   */
  public Uploaded upload(String chainPem, String keyPem) {
    return uploaded.upload(chainPem, keyPem);
  }

  /** Forgets an uploaded certificate; its names get Pier's own certificates again. False if there is none by that id. */
  public boolean removeUploaded(String id) {
    return uploaded.remove(id);
  }

  /** The first source's certificate at hand, from memory: a known name costs no database query at each handshake. */
  @Override
  public SslContext ready(String serverName) {
    return providers.ready(names.atHandshake(serverName));
  }

  @Override
  public SslContext forHost(String serverName) {
    SslContext now = ready(serverName);
    return now != null ? now : providers.obtain(names.resolve(serverName));
  }

  /**
   * A site was created: its name gets its own certificate from the next handshake on, and with an ACME CA that
   * certificate is ordered now rather than at the first visit.
   */
  public void siteCreated(String host) {
    names.added(host);
    providers.added(host);
  }

  @EventListener
  void siteCreated(SiteCreated created) {
    siteCreated(created.hostname());
  }
}
