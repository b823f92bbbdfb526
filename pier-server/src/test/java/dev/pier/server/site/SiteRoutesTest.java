package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.Route;
import dev.pier.edge.RouteTable;
import dev.pier.engine.site.SiteName;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiteRoutesTest {

  private static Site site(String name, SiteState state, String ip) {
    return new Site(SiteName.of(name), "alice", state, ip, "static", null, "medium", Instant.EPOCH, Instant.EPOCH, null, RestartPolicy.ON_FAILURE, 0, null);
  }

  private final InetSocketAddress panel = new InetSocketAddress("127.0.0.1", 9000);
  private final RouteTable table = SiteRoutes.table("example.org", panel, List.of(
      site("blog", SiteState.RUNNING, "10.1.1.1"),
      site("shop", SiteState.STOPPED, "10.1.1.2"),
      site("boot", SiteState.STARTING, "10.1.1.3"),
      site("gone", SiteState.DELETING, "10.1.1.4")));

  @Test
  void runningSitesGoToTheirContainersPort80() {
    assertThat(table.resolve("blog.example.org")).isEqualTo(new Route.Upstream("blog", new InetSocketAddress("10.1.1.1", 80)));
    assertThat(table.resolve("BLOG.Example.org:8080")).isInstanceOf(Route.Upstream.class);
  }

  @Test
  void sitesThatDoNotRunGetTheStoppedPage() {
    assertThat(table.resolve("shop.example.org")).isEqualTo(new Route.Stopped("shop"));
    assertThat(table.resolve("boot.example.org")).isEqualTo(new Route.Stopped("boot"));
  }

  @Test
  void aSiteGoingToSleepIsWokenByItsNextVisitorAndOneBeingStoppedShowsTheStoppedPage() {
    Site stopping = site("nap", SiteState.STOPPING, "10.1.1.5");
    Site dozing = new Site(stopping.name(), "alice", SiteState.STOPPING, "10.1.1.5", "static", null, "medium", Instant.EPOCH,
        Instant.EPOCH, null, RestartPolicy.ON_FAILURE, 0, null, Site.Web.DEFAULT, SiteWish.SLEEPING, 1);
    assertThat(SiteRoutes.route(dozing)).contains(new Route.Sleeping("nap"));
    Site wokenWhileDozing = new Site(stopping.name(), "alice", SiteState.STOPPING, "10.1.1.5", "static", null, "medium", Instant.EPOCH,
        Instant.EPOCH, null, RestartPolicy.ON_FAILURE, 0, null, Site.Web.DEFAULT, SiteWish.RUNNING, 2);
    assertThat(SiteRoutes.route(wokenWhileDozing)).as("to start again once stopped").contains(new Route.Sleeping("nap"));
    assertThat(SiteRoutes.route(stopping)).contains(new Route.Stopped("nap"));
  }

  @Test
  void deletedAndUnknownSitesAreNotFoundAndTheApexIsThePanel() {
    assertThat(table.resolve("gone.example.org")).isInstanceOf(Route.NotFound.class);
    assertThat(table.resolve("nope.example.org")).isInstanceOf(Route.NotFound.class);
    assertThat(table.resolve("example.org")).isEqualTo(new Route.Panel(panel));
  }
}
