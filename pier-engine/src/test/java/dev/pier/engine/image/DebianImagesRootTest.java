package dev.pier.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.container.SiteSpec;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.limits.Limits;
import dev.pier.engine.host.RealHost;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.testing.TestHost;
import dev.pier.engine.testing.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The brief's Debian containers: images built with debootstrap from the host's apt source, Apache in the
 * foreground, PHP with SQLite. Real debootstrap, runc, bridge and netns, as root. Images are built once into
 * {@link TestImages#DIR} and reused by later runs while their recipe is unchanged.
 */
@Tag("root")
class DebianImagesRootTest {

  private TestHost host;
  private SiteEngine engine;
  private DebianImages images;
  private final ProcessRunner runner = new ProcessRunner();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void setUp() throws Exception {
    host = new TestHost();
    images = RealHost.debianImages(runner, TestImages.DIR);
    engine = new SiteEngine(host.config, RealHost.drivers(runner), new StaticImage(), images);
    engine.init();
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private Image ensure(ImageRecipe recipe) {
    Image image = images.ensure(recipe, host.dataDir.resolve(recipe.name() + ".log"));
    images.removeUnused(recipe.name(), java.util.Set.of(image.version())); // builds of older recipes
    return image;
  }

  private SiteSpec site(String base, int index, Image image) {
    String name = host.siteName(base);
    String gw = host.config.subnet().gatewayAddress();
    return new SiteSpec(SiteName.of(name), name + ".example.test", gw.substring(0, gw.lastIndexOf('.') + 1) + index,
        Limits.DEFAULT, SiteSpec.DEFAULT_DISK, image.ref());
  }

  private HttpResponse<String> get(String address, String forwardedFor) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/")).header("X-Forwarded-For", forwardedFor)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void phpSiteCountsVisitsInSqliteAndKeepsTheCountAcrossARestart() throws Exception {
    Image php = ensure(ImageRecipe.DEBIAN_PHP);
    assertThat(php.rootfs().resolve("usr/sbin/apache2")).exists();
    assertThat(Files.readString(php.rootfs().resolve("etc/pier-image"))).contains("packages=apache2 libapache2-mod-php php-sqlite3");
    SiteSpec s = site("php", 21, php);
    engine.prepare(s);
    engine.start(s);

    HttpResponse<String> first = get(s.address(), "203.0.113.7");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("<h1>" + s.name() + "</h1>").contains("with PHP 8").contains("<strong id=\"visits\">1</strong>");
    assertThat(get(s.address(), "203.0.113.7").body()).contains("<strong id=\"visits\">2</strong>");
    // Apache's access log is the site's output, with the client address the edge forwarded.
    assertThat(engine.readLog(s.name(), 64 << 10)).contains("203.0.113.7 - - [").contains("\"GET / HTTP/1.1\" 200");

    // SIGTERM stops Apache itself (no wait for SIGKILL); the count lives on the site's own disk.
    engine.stop(s, Duration.ofSeconds(60));
    assertThat(engine.readLog(s.name(), 64 << 10)).contains("caught SIGTERM, shutting down");
    engine.start(s);
    assertThat(get(s.address(), "203.0.113.8").body()).contains("<strong id=\"visits\">3</strong>");
    engine.remove(s);
    assertThat(TestHost.hostObjectsNamed(s.name().value())).isEmpty();
  }

  @Test
  void apacheSiteServesItsOwnPageNotDebiansPlaceholder() throws Exception {
    Image apache = ensure(ImageRecipe.DEBIAN_APACHE);
    SiteSpec s = site("apache", 22, apache);
    engine.prepare(s);
    engine.start(s);
    HttpResponse<String> page = get(s.address(), "198.51.100.1");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("This is the site <strong>" + s.name() + "</strong>").doesNotContain("It works");
    assertThat(page.headers().firstValue("server")).hasValueSatisfying(v -> assertThat(v).startsWith("Apache"));
    // The image is shared and in use while the site runs: it cannot be removed under it.
    assertThatThrownBy(() -> images.remove(apache.name(), apache.version())).hasMessageContaining("in use by a running site");
    engine.stop(s, Duration.ofSeconds(60));
  }

  @Test
  void aFailedBuildLeavesNoHalfImageAndItsLogSaysWhy() throws Exception {
    ImageRecipe broken = new ImageRecipe(host.siteName("broken"), List.of("pier-no-such-package"));
    Path log = host.dataDir.resolve("broken.log");
    try {
      assertThatThrownBy(() -> images.build(broken, images.newVersion(broken), log))
          .hasMessageContaining("cannot build image \"" + broken.name() + "\"");
      assertThat(images.versions(broken.name())).isEmpty();
      try (var left = Files.list(TestImages.DIR.resolve(broken.name()))) {
        assertThat(left.toList()).isEmpty();
      }
      assertThat(Files.readString(log)).contains("pier-no-such-package").contains("P: Build failed");
    } finally {
      images.removeAll(broken.name());
    }
  }
}
