package dev.pier.server.ssh;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Pier's SSH server ({@code pier.sftp.*}): SFTP into users' sites and git push, on one port.
 *
 * @param port the port, IPv4 and IPv6; 0 picks a free one (tests); -1 runs no SSH server
 */
@ConfigurationProperties("pier.sftp")
public record SshProperties(@DefaultValue("2222") int port) {

  public SshProperties {
    if (port < -1 || port > 65535) {
      throw new IllegalArgumentException("pier.sftp.port=" + port + " is not a port: give 1 to 65535, 0 for any free one, or -1 for none");
    }
  }
}
