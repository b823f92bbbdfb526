package dev.pier.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

import dev.pier.server.security.SecurityConfig;
import dev.pier.server.testing.Templates;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** The certificates page, rendered with the real templates, against mocked certificate services. */
class CertificatePanelControllerTest {

  private static final Authentication ALICE = new UsernamePasswordAuthenticationToken("alice", null, List.of());
  private static final Authentication ADMIN = new UsernamePasswordAuthenticationToken("admin", null,
      List.of(new SimpleGrantedAuthority(SecurityConfig.ADMIN)));

  private SiteCertificates certificates;
  private AcmeCertificates acme;
  private MockMvc mvc;

  @BeforeEach
  void setUp() {
    certificates = mock(SiteCertificates.class);
    acme = mock(AcmeCertificates.class);
    mvc = MockMvcBuilders.standaloneSetup(new CertificatePanelController(certificates, acme)).setViewResolvers(Templates.viewResolver()).build();
  }

  private String page() throws Exception {
    return mvc.perform(get("/certificates").principal(ADMIN)).andReturn().getResponse().getContentAsString();
  }

  @Test
  void withoutAcmeThePageSaysTheInternalCaIssuesAndListsUploads() throws Exception {
    when(certificates.uploaded()).thenReturn(List.of(new SiteCertificates.Uploaded("_wildcard_.example.org",
        List.of("*.example.org"), Instant.parse("2027-03-01T10:00:00Z"), null)));
    String html = page();
    assertThat(html).contains("id=\"source-internal\"").doesNotContain("id=\"acme-names\"")
        .contains("*.example.org").contains("2027-03-01 10:00:00 UTC").contains("action=\"/certificates/_wildcard_.example.org/delete\"")
        .contains("id=\"nav-certificates\"");
  }

  @Test
  void withAcmeEachNameShowsItsStateAndWhyItFailed() throws Exception {
    when(acme.enabled()).thenReturn(true);
    when(acme.directory()).thenReturn("https://ca.example/dir");
    when(acme.statuses()).thenReturn(List.of(
        new AcmeCertificates.NameStatus("example.org", "issued", Instant.parse("2027-01-02T03:04:05Z"), "CN=Some CA", 0, null, null),
        new AcmeCertificates.NameStatus("blog.example.org", "failed", null, null, 3, "connection refused",
            Instant.parse("2026-11-26T10:00:00Z"))));
    String html = page();
    assertThat(html).contains("https://ca.example/dir").contains("id=\"no-uploaded\"")
        .contains("data-host=\"example.org\"").contains("2027-01-02 03:04:05 UTC").contains("CN=Some CA")
        .contains("failed 3 times").contains("connection refused").contains("(next attempt 2026-11-26 10:00:00 UTC)");
  }

  @Test
  void withDnsOneWildcardCertificateIsListed() throws Exception {
    when(acme.enabled()).thenReturn(true);
    when(acme.wildcard()).thenReturn(true);
    when(acme.directory()).thenReturn("https://ca.example/dir");
    when(acme.statuses()).thenReturn(List.of(
        new AcmeCertificates.NameStatus("*.example.org", "issued", Instant.parse("2027-01-02T03:04:05Z"), "CN=Some CA", 0, null, null)));
    String html = page();
    assertThat(html).contains("id=\"source-acme-wildcard\"").doesNotContain("id=\"source-acme\"").contains("data-host=\"*.example.org\"");
  }

  @Test
  void onlyAdminsSeeItAndABadUploadSaysWhy() throws Exception {
    assertThatThrownBy(() -> mvc.perform(get("/certificates").principal(ALICE))).hasMessageContaining("only admins manage certificates");
    when(certificates.upload("junk", "junk")).thenThrow(new IllegalArgumentException("the certificate or key is not PEM text this server can read"));
    mvc.perform(post("/certificates").principal(ADMIN).param("certificate", "junk").param("key", "junk"))
        .andExpect(redirectedUrl("/certificates"))
        .andExpect(flash().attribute("error", "The certificate or key is not PEM text this server can read."));
    mvc.perform(post("/certificates/nope/delete").principal(ADMIN)).andExpect(flash().attribute("error", "No uploaded certificate nope."));
    verify(certificates).removeUploaded("nope");
  }
}
