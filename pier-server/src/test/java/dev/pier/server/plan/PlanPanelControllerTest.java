package dev.pier.server.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.testing.Templates;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.thymeleaf.spring6.view.ThymeleafViewResolver;

/** The plans page, rendered with the real templates, against a mocked plan service. */
class PlanPanelControllerTest {

  private static final Authentication ALICE = new UsernamePasswordAuthenticationToken("alice", null, List.of());
  private static final Authentication ADMIN = new UsernamePasswordAuthenticationToken("admin", null,
      List.of(new SimpleGrantedAuthority(SecurityConfig.ADMIN)));

  private PlanService plans;
  private MockMvc mvc;

  @BeforeEach
  void setUp() {
    plans = mock(PlanService.class);
    when(plans.list()).thenReturn(List.of(new Plan("small", 0.25, 64L << 20, 32, 512L << 20, false),
        new Plan("large", 1.0, 512L << 20, 256, 5L << 30, false)));
    ThymeleafViewResolver views = Templates.viewResolver();
    mvc = MockMvcBuilders.standaloneSetup(new PlanPanelController(plans)).setViewResolvers(views).build();
  }

  private String page(Authentication who) throws Exception {
    return mvc.perform(get("/plans").principal(who)).andReturn().getResponse().getContentAsString();
  }

  @Test
  void usersSeeThePlansAndAdminsCanEditThem() throws Exception {
    String asUser = page(ALICE);
    assertThat(asUser).contains("<td class=\"fw-semibold\">small</td>").contains("<td>64</td>").contains("<td>0.25</td>")
        .doesNotContain("id=\"add-plan\"").doesNotContain("edit-small");
    String asAdmin = page(ADMIN);
    assertThat(asAdmin).contains("id=\"add-plan\"").contains("id=\"edit-small\"").contains("value=\"64\"")
        .contains("action=\"/plans/large/delete\"");
  }

  @Test
  void anAdminAddsAndChangesPlansInMiB() throws Exception {
    mvc.perform(post("/plans").principal(ADMIN).param("name", "tiny").param("cpus", "0.1").param("memoryMib", "32")
            .param("pids", "16").param("diskMib", "100"))
        .andExpect(redirectedUrl("/plans")).andExpect(flash().attribute("success", "Plan tiny added."));
    verify(plans).create(new Caller("admin", true), new Plan("tiny", 0.1, 32L << 20, 16, 100L << 20, false));

    mvc.perform(post("/plans").principal(ADMIN).param("name", "small").param("existing", "true").param("cpus", "0.5")
        .param("memoryMib", "96").param("pids", "48").param("diskMib", "512").param("outbound", "true"));
    verify(plans).update(new Caller("admin", true), new Plan("small", 0.5, 96L << 20, 48, 512L << 20, true));
  }

  @Test
  void badValuesAndRefusalsAreShownAsTheyAre() throws Exception {
    mvc.perform(post("/plans").principal(ADMIN).param("name", "tiny").param("cpus", "lots").param("memoryMib", "32")
            .param("pids", "16").param("diskMib", "100"))
        .andExpect(flash().attribute("error", "CPU \"lots\" is not a number."));
    mvc.perform(post("/plans").principal(ADMIN).param("name", "tiny").param("cpus", "0.1").param("memoryMib", "1")
            .param("pids", "16").param("diskMib", "100"))
        .andExpect(flash().attribute("error", "Memory limit of 1048576 bytes is too small: give at least 8 MiB."));
    verify(plans, never()).create(any(), any());

    when(plans.create(any(), any())).thenThrow(new PierException(Kind.FORBIDDEN, "Admins only", "only admins manage plans", null));
    mvc.perform(post("/plans").principal(ALICE).param("name", "tiny").param("cpus", "0.1").param("memoryMib", "32")
            .param("pids", "16").param("diskMib", "100"))
        .andExpect(flash().attribute("error", "Only admins manage plans."));
  }
}
