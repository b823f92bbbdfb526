package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static final InetSocketAddress PANEL = new InetSocketAddress("127.0.0.1", 8081);
  private static final Route BLOG = new Route.Upstream("blog", new InetSocketAddress("10.77.0.2", 80));
  private static final Route SHOP = new Route.Stopped("shop");

  private final RouteTable table = new RouteTable("example.org", PANEL, Map.of("blog", BLOG, "shop", SHOP));

  @Test
  void apexGoesToThePanel() {
    assertThat(table.resolve("example.org")).isEqualTo(new Route.Panel(PANEL));
    assertThat(table.resolve("EXAMPLE.org:8080")).isEqualTo(new Route.Panel(PANEL));
  }

  @Test
  void apexWithoutPanelIsNotFound() {
    assertThat(RouteTable.empty("example.org").resolve("example.org")).isEqualTo(new Route.NotFound("example.org"));
  }

  @Test
  void siteByNameInAnyCaseWithOrWithoutPort() {
    assertThat(table.resolve("blog.example.org")).isSameAs(BLOG);
    assertThat(table.resolve("Blog.EXAMPLE.Org")).isSameAs(BLOG);
    assertThat(table.resolve("blog.example.org:8080")).isSameAs(BLOG);
    assertThat(table.resolve("  blog.example.org  ")).isSameAs(BLOG);
    assertThat(table.resolve("shop.example.org")).isEqualTo(new Route.Stopped("shop"));
  }

  @Test
  void oneTrailingDotIsIgnored() {
    assertThat(table.resolve("blog.example.org.")).isSameAs(BLOG);
    assertThat(table.resolve("blog.example.org.:80")).isSameAs(BLOG);
    assertThat(table.resolve("example.org.")).isEqualTo(new Route.Panel(PANEL));
    assertThat(table.resolve("blog.example.org..")).isInstanceOf(Route.NotFound.class);
  }

  @Test
  void unknownHostsAreNotFoundWithTheNormalizedHost() {
    assertThat(table.resolve("wiki.example.org")).isEqualTo(new Route.NotFound("wiki.example.org"));
    assertThat(table.resolve("Other.NET:81")).isEqualTo(new Route.NotFound("other.net"));
    assertThat(table.resolve("blogexample.org")).isEqualTo(new Route.NotFound("blogexample.org"));
    assertThat(table.resolve(".example.org")).isEqualTo(new Route.NotFound(".example.org"));
    assertThat(table.resolve(null)).isEqualTo(new Route.NotFound(""));
    assertThat(table.resolve("")).isEqualTo(new Route.NotFound(""));
  }

  @Test
  void nestedLabelIsNotFound() {
    assertThat(table.resolve("a.blog.example.org")).isEqualTo(new Route.NotFound("a.blog.example.org"));
  }

  @Test
  void ipv6LiteralHostKeepsItsColons() {
    assertThat(table.resolve("[::1]:8080")).isEqualTo(new Route.NotFound("[::1]"));
    assertThat(table.resolve("[2001:DB8::1]")).isEqualTo(new Route.NotFound("[2001:db8::1]"));
    assertThat(table.resolve("127.0.0.1:8080")).isEqualTo(new Route.NotFound("127.0.0.1"));
  }

  @Test
  void domainMayHaveSeveralLabels() {
    RouteTable deep = new RouteTable("Pier.Example.ORG.", PANEL, Map.of("blog", BLOG));
    assertThat(deep.domain()).isEqualTo("pier.example.org");
    assertThat(deep.resolve("pier.example.org")).isEqualTo(new Route.Panel(PANEL));
    assertThat(deep.resolve("blog.pier.example.org")).isSameAs(BLOG);
    assertThat(deep.resolve("blog.example.org")).isInstanceOf(Route.NotFound.class);
    assertThat(deep.resolve("example.org")).isInstanceOf(Route.NotFound.class);
  }

  @Test
  void localhostDomain() {
    RouteTable local = RouteTable.empty("localhost").withSite("blog", BLOG);
    assertThat(local.resolve("blog.localhost:8080")).isSameAs(BLOG);
    assertThat(local.resolve("localhost")).isEqualTo(new Route.NotFound("localhost"));
  }

  @Test
  void withSiteAndWithoutSiteReturnCopies() {
    RouteTable added = table.withSite("wiki", SHOP);
    RouteTable replaced = table.withSite("BLOG", new Route.Stopped("blog"));
    RouteTable removed = table.withoutSite("blog");

    assertThat(added.resolve("wiki.example.org")).isEqualTo(SHOP);
    assertThat(replaced.resolve("blog.example.org")).isEqualTo(new Route.Stopped("blog"));
    assertThat(removed.resolve("blog.example.org")).isEqualTo(new Route.NotFound("blog.example.org"));
    assertThat(removed.resolve("shop.example.org")).isEqualTo(SHOP);
    assertThat(removed.resolve("example.org")).isEqualTo(new Route.Panel(PANEL));
    assertThat(table.withoutSite("nothing")).isSameAs(table);
    // the original is untouched
    assertThat(table.resolve("wiki.example.org")).isInstanceOf(Route.NotFound.class);
    assertThat(table.resolve("blog.example.org")).isSameAs(BLOG);
  }

  @Test
  void constructorCopiesTheMap() {
    Map<String, Route> sites = new HashMap<>(Map.of("blog", BLOG));
    RouteTable copy = new RouteTable("example.org", null, sites);
    sites.remove("blog");
    sites.put("wiki", SHOP);
    assertThat(copy.resolve("blog.example.org")).isSameAs(BLOG);
    assertThat(copy.resolve("wiki.example.org")).isInstanceOf(Route.NotFound.class);
  }

  @Test
  void rejectsInvalidNames() {
    assertThatThrownBy(() -> RouteTable.empty(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RouteTable.empty("example.org:80")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.withSite("a.b", BLOG)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.withSite("", BLOG)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.withSite("x", null)).isInstanceOf(NullPointerException.class);
  }
}
