package dev.pier.edge;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What the edge does with a request head, decided from the route table and the head alone: answer it itself (a
 * refusal, an ACME challenge, a redirect, a page for a stopped or unknown site), wake a sleeping site, or forward
 * it. {@link #decide} is pure; the {@link FrontendHandler} carries the decision out.
 */
sealed interface RouteDecision {

  /** The site the request is for, for its access log; null when it is for no site (the panel, a refusal). */
  default String site() {
    return null;
  }

  /** Whether the request counts as traffic of {@link #site()} (keeps it from being put to sleep). */
  default boolean keepsAwake() {
    return false;
  }

  /** A head the edge will not pass on: answered with {@code status} and the connection closed. */
  record Refused(int status, String reason) implements RouteDecision {}

  /** {@code CONNECT}: the edge is not a forward proxy (405). */
  record NotAProxy() implements RouteDecision {}

  /** An ACME HTTP-01 challenge the edge has the answer to (200, plain text). */
  record AcmeAnswer(String keyAuthorization) implements RouteDecision {}

  /** Plain HTTP to a site (or, with {@code site} null, the panel) served over HTTPS only: 308 to {@code location}. */
  record RedirectToHttps(String site, String location) implements RouteDecision {
    @Override
    public boolean keepsAwake() {
      return site != null;
    }
  }

  /**
   * The API over plain HTTP from another host while the edge serves HTTPS: 403 pointing to {@code location}, so that
   * no password crosses the network in the clear (scripts on the host itself keep plain HTTP).
   */
  record ApiOverHttp(String location) implements RouteDecision {}

  /** A declared body larger than the site accepts: 413, and the connection closed. */
  record TooLarge(String site, long maxBodyBytes) implements RouteDecision {
    @Override
    public boolean keepsAwake() {
      return true;
    }
  }

  /**
   * Forward to {@code address}.
   *
   * @param site the site's name, or null for the panel
   * @param target how error pages and logs name the upstream ("The site blog", "The panel")
   */
  record Forward(String site, InetSocketAddress address, String target, Route.Policy policy) implements RouteDecision {
    @Override
    public boolean keepsAwake() {
      return site != null;
    }
  }

  /** The site is stopped: 503 with its page. */
  record Stopped(String site) implements RouteDecision {}

  /** The site sleeps: wake it, hold the request, then decide again (with {@code mayWake} false). */
  record Wake(String site) implements RouteDecision {
    @Override
    public boolean keepsAwake() {
      return true;
    }
  }

  /** The site still sleeps after being woken: 503. */
  record CannotWake(String site) implements RouteDecision {
    @Override
    public boolean keepsAwake() {
      return true;
    }
  }

  /** No site by that name: 404 naming the normalized host. */
  record NotFound(String host) implements RouteDecision {}

  /**
   * Decides what to do with {@code head}. Pure: reads the table and asks {@code challenges} for a token's answer.
   *
   * @param tls whether the request came over HTTPS (ACME challenges are answered on plain HTTP only)
   * @param httpsPort the edge's HTTPS port, for redirects to it; -1 or 0 when the edge serves no HTTPS
   * @param mayWake whether a sleeping site may be woken (false once it was)
   * @param fromLoopback whether the client is on this host (it may use the API over plain HTTP)
   * @param panelHsts whether the panel's answers carry HSTS: only with HTTP on 80 and HTTPS on 443, as browsers keep any
   *     other port when they upgrade (http://DOMAIN:8080 would become https://DOMAIN:8080, where no TLS is spoken)
   */
  static RouteDecision decide(RequestHead head, RouteTable routes, boolean tls, int httpsPort, AcmeChallenges challenges,
      boolean mayWake, boolean fromLoopback, boolean panelHsts) {
    String refusal = refusal(head);
    if (refusal != null) {
      return new Refused(400, refusal);
    }
    if ("CONNECT".equals(head.method())) {
      return new NotAProxy();
    }
    String answer = tls ? null : challengeAnswer(head, challenges);
    if (answer != null) {
      return new AcmeAnswer(answer);
    }
    String host = head.host();
    return switch (routes.resolve(host)) {
      case Route.Panel panel -> {
        if (!tls && httpsPort > 0) {
          String path = path(head.uri());
          if (path.equals("/api") || path.startsWith("/api/")) {
            if (!fromLoopback) {
              yield new ApiOverHttp(httpsLocation(host, head.uri(), httpsPort));
            }
          } else if (!path.equals("/ca.pem")) { // what users fetch to trust Pier's CA, before HTTPS can be trusted
            yield new RedirectToHttps(null, httpsLocation(host, head.uri(), httpsPort));
          }
        }
        yield new Forward(null, panel.address(), "The panel", panelHsts ? Route.Policy.PANEL : Route.Policy.PANEL_NO_HSTS);
      }
      case Route.Upstream site -> {
        if (site.policy().httpsOnly() && !tls && httpsPort > 0) {
          yield new RedirectToHttps(site.site(), httpsLocation(host, head.uri(), httpsPort));
        }
        if (head.contentLength() > site.policy().maxBodyBytes()) {
          yield new TooLarge(site.site(), site.policy().maxBodyBytes());
        }
        yield new Forward(site.site(), site.address(), "The site " + site.site(), site.policy());
      }
      case Route.Stopped stopped -> new Stopped(stopped.site());
      case Route.Sleeping sleeping -> mayWake ? new Wake(sleeping.site()) : new CannotWake(sleeping.site());
      case Route.NotFound none -> new NotFound(none.host());
    };
  }

  /** Why a head is refused, or null: no or several Host headers, a Transfer-Encoding other than chunked, folding. */
  private static String refusal(RequestHead head) {
    if (head.hosts().isEmpty() && head.http11()) {
      return "The request has no Host header.";
    }
    if (head.hosts().size() > 1) {
      return "The request has more than one Host header.";
    }
    var codings = head.transferEncodings();
    if (!codings.isEmpty() && !(codings.size() == 1 && codings.get(0).strip().equalsIgnoreCase("chunked"))) {
      return "The request's Transfer-Encoding is not \"chunked\" alone.";
    }
    if (head.folded()) {
      return "The request has a header folded over several lines.";
    }
    return null;
  }

  /** The key authorization for an ACME HTTP-01 challenge request the edge has an answer for, or null. */
  private static String challengeAnswer(RequestHead head, AcmeChallenges challenges) {
    String uri = head.uri();
    if (!uri.startsWith(AcmeChallenges.PATH) || !("GET".equals(head.method()) || "HEAD".equals(head.method()))) {
      return null;
    }
    String token = uri.substring(AcmeChallenges.PATH.length());
    return token.isEmpty() || !token.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')
        ? null : challenges.keyAuthorization(token);
  }

  /** Whether a client at {@code address} is on this host. */
  static boolean loopback(SocketAddress address) {
    return address instanceof InetSocketAddress a && a.getAddress() != null && a.getAddress().isLoopbackAddress();
  }

  /** The path of a request target, in origin form or absolute form, without its query. */
  static String path(String uri) {
    String path = uri;
    int scheme = path.indexOf("://");
    if (!path.startsWith("/") && scheme > 0) {
      int slash = path.indexOf('/', scheme + 3);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  /** The same host and path over HTTPS: the port is left out when it is 443; a target that is no path becomes "/". */
  static String httpsLocation(String host, String uri, int httpsPort) {
    String name = host;
    if (name.startsWith("[")) {
      name = name.substring(0, name.indexOf(']') + 1);
    } else if (name.indexOf(':') >= 0) {
      name = name.substring(0, name.indexOf(':'));
    }
    String target = uri;
    int scheme = uri.indexOf("://");
    if (!uri.startsWith("/") && scheme > 0) { // absolute form: its path and query
      int slash = uri.indexOf('/', scheme + 3);
      target = slash < 0 ? "/" : uri.substring(slash);
    }
    return "https://" + name + (httpsPort == 443 ? "" : ":" + httpsPort) + (target.startsWith("/") ? target : "/");
  }
}
