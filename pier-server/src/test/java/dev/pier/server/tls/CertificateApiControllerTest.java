package dev.pier.server.tls;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pier.server.testing.Callers;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The certificates API's controller alone: admins only, uploads checked, the ACME state as JSON. */
@WebMvcTest(CertificateApiController.class)
class CertificateApiControllerTest {

  @Autowired
  private MockMvc mvc;
  @MockitoBean
  private SiteCertificates certificates;
  @MockitoBean
  private AcmeCertificates acme;

  @Test
  void onlyAdminsSeeOrChangeCertificates() throws Exception {
    mvc.perform(get("/api/v1/certificates").principal(Callers.user("alice"))).andExpect(status().isForbidden())
        .andExpect(jsonPath("$.detail").value("only admins manage certificates"));
    mvc.perform(post("/api/v1/certificates").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isForbidden());
    mvc.perform(get("/api/v1/certificates/acme").principal(Callers.user("alice"))).andExpect(status().isForbidden());
    verify(certificates, never()).upload(any(), any());
  }

  @Test
  void anUploadThatIsNotACertificateIsRefusedWithTheReason() throws Exception {
    when(certificates.upload("junk", "junk")).thenThrow(new IllegalArgumentException("the certificate or key is not PEM text this server can read"));
    mvc.perform(post("/api/v1/certificates").principal(Callers.admin()).contentType(MediaType.APPLICATION_JSON)
            .content("{\"certificate\":\"junk\",\"key\":\"junk\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.title").value("Invalid certificate"))
        .andExpect(jsonPath("$.detail").value(containsString("not PEM text")));
  }

  @Test
  void uploadsAreListedWithoutTheirKeysAndRemovedById() throws Exception {
    when(certificates.uploaded()).thenReturn(List.of(new SiteCertificates.Uploaded("a1", List.of("*.pier.test"), Instant.EPOCH, null)));
    when(certificates.removeUploaded("a1")).thenReturn(true);
    mvc.perform(get("/api/v1/certificates").principal(Callers.admin()))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[0].id").value("a1"))
        .andExpect(jsonPath("$[0].names[0]").value("*.pier.test"))
        .andExpect(jsonPath("$[0].context").doesNotExist());
    mvc.perform(delete("/api/v1/certificates/a1").principal(Callers.admin())).andExpect(status().isNoContent());
    mvc.perform(delete("/api/v1/certificates/nope").principal(Callers.admin())).andExpect(status().isNotFound())
        .andExpect(jsonPath("$.detail").value("no uploaded certificate \"nope\""));
  }

  @Test
  void theAcmeStateOfEachName() throws Exception {
    when(acme.enabled()).thenReturn(true);
    when(acme.directory()).thenReturn("https://ca.test/dir");
    when(acme.statuses()).thenReturn(List.of(new AcmeCertificates.NameStatus("pier.test", "failed", null, null, 2, "connection refused", null)));
    mvc.perform(get("/api/v1/certificates/acme").principal(Callers.admin()))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.directory").value("https://ca.test/dir"))
        .andExpect(jsonPath("$.names[0].state").value("failed"))
        .andExpect(jsonPath("$.names[0].lastError").value("connection refused"));
  }
}
