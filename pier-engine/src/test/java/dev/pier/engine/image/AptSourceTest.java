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
}
