package dev.pier.server.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import dev.pier.server.security.SecurityConfig;
import dev.pier.server.testing.Templates;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** The admins' DNS page, rendered with the real templates: the settings in force and each name's records and state. */
class DnsPanelControllerTest {

  private static final Authentication ALICE = new UsernamePasswordAuthenticationToken("alice", null, List.of());
  private static final Authentication ADMIN = new UsernamePasswordAuthenticationToken("admin", null,
      List.of(new SimpleGrantedAuthority(SecurityConfig.ADMIN)));

  private DnsService dns;
  private MockMvc mvc;

  @BeforeEach
  void setUp() {
    dns = mock(DnsService.class);
    mvc = MockMvcBuilders.standaloneSetup(new DnsPanelController(dns)).setViewResolvers(Templates.viewResolver()).build();
  }

  private String page() throws Exception {
    return mvc.perform(get("/dns").principal(ADMIN)).andReturn().getResponse().getContentAsString();
  }

  @Test
  void withoutDnsThePageSaysHowToKeepNames() throws Exception {
    when(dns.describe()).thenReturn(Map.of("mode", "off"));
    assertThat(page()).contains("id=\"dns-off\"").contains("--dns embedded").doesNotContain("id=\"dns-records\"").contains("id=\"nav-dns\"");
  }

  @Test
  void eachNameShowsItsRecordsAndWhyItIsNotPublished() throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("mode", "rfc2136");
    settings.put("zone", "example.org");
    settings.put("addresses", List.of("203.0.113.7", "2001:db8::7"));
    settings.put("server", "192.0.2.53:53");
    settings.put("marker", "\"pier instance=pier\"");
    when(dns.describe()).thenReturn(settings);
    when(dns.states()).thenReturn(List.of(
        new NameState("example.org", "published", null, List.of("example.org. 300 IN A 203.0.113.7"), Instant.now(), null, 0),
        new NameState("shop.example.org", "failed", "shop.example.org already has records Pier did not make <b>",
            List.of("shop.example.org. 300 IN A 203.0.113.7"), Instant.now(), Instant.now(), 2)));
    String html = page();
    assertThat(html).contains("data-setting=\"addresses\"").contains("203.0.113.7, 2001:db8::7").contains("192.0.2.53:53")
        .contains("data-name=\"shop.example.org\"").contains("text-bg-danger").contains("did not make &lt;b&gt;")
        .contains("example.org. 300 IN A 203.0.113.7").contains("_pier.NAME TXT");
  }

  @Test
  void onlyAdminsSeeIt() {
    assertThatThrownBy(() -> mvc.perform(get("/dns").principal(ALICE))).hasMessageContaining("only admins");
  }
}
