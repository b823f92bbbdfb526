package dev.pier.server.usage;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.limits.Limits;
import dev.pier.engine.site.SiteName;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.site.RestartPolicy;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteService;
import dev.pier.server.site.SiteState;
import dev.pier.server.testing.Callers;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The usage API's controller alone. */
@WebMvcTest(UsageApiController.class)
class UsageApiControllerTest {

  @Autowired
  private MockMvc mvc;
  @MockitoBean
  private SiteService sites;
  @MockitoBean
  private UsageSampler sampler;
  @MockitoBean
  private SiteEngine engine;

  @Test
  void aSitesUseNowOverTheLastHourAndItsLimits() throws Exception {
    Instant t = Instant.parse("2026-06-01T12:00:00Z");
    Site blog = new Site(SiteName.of("blog"), "alice", SiteState.RUNNING, "10.1.1.7", "static", null, "medium", t, t, null,
        RestartPolicy.ON_FAILURE, 0, null);
    when(sites.get(new Caller("alice", false), "blog")).thenReturn(blog);
    when(sites.limits(blog)).thenReturn(new Limits(0.5, 128L << 20, 64));
    when(sampler.peek(any(), any())).thenReturn(Optional.of(new UsageSampler.Sample(t, 0.25, 12L << 20, 3, 4096)));
    when(sampler.history(SiteName.of("blog"))).thenReturn(List.of(new UsageSampler.Sample(t.minusSeconds(10), null, 11L << 20, 3, 4096)));
    when(engine.diskUsage(SiteName.of("blog"))).thenReturn(4096L);
    when(sites.get(new Caller("bob", false), "blog")).thenThrow(PierException.notFound("Site not found", "site \"blog\" does not exist"));

    mvc.perform(get("/api/v1/sites/blog/usage").principal(Callers.user("alice")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.now.memoryBytes").value(12L << 20))
        .andExpect(jsonPath("$.now.cpuCores").value(0.25))
        .andExpect(jsonPath("$.diskBytes").value(4096))
        .andExpect(jsonPath("$.limits.memoryBytes").value(128L << 20))
        .andExpect(jsonPath("$.lastHour[0].cpuCores").doesNotExist());
    mvc.perform(get("/api/v1/sites/blog/usage").principal(Callers.user("bob"))).andExpect(status().isNotFound());
  }
}
