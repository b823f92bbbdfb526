package dev.pier.server.site;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pier.engine.site.InvalidSiteNameException;
import dev.pier.engine.site.SiteName;
import dev.pier.server.common.Caller;
import dev.pier.server.common.EdgeStatus;
import dev.pier.server.common.PierException;
import dev.pier.server.testing.Callers;
import java.time.Instant;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The sites API's controller alone: the JSON it takes and gives, and the status each refusal gets. */
@WebMvcTest(SiteApiController.class)
class SiteApiControllerTest {

  private static final Caller ALICE = new Caller("alice", false);

  @Autowired
  private MockMvc mvc;
  @MockitoBean
  private SiteService sites;
  @MockitoBean
  private SiteUrls urls;
  @MockitoBean
  private EdgeStatus edge;
  @MockitoBean
  private SiteDns dns;

  @BeforeEach
  void setUp() {
    when(edge.httpPort()).thenReturn(8080);
    when(urls.of(anyString(), anyInt())).thenAnswer(i -> "http://" + i.getArgument(0) + ".pier.test:" + i.getArgument(1) + "/");
  }

  private static Site site(String name, SiteState state) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new Site(SiteName.of(name), "alice", state, "10.1.1.7", "static", null, "medium", t, t, null, RestartPolicy.ON_FAILURE, 0, null);
  }

  private static InvalidSiteNameException invalidName(String name) {
    try {
      SiteName.of(name);
      throw new AssertionError(name + " was taken as a site name");
    } catch (InvalidSiteNameException e) {
      return e;
    }
  }

  @Test
  void listsTheCallersSitesWithTheirAddresses() throws Exception {
    when(sites.list(ALICE)).thenReturn(List.of(site("blog", SiteState.RUNNING)));
    mvc.perform(get("/api/v1/sites").principal(Callers.user("alice")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[0].name").value("blog"))
        .andExpect(jsonPath("$[0].state").value("RUNNING"))
        .andExpect(jsonPath("$[0].url").value("http://blog.pier.test:8080/"))
        .andExpect(jsonPath("$[0].restartPolicy").value("on-failure"));
  }

  @Test
  void createsASiteWith201AndItsAddress() throws Exception {
    when(sites.create(ALICE, "blog", "small", null)).thenReturn(site("blog", SiteState.STOPPED));
    mvc.perform(post("/api/v1/sites").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON)
            .content("{\"name\":\"blog\",\"plan\":\"small\"}"))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/sites/blog"))
        .andExpect(jsonPath("$.state").value("STOPPED"))
        .andExpect(jsonPath("$.dns").doesNotExist()); // Pier keeps no DNS here
    when(dns.of("blog")).thenReturn(new SiteDns.State("pending", "the DNS server at 192.0.2.53:53 does not answer", List.of()));
    mvc.perform(post("/api/v1/sites").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON)
            .content("{\"name\":\"blog\",\"plan\":\"small\"}"))
        .andExpect(jsonPath("$.dns.state").value("pending"))
        .andExpect(jsonPath("$.dns.reason").value(containsString("does not answer")));
  }

  @Test
  void eachKindOfRefusalHasItsStatusAndSaysWhy() throws Exception {
    when(sites.create(eq(ALICE), eq("Bad_Name"), any(), any())).thenThrow(invalidName("Bad_Name"));
    when(sites.create(eq(ALICE), eq("blog"), any(), any())).thenThrow(PierException.alreadyExists("Name taken", "site name \"blog\" is already taken"));
    when(sites.get(ALICE, "theirs")).thenThrow(PierException.notFound("Site not found", "site \"theirs\" does not exist"));
    mvc.perform(post("/api/v1/sites").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"Bad_Name\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value(containsString("\"Bad_Name\" is not valid")));
    mvc.perform(post("/api/v1/sites").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"blog\"}"))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.title").value("Name taken"));
    mvc.perform(get("/api/v1/sites/theirs").principal(Callers.user("alice")))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.detail").value("site \"theirs\" does not exist"));
    mvc.perform(post("/api/v1/sites").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON).content("{\"name\":"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.title").value("Unreadable request"));
  }

  @Test
  void aBugIsA500WithAnIdNeverA400() throws Exception {
    when(sites.get(ALICE, "blog")).thenThrow(new IllegalArgumentException("an index out of range deep inside"));
    mvc.perform(get("/api/v1/sites/blog").principal(Callers.user("alice")))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.errorId").value(matchesPattern("[0-9a-f]{8}")))
        .andExpect(jsonPath("$.detail").value(containsString("error ")))
        .andExpect(jsonPath("$.detail").value(Matchers.not(containsString("index out of range"))));
  }

  @Test
  void aPatchWithOneBadFieldChangesNothing() throws Exception {
    mvc.perform(patch("/api/v1/sites/blog").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON)
            .content("{\"plan\":\"large\",\"httpsOnly\":true,\"restartPolicy\":\"sometimes\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value(containsString("restart policy \"sometimes\" is not one of")));
    verify(sites, never()).change(any(), any(), any());
  }

  @Test
  void aPatchIsAppliedAsOneChangeAndSaysWhereThePlanTookEffect() throws Exception {
    Site moved = site("blog", SiteState.RUNNING);
    SitePatch expected = new SitePatch("large", RestartPolicy.NEVER, null, true, null, true, 60);
    when(sites.change(ALICE, "blog", expected)).thenReturn(new SiteService.Changed(moved, new PlanChange(moved, "now", null)));
    mvc.perform(patch("/api/v1/sites/blog").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON)
            .content("{\"plan\":\"large\",\"restartPolicy\":\"never\",\"hsts\":true,\"sleepAfterSeconds\":60}"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.planApplied").value("now"));
    verify(sites).change(ALICE, "blog", expected);
  }
}
