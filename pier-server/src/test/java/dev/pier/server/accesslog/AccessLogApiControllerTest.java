package dev.pier.server.accesslog;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pier.engine.site.SiteName;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.site.RestartPolicy;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteService;
import dev.pier.server.site.SiteState;
import dev.pier.server.testing.Callers;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The access-log API's controller alone: the caller must see the site, and asks for a sane size. */
@WebMvcTest(AccessLogApiController.class)
class AccessLogApiControllerTest {

  @Autowired
  private MockMvc mvc;
  @MockitoBean
  private SiteService sites;
  @MockitoBean
  private AccessLogs logs;

  @Test
  void theEndOfTheLogForWhoeverSeesTheSite() throws Exception {
    Instant t = Instant.EPOCH;
    Site blog = new Site(SiteName.of("blog"), "alice", SiteState.RUNNING, "10.1.1.7", "static", null, "medium", t, t, null,
        RestartPolicy.ON_FAILURE, 0, null);
    when(sites.get(new Caller("alice", false), "blog")).thenReturn(blog);
    when(logs.read(SiteName.of("blog"), 100)).thenReturn("127.0.0.1 - - [...] \"GET / HTTP/1.1\" 200 5\n");
    when(sites.get(new Caller("bob", false), "blog")).thenThrow(PierException.notFound("Site not found", "site \"blog\" does not exist"));
    mvc.perform(get("/api/v1/sites/blog/access-log?bytes=100").principal(Callers.user("alice")))
        .andExpect(status().isOk())
        .andExpect(content().string("127.0.0.1 - - [...] \"GET / HTTP/1.1\" 200 5\n"));
    mvc.perform(get("/api/v1/sites/blog/access-log").principal(Callers.user("bob"))).andExpect(status().isNotFound());
  }

  @Test
  void aSizeOutOfRangeIsRefusedBeforeAnythingIsRead() throws Exception {
    mvc.perform(get("/api/v1/sites/blog/access-log?bytes=0").principal(Callers.user("alice")))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value("bytes=0 is out of range: ask for 1 to 1048576"));
    mvc.perform(get("/api/v1/sites/blog/access-log?bytes=lots").principal(Callers.user("alice"))).andExpect(status().isBadRequest());
    verify(logs, never()).read(any(), anyInt());
  }
}
