package dev.pier.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AptSourceTest {

  @Test
  void readsTheReleaseFromDeb822SourcesSkippingUpdatesAndSecurity() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("/etc/apt/sources.list.d/debian.sources", """
        Types: deb
        # a comment
        URIs: http://archive.example/debian
        Suites: bookworm-updates bookworm
        Components: main contrib
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb
        URIs: http://archive.example/debian-security
        Suites: bookworm-security
        Components: main
        """);
    assertThat(AptSource.primary(files)).contains(new AptSource("http://archive.example/debian", "bookworm"));
  }

  @Test
  void readsOneLineSourcesWithOptionsAndIgnoresSourceOnlyAndDisabledOnes() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("/etc/apt/sources.list.d/off.sources", "Types: deb\nURIs: http://off.example/\nSuites: noble\nComponents: main\nEnabled: no\n");
    files.put("/etc/apt/sources.list.d/other.list.disabled", "deb http://disabled.example/ jammy main\n");
    files.put("/etc/apt/sources.list", """
        # deb http://commented.example/ focal main
        deb-src http://src.example/ubuntu noble main
        deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://archive.example/ubuntu noble main universe
        """);
    assertThat(AptSource.primary(files)).contains(new AptSource("http://archive.example/ubuntu", "noble"));
  }

  @Test
  void aSourceWithoutMainOrOnlyThirdPartySuitesIsNoRelease() {
    Map<String, String> files = Map.of("/etc/apt/sources.list.d/x.list", "deb https://vendor.example/apt stable-extra contrib\n"
        + "deb https://vendor.example/apt nodistro/ main\n");
    assertThat(AptSource.primary(files)).isEmpty();
  }

  @Test
  void refusesAddressesThatAreNotUrls() {
    assertThatThrownBy(() -> new AptSource("ftp://x/;rm", "bookworm")).hasMessageContaining("not an http");
    assertThatThrownBy(() -> new AptSource("http://x/", "../etc")).hasMessageContaining("not a release");
  }

  @Test
  void aMirrorListTakesItsFirstArchive() {
    Map<String, String> files = Map.of("/etc/apt/sources.list.d/debian.sources",
        "Types: deb\nURIs: mirror+file:///etc/apt/mirrors/debian.list\nSuites: bookworm bookworm-updates\nComponents: main\n");
    java.util.function.Function<String, String> lists = path -> path.equals("///etc/apt/mirrors/debian.list") || path.equals("/etc/apt/mirrors/debian.list")
        ? "# cloud mirrors\nhttps://mirror.example/debian\tpriority:1\nhttps://other.example/debian\n" : "";
    assertThat(AptSource.primary(files, lists)).contains(new AptSource("https://mirror.example/debian", "bookworm"));
    assertThat(AptSource.primary(files, path -> "")).isEmpty();
  }

  @Test
  void theBuildRunsDebootstrapInNamespacesThatDieWithPier() {
    java.util.List<String> argv = DebianImages.buildCommand(ImageRecipe.DEBIAN_PHP, new AptSource("http://archive.example/debian", "bookworm"),
        java.nio.file.Path.of("/var/lib/pier/images/.debs"), java.nio.file.Path.of("/var/lib/pier/images/debian-php/.build-v/rootfs"));
    assertThat(argv).startsWith("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--mount", "--propagation", "private", "--pid", "--fork",
        "--kill-child=KILL", "--", "debootstrap", "--variant=minbase", "--include=apache2,libapache2-mod-php,php-sqlite3");
    assertThat(argv).endsWith("bookworm", "/var/lib/pier/images/debian-php/.build-v/rootfs", "http://archive.example/debian");
  }
}
