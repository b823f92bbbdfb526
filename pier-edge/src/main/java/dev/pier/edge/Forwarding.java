package dev.pier.edge;

import io.netty.channel.Channel;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Who the client of one connection is, as the edge tells it: its address as text (for access logs), and the header
 * lines the edge sets on its requests ({@link ProxyHeaders#forwardingLines}), made once per connection and host.
 */
final class Forwarding {

  private final Channel channel;
  private final boolean tls;
  private InetAddress client;
  private String clientText;
  private String portText;
  private byte[] lines;
  private String linesHost;

  Forwarding(Channel channel, boolean tls) {
    this.channel = channel;
    this.tls = tls;
  }

  /** The client's address as text (IPv6 compressed), or null if unknown. */
  String clientText() {
    if (clientText == null && channel.remoteAddress() instanceof InetSocketAddress address) {
      client = address.getAddress();
      clientText = NetUtil.toAddressString(client);
    }
    return clientText;
  }

  /** The forwarding header lines of a request naming {@code host} (null: none), each ending in CRLF. */
  byte[] lines(String host) {
    if (lines == null || !Objects.equals(host, linesHost)) {
      if (portText == null) {
        portText = Integer.toString(channel.localAddress() instanceof InetSocketAddress address ? address.getPort() : 0);
      }
      String text = clientText();
      lines = ProxyHeaders.forwardingLines(client, text, tls, host, portText);
      linesHost = host;
    }
    return lines;
  }
}
