package dev.pier.engine.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SiteNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "blog", "my-site", "a1", "0day", "x-y-z"})
  void acceptsDnsLabels(String name) {
    assertThat(SiteName.of(name).value()).isEqualTo(name);
  }

  @Test
  void acceptsSixtyThreeCharacters() {
    assertThat(SiteName.of("a".repeat(63)).value()).hasSize(63);
  }

  @Test
  void refusesSixtyFourCharactersSayingHowMany() {
    assertThatThrownBy(() -> SiteName.of("a".repeat(64)))
        .isInstanceOf(InvalidSiteNameException.class)
        .hasMessageContaining("64 characters").hasMessageContaining("at most 63");
  }

  @Test
  void refusesUppercaseSayingSo() {
    assertThatThrownBy(() -> SiteName.of("Blog")).hasMessage("site name \"Blog\" is not valid: use lowercase letters only");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-blog", "blog-"})
  void refusesEdgeHyphens(String name) {
    assertThatThrownBy(() -> SiteName.of(name)).hasMessageContaining("may not start or end with a hyphen");
  }

  @ParameterizedTest
  @ValueSource(strings = {"my_site", "my.site", "my site", "café", "a/b", "../x", "a\nb"})
  void refusesOtherCharacters(String name) {
    assertThatThrownBy(() -> SiteName.of(name)).isInstanceOf(InvalidSiteNameException.class)
        .hasMessageContaining("lowercase letters, digits and hyphens");
  }

  @Test
  void refusesEmptyAndNull() {
    assertThatThrownBy(() -> SiteName.of("")).hasMessageContaining("a name is required");
    assertThatThrownBy(() -> SiteName.of(null)).hasMessageContaining("a name is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"www", "ns1", "ns2", "mail", "admin", "api", "panel", "pier"})
  void refusesReservedNames(String name) {
    assertThatThrownBy(() -> SiteName.of(name)).hasMessageContaining("reserved");
  }

  @ParameterizedTest
  @ValueSource(strings = {"login", "sso", "auth", "webmail", "ssh", "git", "status", "cdn", "account", "wpad", "mta-sts"})
  void refusesNamesReservedForNewSitesWhileExistingOnesStillLoad(String name) {
    assertThatThrownBy(() -> SiteName.forNewSite(name)).hasMessageContaining("reserved");
    assertThat(SiteName.of(name).value()).as("a site made before the name was reserved").isEqualTo(name);
  }
}
