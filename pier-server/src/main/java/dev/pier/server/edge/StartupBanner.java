package dev.pier.server.edge;

import dev.pier.server.config.PierProperties;
import dev.pier.server.dns.DnsService;
import dev.pier.server.ssh.SshServerLifecycle;
import java.nio.file.Files;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells the operator, once Pier is up, where the panel and sites are and where the admin password is. */
@Component
class StartupBanner {

  private final PierProperties props;
  private final EdgeLifecycle edge;
  private final SshServerLifecycle ssh;
  private final DnsService dns;

  StartupBanner(PierProperties props, EdgeLifecycle edge, SshServerLifecycle ssh, DnsService dns) {
    this.props = props;
    this.edge = edge;
    this.ssh = ssh;
    this.dns = dns;
  }

  @EventListener(ApplicationReadyEvent.class)
  void ready() {
    int port = edge.httpPort();
    String p = port == 80 ? "" : ":" + port;
    var password = props.dataDir().resolve("initial-admin-password");
    StringBuilder b = new StringBuilder("\nPier is running.\n");
    if (edge.httpsPort() > 0) {
      int tls = edge.httpsPort();
      String t = tls == 443 ? "" : ":" + tls;
      b.append("  Panel:  https://").append(props.domain()).append(t).append("/   (IPv4 and IPv6; plain HTTP redirects to it)\n")
          .append("  Sites:  http://NAME.").append(props.domain()).append(p).append("/ and https://NAME.").append(props.domain()).append(t)
          .append("/\n  HTTPS certificates from Pier's own CA: trust ").append(props.dataDir().resolve("ca.pem"))
          .append(" (also at http://").append(props.domain()).append(p).append("/ca.pem)\n");
    } else {
      b.append("  Panel:  http://").append(props.domain()).append(p).append("/   (IPv4 and IPv6)\n")
          .append("  Sites:  http://NAME.").append(props.domain()).append(p).append("/\n");
    }
    if (ssh.port() > 0) {
      b.append("  SFTP and git push:  sftp -P ").append(ssh.port()).append(" USER@").append(props.domain())
          .append("   (host key ").append(ssh.fingerprint()).append(")\n");
    }
    if (dns.summary() != null) {
      b.append("  DNS:    ").append(dns.summary()).append('\n');
    }
    if (props.ldap().embedded() && Files.exists(password)) {
      b.append("  Log in as admin with the password in ").append(password).append('\n');
    }
    b.append("  Data:   ").append(props.dataDir()).append('\n')
        .append("  Ctrl-C stops Pier; running sites keep running and are picked up at the next start.\n");
    System.out.println(b);
  }
}
