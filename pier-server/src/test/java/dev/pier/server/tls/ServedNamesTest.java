package dev.pier.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Which names get their own certificate: the panel's and each site's; any other gets the panel's. */
class ServedNamesTest {

  private final Set<String> sites = ConcurrentHashMap.newKeySet();
  private final List<String> lookups = new ArrayList<>();
  private final ServedNames names = new ServedNames("example.org", label -> {
    lookups.add(label);
    return sites.contains(label);
  }, () -> List.copyOf(sites));

  @Test
  void thePanelsNameThenEverySitesSorted() {
    sites.addAll(List.of("zeta", "alpha"));
    assertThat(names.all()).containsExactly("example.org", "alpha.example.org", "zeta.example.org");
  }

  @Test
  void noNameIsThePanelsAndNamesAreLowercase() {
    assertThat(names.atHandshake(null)).isEqualTo(new Asked("example.org", "example.org"));
    assertThat(names.resolve(null)).isEqualTo(new Asked("example.org", "example.org"));
    sites.add("blog");
    assertThat(names.resolve("BLOG.Example.org")).isEqualTo(new Asked("blog.example.org", "blog.example.org"));
  }

  @Test
  void aNameOutsideTheDomainIsAStrangerWithoutALookup() {
    assertThat(names.atHandshake("evil.example.com")).isEqualTo(new Asked("evil.example.com", "example.org"));
    assertThat(names.resolve("evil.example.com").served()).isEqualTo("example.org");
    assertThat(lookups).isEmpty();
  }

  @Test
  void aNameFoundToBeNoSitesIsRememberedUntilItsSiteIsCreated() {
    // Before any lookup a name in the domain is taken to be served, from memory.
    assertThat(names.atHandshake("new.example.org").stranger()).isFalse();

    assertThat(names.resolve("new.example.org")).isEqualTo(new Asked("new.example.org", "example.org"));
    assertThat(lookups).containsExactly("new");
    assertThat(names.atHandshake("new.example.org")).isEqualTo(new Asked("new.example.org", "example.org"));

    sites.add("new");
    names.added("new.example.org");
    assertThat(names.atHandshake("new.example.org").stranger()).isFalse();
    assertThat(names.resolve("new.example.org").stranger()).isFalse();
  }
}
