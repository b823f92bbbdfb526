package dev.pier.edge;

import java.util.List;
import java.util.Objects;

/**
 * What routing needs of a request head, as plain values (no Netty), so that {@link RouteDecision} can be tested
 * on its own.
 *
 * @param method the method as sent, e.g. {@code GET}
 * @param uri the request target as sent, e.g. {@code /index.html?x=1}
 * @param http11 whether the request is HTTP/1.1 (an HTTP/1.0 request may come without a Host header)
 * @param hosts every Host header value, in order
 * @param transferEncodings every Transfer-Encoding header value, in order
 * @param contentLength the declared body length, or -1 when there is no Content-Length
 * @param folded whether a header line of the head was folded over several lines (obsolete line folding)
 */
record RequestHead(String method, String uri, boolean http11, List<String> hosts, List<String> transferEncodings,
    long contentLength, boolean folded) {

  RequestHead {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    hosts = List.copyOf(hosts);
    transferEncodings = List.copyOf(transferEncodings);
  }

  /** The first Host header, or null. */
  String host() {
    return hosts.isEmpty() ? null : hosts.get(0);
  }
}
