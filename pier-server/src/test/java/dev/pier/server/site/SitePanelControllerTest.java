package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

import dev.pier.engine.site.InvalidSiteNameException;
import dev.pier.engine.site.SiteName;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import dev.pier.server.edge.EdgeLifecycle;
import dev.pier.server.image.ImageBuild;
import dev.pier.server.image.ImageService;
import dev.pier.server.image.ImageView;
import dev.pier.server.plan.Plan;
import dev.pier.server.plan.PlanGrants;
import dev.pier.server.plan.PlanRepository;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.testing.Templates;
import dev.pier.server.usage.UsageSampler;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.thymeleaf.spring6.view.ThymeleafViewResolver;

/**
 * The panel's controller and templates without a server: the site service is a mock, the real templates are
 * rendered by Thymeleaf. Covers what the browser test cannot reach easily: a site's last error, states in
 * progress, escaping, and errors on every action.
 */
class SitePanelControllerTest {

  private static final Authentication ALICE = new UsernamePasswordAuthenticationToken("alice", null, List.of());
  private static final Authentication ADMIN = new UsernamePasswordAuthenticationToken("admin", null,
      List.of(new SimpleGrantedAuthority(SecurityConfig.ADMIN)));

  private SiteService sites;
  private UsageSampler usage;
  private PlanRepository plans;
  private MockMvc mvc;
  private ImageService images;
  private static final org.springframework.security.web.csrf.CsrfToken CSRF =
      new org.springframework.security.web.csrf.DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "token");
  private final java.util.Map<String, SiteDns.State> dnsStates = new java.util.HashMap<>();

  @BeforeEach
  void setUp() {
    sites = mock(SiteService.class);
    usage = mock(UsageSampler.class);
    plans = mock(PlanRepository.class);
    when(plans.all()).thenReturn(List.of(new Plan("small", 0.25, 64L << 20, 32, 512L << 20, false),
        new Plan("medium", 0.5, 128L << 20, 64, 1L << 30, false)));
    PlanGrants grants = mock(PlanGrants.class);
    when(grants.usable(Mockito.any())).thenReturn(java.util.Set.of("small", "medium"));
    SiteUrls urls = mock(SiteUrls.class);
    when(urls.of(anyString(), anyInt())).thenAnswer(i -> "http://" + i.getArgument(0) + ".pier.test:" + i.getArgument(1) + "/");
    EdgeLifecycle edge = mock(EdgeLifecycle.class);
    when(edge.httpPort()).thenReturn(8080);

    ThymeleafViewResolver views = Templates.viewResolver();

    images = mock(ImageService.class);
    when(images.list()).thenReturn(List.of(
        new ImageView("static", List.of(), true, false, "busybox", "abc", List.of("abc"), null, 0),
        new ImageView("debian-php", List.of("libapache2-mod-php", "php-sqlite3"), true, true, "debian", null, List.of(),
            new ImageBuild("v", ImageBuild.State.BUILDING, null, null, "Retrieving apache2", null), 0)));
    when(usage.summary(Mockito.any())).thenCallRealMethod();
    mvc = MockMvcBuilders.standaloneSetup(new SitePanelController(sites, urls, edge, usage, plans, grants, images, dnsStates::get), new ErrorPage()).setViewResolvers(views).build();
  }

  /** Renders the error template with the attributes Spring Boot's error controller gives it. */
  @Controller
  static class ErrorPage {
    @GetMapping("/test-error")
    String error(@RequestParam int status, @RequestParam String error, @RequestParam String message, Model model) {
      model.addAttribute("status", status);
      model.addAttribute("error", error);
      model.addAttribute("message", message);
      return "error";
    }
  }

  private static Site site(String name, String owner, SiteState state, String lastError) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new Site(SiteName.of(name), owner, state, "10.1.1.7", "static", null, "medium", t, t, lastError, RestartPolicy.ON_FAILURE, 0, null);
  }

  private String page(Authentication who) throws Exception {
    return mvc.perform(get("/").principal(who)).andExpect(status().isOk()).andExpect(view().name("sites"))
        .andReturn().getResponse().getContentAsString();
  }

  @Test
  void aUserSeesTheirSitesWithStateActionsAndLastErrorEscaped() throws Exception {
    when(sites.list(new Caller("alice", false))).thenReturn(List.of(
        site("blog", "alice", SiteState.RUNNING, null),
        site("shop", "alice", SiteState.STOPPED, "could not start: <script>alert(1)</script>"),
        site("wiki", "alice", SiteState.STARTING, null)));

    String html = page(ALICE);

    assertThat(html).contains("<h1 class=\"h3 mb-3\">My sites</h1>").doesNotContain("All sites")
        .doesNotContain(">Owner<").doesNotContain("admin-badge").doesNotContain("You have no sites yet.");
    assertThat(html).contains("<a class=\"site-link\" href=\"http://blog.pier.test:8080/\">http://blog.pier.test:8080/</a>");
    assertThat(html).contains("badge site-state text-bg-success\">RUNNING")
        .contains("badge site-state text-bg-secondary\">STOPPED")
        .contains("badge site-state text-bg-warning\">STARTING");
    assertThat(html).contains("action=\"/sites/blog/stop\"").doesNotContain("action=\"/sites/blog/start\"")
        .contains("action=\"/sites/shop/start\"").doesNotContain("action=\"/sites/shop/stop\"")
        .doesNotContain("action=\"/sites/wiki/st").contains("href=\"/sites/wiki/delete\"");
    assertThat(html).contains("could not start: &lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
    assertThat(html).contains("data-site-error=\"shop\"").doesNotContain("data-site-error=\"blog\"");
    assertThat(html).contains("lowercase letters, digits and hyphens").contains("action=\"/sites\"");
  }

  @Test
  void runningSitesShowTheirLatestResourceUse() throws Exception {
    when(sites.list(new Caller("alice", false))).thenReturn(List.of(
        site("blog", "alice", SiteState.RUNNING, null), site("shop", "alice", SiteState.STOPPED, null)));
    when(usage.history(SiteName.of("blog"))).thenReturn(List.of(
        new UsageSampler.Sample(Instant.EPOCH, 0.004, 12L << 20, 3, 0)));

    String html = page(ALICE);
    assertThat(html).contains("12.0 MiB, 3 processes, 0.4% CPU");
    assertThat(html).contains("<option value=\"small\">small: 0.25 CPU, 64 MiB, 32 processes</option>")
        .contains("<option value=\"medium\" selected=\"selected\">medium: 0.5 CPU, 128 MiB, 64 processes</option>");
    // The image list says what each serves and which is not ready yet; static is the default.
    assertThat(html).contains("<option value=\"static\" selected=\"selected\">static: static files, busybox httpd</option>")
        .contains("<option value=\"debian-php\">debian-php: Apache, PHP and SQLite (building)</option>");
    assertThat(html).contains("<td class=\"site-image d-none d-lg-table-cell\"><span>static</span>");
  }

  @Test
  void anAdminSeesAllSitesWithOwners() throws Exception {
    when(sites.list(new Caller("admin", true))).thenReturn(List.of(
        site("blog", "alice", SiteState.RUNNING, null), site("shop", "bob", SiteState.STOPPED, null)));

    String html = page(ADMIN);

    assertThat(html).contains(">All sites</h1>").contains(">Owner</th>").contains("id=\"admin-badge\"")
        .contains("<td class=\"site-owner\">alice</td>").contains("<td class=\"site-owner\">bob</td>");
  }

  @Test
  void noSitesYet() throws Exception {
    when(sites.list(new Caller("alice", false))).thenReturn(List.of());
    assertThat(page(ALICE)).contains("You have no sites yet.").doesNotContain("id=\"sites\"");
  }

  @Test
  void createRedirectsWithTheOutcome() throws Exception {
    when(sites.create(new Caller("alice", false), "blog", null, "debian-php")).thenReturn(site("blog", "alice", SiteState.STOPPED, null));
    mvc.perform(post("/sites").param("name", " blog ").param("image", "debian-php").principal(ALICE))
        .andExpect(redirectedUrl("/"))
        .andExpect(flash().attribute("success", "Site blog created."))
        .andExpect(flash().attributeCount(1));

    when(sites.create(new Caller("alice", false), "Bad_Name", null, null))
        .thenThrow(new InvalidSiteNameException("Bad_Name", "use lowercase letters, digits and hyphens only"));
    mvc.perform(post("/sites").param("name", "Bad_Name").principal(ALICE))
        .andExpect(redirectedUrl("/"))
        .andExpect(flash().attribute("error", "Site name \"Bad_Name\" is not valid: use lowercase letters, digits and hyphens only."))
        .andExpect(flash().attribute("newName", "Bad_Name"));
  }

  @Test
  void whatTheUserTypedComesBackInTheInputWithTheError() throws Exception {
    when(sites.list(new Caller("alice", false))).thenReturn(List.of());
    String html = mvc.perform(get("/").principal(ALICE).flashAttr("error", "Site name \"a<b\" is not valid.").flashAttr("newName", "a<b"))
        .andReturn().getResponse().getContentAsString();
    assertThat(html).contains("value=\"a&lt;b\"").contains("is-invalid").contains("Site name &quot;a&lt;b&quot; is not valid.");
  }

  @Test
  void startStopAndDeleteFlashTheirOutcome() throws Exception {
    Caller alice = new Caller("alice", false);
    when(sites.start(alice, "blog")).thenReturn(site("blog", "alice", SiteState.RUNNING, null));
    when(sites.stop(alice, "blog")).thenReturn(site("blog", "alice", SiteState.STOPPED, null));
    mvc.perform(post("/sites/blog/start").principal(ALICE))
        .andExpect(redirectedUrl("/")).andExpect(flash().attribute("success", "Site blog is running."));
    mvc.perform(post("/sites/blog/stop").principal(ALICE))
        .andExpect(redirectedUrl("/")).andExpect(flash().attribute("success", "Site blog is stopped."));
    mvc.perform(post("/sites/blog/delete").principal(ALICE))
        .andExpect(redirectedUrl("/")).andExpect(flash().attribute("success", "Site blog deleted."));
    verify(sites).delete(alice, "blog");
  }

  @Test
  void anotherUsersSiteIsNotFound() throws Exception {
    PierException notFound = new PierException(Kind.NOT_FOUND, "Site not found", "site \"theirs\" does not exist", null);
    Caller alice = new Caller("alice", false);
    when(sites.start(alice, "theirs")).thenThrow(notFound);
    when(sites.get(alice, "theirs")).thenThrow(notFound);
    mvc.perform(post("/sites/theirs/start").principal(ALICE))
        .andExpect(redirectedUrl("/")).andExpect(flash().attribute("error", "Site \"theirs\" does not exist."));
    mvc.perform(get("/sites/theirs/delete").principal(ALICE))
        .andExpect(redirectedUrl("/")).andExpect(flash().attribute("error", "Site \"theirs\" does not exist."));
  }

  @Test
  void aSitesPageSaysWhereItsNameStandsInDnsWithTheServersAnswerEscaped() throws Exception {
    when(sites.get(new Caller("alice", false), "blog")).thenReturn(site("blog", "alice", SiteState.RUNNING, null));
    when(sites.get(new Caller("alice", false), "shop")).thenReturn(site("shop", "alice", SiteState.RUNNING, null));
    dnsStates.put("blog", new SiteDns.State("failed", "the server refused the update: <REFUSED>", List.of("blog.pier.test. 300 IN A 192.0.2.7")));
    String html = mvc.perform(get("/sites/blog").principal(ALICE).requestAttr("_csrf", CSRF)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    assertThat(html).contains("id=\"site-dns-state\"").contains(">failed</span>").contains("text-bg-danger")
        .contains("the server refused the update: &lt;REFUSED&gt;").contains("blog.pier.test. 300 IN A 192.0.2.7");
    // Without DNS (no state), the page says nothing of it.
    String shop = mvc.perform(get("/sites/shop").principal(ALICE).requestAttr("_csrf", CSRF)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    assertThat(shop).doesNotContain("site-dns");
  }

  @Test
  void deleteAsksFirst() throws Exception {
    when(sites.get(new Caller("alice", false), "blog")).thenReturn(site("blog", "alice", SiteState.RUNNING, null));
    String html = mvc.perform(get("/sites/blog/delete").principal(ALICE)).andExpect(status().isOk()).andExpect(view().name("delete"))
        .andReturn().getResponse().getContentAsString();
    assertThat(html).contains("Delete site blog?").contains("for good").contains("action=\"/sites/blog/delete\"")
        .contains("class=\"btn btn-danger\">Delete blog</button>").contains("href=\"/\"");
  }

  @Test
  void theLoginPageSaysWhatHappened() throws Exception {
    String plain = mvc.perform(get("/login")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    assertThat(plain).contains("<title>Pier</title>").contains("action=\"/login\"").contains("name=\"username\"")
        .contains("name=\"password\"").doesNotContain("Wrong user name").doesNotContain("logged out")
        .contains("/webjars/bootstrap/css/bootstrap.min.css");
    assertThat(mvc.perform(get("/login").param("error", "")).andReturn().getResponse().getContentAsString())
        .contains("Wrong user name or password.");
    assertThat(mvc.perform(get("/login").param("logout", "")).andReturn().getResponse().getContentAsString())
        .contains("You are logged out.");
  }

  @Test
  void errorPagesAreEscapedAndLeadBack() throws Exception {
    String html = mvc.perform(get("/test-error").param("status", "403").param("error", "Forbidden").param("message", "<b>no</b>"))
        .andReturn().getResponse().getContentAsString();
    assertThat(html).contains("<title>403 Forbidden · Pier</title>").contains("&lt;b&gt;no&lt;/b&gt;").contains("href=\"/\"");
    assertThat(mvc.perform(get("/test-error").param("status", "404").param("error", "Not Found").param("message", "x"))
        .andReturn().getResponse().getContentAsString()).contains("There is no page at this address.");
  }

  @Test
  void failuresOfTheHostAreShownToo() throws Exception {
    when(sites.stop(eq(new Caller("alice", false)), eq("blog"))).thenThrow(new PierException(Kind.FAILED, "Operation failed", "could not stop site \"blog\": runc said no", new IllegalStateException("runc said no")));
    mvc.perform(post("/sites/blog/stop").principal(ALICE))
        .andExpect(redirectedUrl("/")).andExpect(flash().attribute("error", "Could not stop site \"blog\": runc said no."));
  }

  @Test
  void aRunningSiteOnAnOlderBuildOfItsImageSaysARestartBringsTheNewOne() throws Exception {
    when(images.list()).thenReturn(List.of(new ImageView("debian-php", List.of(), true, true, "debian", "v2",
        List.of("v1", "v2"), null, 2)));
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    when(sites.list(new Caller("alice", false))).thenReturn(List.of(
        new Site(SiteName.of("old"), "alice", SiteState.RUNNING, "10.1.1.8", "debian-php", "v1", "medium", t, t, null,
            RestartPolicy.ON_FAILURE, 0, null),
        new Site(SiteName.of("new"), "alice", SiteState.RUNNING, "10.1.1.9", "debian-php", "v2", "medium", t, t, null,
            RestartPolicy.ON_FAILURE, 0, null)));
    String html = page(ALICE);
    assertThat(html.split("stop and start the site to use it", -1)).as("only the site on v1").hasSize(2);
    assertThat(html.indexOf("stop and start the site to use it")).isBetween(html.indexOf("data-site=\"old\""), html.indexOf("data-site=\"new\""));
  }

  @Test
  void aSitesSettingsPageShowsAndSavesHttpsSleepAndUploadLimit() throws Exception {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    when(sites.get(new Caller("alice", false), "blog")).thenReturn(new Site(SiteName.of("blog"), "alice", SiteState.RUNNING, "10.1.1.8",
        "static", null, "medium", t, t, null, RestartPolicy.ON_FAILURE, 0, null,
        new Site.Web(true, false, 10L << 20, 300)));
    String html = mvc.perform(get("/sites/blog/settings").principal(ALICE)).andReturn().getResponse().getContentAsString();
    assertThat(html).contains("id=\"httpsOnly\" name=\"httpsOnly\" value=\"true\" checked=\"checked\"")
        .doesNotContain("id=\"hsts\" name=\"hsts\" value=\"true\" checked")
        .containsPattern("id=\"sleepAfterSeconds\"[^>]*value=\"300\"")
        .containsPattern("id=\"maxBodyMib\"[^>]*value=\"10\"");

    mvc.perform(post("/sites/blog/settings").principal(ALICE).param("hsts", "true").param("sleepAfterSeconds", "").param("maxBodyMib", "5"))
        .andExpect(redirectedUrl("/sites/blog/settings"))
        .andExpect(flash().attribute("success", "Settings of blog saved; they apply at once."));
    Mockito.verify(sites).changeWeb(new Caller("alice", false), "blog", false, true, 5L << 20, true, null);
    mvc.perform(post("/sites/blog/settings").principal(ALICE).param("sleepAfterSeconds", "soon"))
        .andExpect(flash().attribute("error", "Give whole numbers for the sleep time and the upload size, or leave them empty."));
  }
}
