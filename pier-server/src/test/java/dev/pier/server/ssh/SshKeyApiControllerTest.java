package dev.pier.server.ssh;

import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.testing.Callers;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The keys API's controller alone. */
@WebMvcTest(SshKeyApiController.class)
class SshKeyApiControllerTest {

  private static final Caller ALICE = new Caller("alice", false);
  private static final SshKey KEY = new SshKey(3, "alice", "laptop", "ssh-ed25519 AAAA test", "SHA256:abc", Instant.parse("2026-12-07T10:00:00Z"));

  @Autowired
  private MockMvc mvc;
  @MockitoBean
  private SshKeyService keys;

  @Test
  void keysAreAddedListedAndRemoved() throws Exception {
    when(keys.add(ALICE, "laptop", "ssh-ed25519 AAAA test")).thenReturn(KEY);
    mvc.perform(post("/api/v1/keys").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON)
            .content("{\"name\":\"laptop\",\"key\":\"ssh-ed25519 AAAA test\"}"))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/keys/3"))
        .andExpect(jsonPath("$.fingerprint").value("SHA256:abc"));
    when(keys.list(ALICE)).thenReturn(List.of(KEY));
    mvc.perform(get("/api/v1/keys").principal(Callers.user("alice")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[0].name").value("laptop"));
    mvc.perform(delete("/api/v1/keys/3").principal(Callers.user("alice"))).andExpect(status().isNoContent());
    verify(keys).delete(ALICE, 3);
  }

  @Test
  void aBadKeyIs400WithTheReason() throws Exception {
    when(keys.add(ALICE, "x", "-----BEGIN OPENSSH PRIVATE KEY-----"))
        .thenThrow(PierException.invalid("Invalid key", "not an SSH public key: paste one line"));
    mvc.perform(post("/api/v1/keys").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON)
            .content("{\"name\":\"x\",\"key\":\"-----BEGIN OPENSSH PRIVATE KEY-----\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value("not an SSH public key: paste one line"));
  }
}
