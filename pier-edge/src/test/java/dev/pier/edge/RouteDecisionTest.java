package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a request head goes, decided from the route table alone: no Netty, no sockets. */
class RouteDecisionTest {

  private static final InetSocketAddress PANEL = InetSocketAddress.createUnresolved("panel", 8080);
  private static final InetSocketAddress BLOG = InetSocketAddress.createUnresolved("blog", 80);
  private static final Route.Policy HTTPS_ONLY = new Route.Policy(true, true, 1000);

  private final RouteTable routes = new RouteTable("example.org", PANEL, Map.of(
      "blog", new Route.Upstream("blog", BLOG, HTTPS_ONLY),
      "shop", new Route.Stopped("shop"),
      "nap", new Route.Sleeping("nap"),
      "wiki", new Route.Upstream("wiki", BLOG)));
  private final Map<String, String> pending = Map.of("tok-1_A", "tok-1_A.thumb");

  private static RequestHead get(String host, String uri) {
    return new RequestHead("GET", uri, true, host == null ? List.of() : List.of(host), List.of(), -1, false);
  }

  private RouteDecision plain(RequestHead head) {
    return RouteDecision.decide(head, routes, false, 8443, pending::get, true, false, false);
  }

  @Test
  void theApexGoesToThePanelAndASiteToItsAddress() {
    assertThat(RouteDecision.decide(get("example.org", "/"), routes, true, 443, pending::get, true, false, true)).as("on 80 and 443")
        .isEqualTo(new RouteDecision.Forward(null, PANEL, "The panel", Route.Policy.PANEL));
    assertThat(RouteDecision.decide(get("example.org", "/"), routes, true, 8443, pending::get, true, false, false)).as("other ports")
        .isEqualTo(new RouteDecision.Forward(null, PANEL, "The panel", Route.Policy.PANEL_NO_HSTS));
    assertThat(plain(get("WIKI.example.org:80", "/x"))).isEqualTo(
        new RouteDecision.Forward("wiki", BLOG, "The site wiki", Route.Policy.DEFAULT));
  }

  @Test
  void thePanelOverPlainHttpIsRedirectedButItsCaAndTheApiFromTheHostItself() {
    assertThat(plain(get("example.org", "/sites/blog?tab=files"))).isEqualTo(
        new RouteDecision.RedirectToHttps(null, "https://example.org:8443/sites/blog?tab=files"));
    assertThat(plain(get("example.org", "/login"))).isInstanceOf(RouteDecision.RedirectToHttps.class);
    assertThat(plain(get("example.org", "http://example.org/api/v1/sites"))).isEqualTo(
        new RouteDecision.ApiOverHttp("https://example.org:8443/api/v1/sites"));
    assertThat(plain(get("example.org", "/api/v1/sites"))).isEqualTo(
        new RouteDecision.ApiOverHttp("https://example.org:8443/api/v1/sites"));
    assertThat(plain(get("example.org", "/apix"))).isInstanceOf(RouteDecision.RedirectToHttps.class);
    RouteDecision.Forward panel = new RouteDecision.Forward(null, PANEL, "The panel", Route.Policy.PANEL_NO_HSTS);
    assertThat(plain(get("example.org", "/ca.pem"))).isEqualTo(panel);
    assertThat(RouteDecision.decide(get("example.org", "/api/v1/sites"), routes, false, 8443, pending::get, true, true, false))
        .as("a script on the host").isEqualTo(panel);
    assertThat(RouteDecision.decide(get("example.org", "/login"), routes, false, 8443, pending::get, true, true, false))
        .as("a browser on the host").isInstanceOf(RouteDecision.RedirectToHttps.class);
    assertThat(RouteDecision.decide(get("example.org", "/login"), routes, false, -1, pending::get, true, false, false))
        .as("no HTTPS served").isEqualTo(panel);
  }

  @Test
  void stoppedSleepingAndUnknownSites() {
    assertThat(plain(get("shop.example.org", "/"))).isEqualTo(new RouteDecision.Stopped("shop"));
    assertThat(plain(get("nap.example.org", "/"))).isEqualTo(new RouteDecision.Wake("nap"));
    assertThat(RouteDecision.decide(get("nap.example.org", "/"), routes, false, 8443, pending::get, false, false, false))
        .isEqualTo(new RouteDecision.CannotWake("nap"));
    assertThat(plain(get("Other.Example.org.", "/"))).isEqualTo(new RouteDecision.NotFound("other.example.org"));
  }

  @Test
  void anHttpsOnlySiteIsRedirectedOverPlainHttpAndForwardedOverHttps() {
    assertThat(plain(get("blog.example.org:8080", "/a?b=c"))).isEqualTo(
        new RouteDecision.RedirectToHttps("blog", "https://blog.example.org:8443/a?b=c"));
    assertThat(RouteDecision.decide(get("blog.example.org", "*"), routes, false, 443, pending::get, true, false, false)).isEqualTo(
        new RouteDecision.RedirectToHttps("blog", "https://blog.example.org/"));
    assertThat(RouteDecision.decide(get("blog.example.org", "/"), routes, true, 8443, pending::get, true, false, false)).isEqualTo(
        new RouteDecision.Forward("blog", BLOG, "The site blog", HTTPS_ONLY));
    // without an HTTPS listener there is nowhere to send it
    assertThat(RouteDecision.decide(get("blog.example.org", "/"), routes, false, -1, pending::get, true, false, false))
        .isInstanceOf(RouteDecision.Forward.class);
  }

  @Test
  void aDeclaredBodyOverTheSitesLimitIsTooLarge() {
    RequestHead post = new RequestHead("POST", "/", true, List.of("blog.example.org"), List.of(), 1001, false);
    assertThat(RouteDecision.decide(post, routes, true, 8443, pending::get, true, false, false)).isEqualTo(new RouteDecision.TooLarge("blog", 1000));
    RequestHead fits = new RequestHead("POST", "/", true, List.of("blog.example.org"), List.of(), 1000, false);
    assertThat(RouteDecision.decide(fits, routes, true, 8443, pending::get, true, false, false)).isInstanceOf(RouteDecision.Forward.class);
  }

  @Test
  void acmeChallengesAreAnsweredOverPlainHttpForAnyHostBeforeRouting() {
    for (String host : List.of("shop.example.org", "nap.example.org", "blog.example.org", "nowhere.test")) {
      assertThat(plain(get(host, "/.well-known/acme-challenge/tok-1_A"))).isEqualTo(new RouteDecision.AcmeAnswer("tok-1_A.thumb"));
    }
    assertThat(plain(get("shop.example.org", "/.well-known/acme-challenge/unknown"))).isEqualTo(new RouteDecision.Stopped("shop"));
    assertThat(plain(get("shop.example.org", "/.well-known/acme-challenge/tok-1_A/../x"))).isEqualTo(new RouteDecision.Stopped("shop"));
    RequestHead post = new RequestHead("POST", "/.well-known/acme-challenge/tok-1_A", true, List.of("shop.example.org"), List.of(), -1, false);
    assertThat(plain(post)).isEqualTo(new RouteDecision.Stopped("shop"));
    assertThat(RouteDecision.decide(get("shop.example.org", "/.well-known/acme-challenge/tok-1_A"), routes, true, 8443, pending::get, true, false, false))
        .isEqualTo(new RouteDecision.Stopped("shop"));
  }

  @Test
  void headsTheEdgeCannotTrustAreRefusedBeforeAnythingElse() {
    assertThat(plain(get(null, "/"))).isEqualTo(new RouteDecision.Refused(400, "The request has no Host header."));
    assertThat(plain(new RequestHead("GET", "/", false, List.of(), List.of(), -1, false))).isEqualTo(new RouteDecision.NotFound(""));
    assertThat(plain(new RequestHead("GET", "/.well-known/acme-challenge/tok-1_A", true, List.of("a", "b"), List.of(), -1, false)))
        .isEqualTo(new RouteDecision.Refused(400, "The request has more than one Host header."));
    assertThat(plain(new RequestHead("POST", "/", true, List.of("example.org"), List.of("gzip, chunked"), -1, false)))
        .isEqualTo(new RouteDecision.Refused(400, "The request's Transfer-Encoding is not \"chunked\" alone."));
    assertThat(plain(new RequestHead("POST", "/", true, List.of("wiki.example.org"), List.of(" Chunked "), -1, false)))
        .isInstanceOf(RouteDecision.Forward.class);
    assertThat(plain(new RequestHead("GET", "/", true, List.of("example.org"), List.of(), -1, true)))
        .isEqualTo(new RouteDecision.Refused(400, "The request has a header folded over several lines."));
    assertThat(plain(new RequestHead("CONNECT", "example.org:443", true, List.of("example.org"), List.of(), -1, false)))
        .isEqualTo(new RouteDecision.NotAProxy());
  }

  @Test
  void whatCountsAsTrafficOfASite() {
    assertThat(plain(get("wiki.example.org", "/")).keepsAwake()).isTrue();
    assertThat(plain(get("nap.example.org", "/")).keepsAwake()).isTrue();
    assertThat(plain(get("blog.example.org", "/")).keepsAwake()).isTrue(); // the redirect too
    assertThat(plain(get("shop.example.org", "/")).site()).isEqualTo("shop");
    assertThat(plain(get("shop.example.org", "/")).keepsAwake()).isFalse();
    assertThat(plain(get("example.org", "/")).site()).isNull();
    assertThat(plain(get("example.org", "/")).keepsAwake()).isFalse();
  }

  @Test
  void httpsLocationKeepsTheHostWithoutItsPortAndTheTarget() {
    assertThat(RouteDecision.httpsLocation("[::1]:8080", "/x", 8443)).isEqualTo("https://[::1]:8443/x");
    assertThat(RouteDecision.httpsLocation("blog.example.org", "/", 443)).isEqualTo("https://blog.example.org/");
  }
}
