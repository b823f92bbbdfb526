package dev.pier.server.content;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pier.engine.content.ArchiveFormat;
import dev.pier.engine.site.SiteName;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.site.RestartPolicy;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteService;
import dev.pier.server.site.SiteState;
import dev.pier.server.site.SiteWish;
import dev.pier.server.testing.Callers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The releases API's controller alone: what it takes, what it answers, and the status of each refusal. */
@WebMvcTest(ReleaseApiController.class)
class ReleaseApiControllerTest {

  private static final Caller ALICE = new Caller("alice", false);
  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  @TempDir
  static Path tmp;

  @Autowired
  private MockMvc mvc;
  @MockitoBean
  private ReleaseService releases;
  @MockitoBean
  private SiteService sites;
  @MockitoBean
  private Uploads uploads;

  private Site site(Long maxBody) {
    return new Site(SiteName.of("blog"), "alice", SiteState.RUNNING, "10.1.1.7", "static", null, "medium", T, T, null,
        RestartPolicy.ON_FAILURE, 0, null, new Site.Web(false, false, maxBody, null), SiteWish.RUNNING, 0);
  }

  @BeforeEach
  void setUp() throws Exception {
    when(sites.get(ALICE, "blog")).thenReturn(site(null));
    when(uploads.receive(any(), any(), anyLong(), anyLong(), any()))
        .thenAnswer(i -> new Uploads.Spooled(Files.createTempFile(tmp, "up", ".part"), new Semaphore(1)));
  }

  @Test
  void aPublishAnswers201WithTheReleaseAndItsPlace() throws Exception {
    when(releases.publish(eq(ALICE), eq("blog"), any(Path.class), eq(ArchiveFormat.ZIP), eq("upload")))
        .thenReturn(new Release(7, "blog", "20261207-100000-abcdef", T, "alice", "upload", 12, 3456, true));
    mvc.perform(post("/api/v1/sites/blog/releases").principal(Callers.user("alice")).contentType("application/zip").content(new byte[] {1, 2}))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/sites/blog/releases/7"))
        .andExpect(jsonPath("$.id").value(7))
        .andExpect(jsonPath("$.createdBy").value("alice"))
        .andExpect(jsonPath("$.source").value("upload"))
        .andExpect(jsonPath("$.files").value(12))
        .andExpect(jsonPath("$.bytes").value(3456))
        .andExpect(jsonPath("$.active").value(true))
        .andExpect(jsonPath("$.dir").doesNotExist());
  }

  @Test
  void aBodyThatIsNoArchiveTypeIs400AndNothingIsPublished() throws Exception {
    mvc.perform(post("/api/v1/sites/blog/releases").principal(Callers.user("alice")).contentType("text/plain").content("hello"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value(containsString("Content-Type application/zip")));
    verify(releases, never()).publish(any(), any(), any(Path.class), any(), any());
  }

  @Test
  void refusalsGetTheirStatus() throws Exception {
    record Case(PierException.Kind kind, int status) {}
    for (Case c : List.of(new Case(PierException.Kind.INVALID, 400), new Case(PierException.Kind.TOO_LARGE, 413),
        new Case(PierException.Kind.NO_SPACE, 507), new Case(PierException.Kind.NOT_FOUND, 404), new Case(PierException.Kind.CONFLICT, 409))) {
      when(releases.publish(eq(ALICE), eq("blog"), any(Path.class), any(), any())).thenThrow(new PierException(c.kind(), "No", "refused", null));
      mvc.perform(post("/api/v1/sites/blog/releases").principal(Callers.user("alice")).contentType("application/gzip").content(new byte[] {1}))
          .andExpect(status().is(c.status()))
          .andExpect(jsonPath("$.detail").value("refused"));
    }
  }

  @Test
  void listAndActivate() throws Exception {
    when(releases.list(ALICE, "blog")).thenReturn(List.of(new Release(8, "blog", "b", T, "alice", "git", 3, 30, true),
        new Release(7, "blog", "a", T, "alice", "upload", 2, 20, false)));
    mvc.perform(get("/api/v1/sites/blog/releases").principal(Callers.user("alice")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[0].id").value(8))
        .andExpect(jsonPath("$[0].active").value(true))
        .andExpect(jsonPath("$[1].active").value(false));
    when(releases.activate(ALICE, "blog", 7)).thenReturn(new Release(7, "blog", "a", T, "alice", "upload", 2, 20, true));
    mvc.perform(post("/api/v1/sites/blog/releases/7/activate").principal(Callers.user("alice")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.active").value(true));
    mvc.perform(post("/api/v1/sites/blog/releases/seven/activate").principal(Callers.user("alice")))
        .andExpect(status().isBadRequest());
  }
}
