package dev.pier.server.plan;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.testing.Callers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The plans API's controller alone. */
@WebMvcTest(PlanApiController.class)
class PlanApiControllerTest {

  private static final Plan SMALL = new Plan("small", 0.25, 64L << 20, 32, 512L << 20, false);
  private static final Caller ADMIN = new Caller("admin", true);

  @Autowired
  private MockMvc mvc;
  @MockitoBean
  private PlanService plans;

  @Test
  void everyoneReadsThePlans() throws Exception {
    when(plans.list()).thenReturn(List.of(SMALL));
    mvc.perform(get("/api/v1/plans").principal(Callers.user("alice")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[0].name").value("small"))
        .andExpect(jsonPath("$[0].memoryBytes").value(64L << 20));
  }

  @Test
  void anAdminCreatesAPlan() throws Exception {
    when(plans.create(ADMIN, SMALL)).thenReturn(SMALL);
    mvc.perform(post("/api/v1/plans").principal(Callers.admin())
            .contentType(MediaType.APPLICATION_JSON)
            .content("{\"name\":\"small\",\"cpus\":0.25,\"memoryBytes\":67108864,\"pids\":32,\"diskBytes\":536870912,\"outbound\":false}"))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/plans/small"));
  }

  @Test
  void valuesAPlanCannotHaveAreRefusedWith400BeforeTheServiceIsAsked() throws Exception {
    mvc.perform(put("/api/v1/plans/small").principal(Callers.admin())
            .contentType(MediaType.APPLICATION_JSON)
            .content("{\"cpus\":0.25,\"memoryBytes\":1024,\"pids\":32,\"diskBytes\":536870912,\"outbound\":false}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value(containsString("memory limit of 1024 bytes is too small")));
    mvc.perform(post("/api/v1/plans").principal(Callers.admin())
            .contentType(MediaType.APPLICATION_JSON)
            .content("{\"name\":\"Big!\",\"cpus\":1,\"memoryBytes\":67108864,\"pids\":32,\"diskBytes\":536870912,\"outbound\":false}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value(containsString("plan name \"Big!\" is not valid")));
    verify(plans, never()).update(any(), any());
    verify(plans, never()).create(any(), any());
  }

  @Test
  void refusalsOfTheServiceKeepTheirStatus() throws Exception {
    when(plans.get("huge")).thenThrow(PierException.notFound("Plan not found", "plan \"huge\" does not exist"));
    PierException forbidden = PierException.forbidden("Admins only", "only admins manage plans");
    when(plans.create(any(), any())).thenThrow(forbidden);
    Mockito.doThrow(PierException.conflict("Plan in use", "plan \"small\" is used by 2 site(s)")).when(plans).delete(ADMIN, "small");
    mvc.perform(get("/api/v1/plans/huge").principal(Callers.user("alice"))).andExpect(status().isNotFound());
    mvc.perform(post("/api/v1/plans").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON)
            .content("{\"name\":\"small\",\"cpus\":0.25,\"memoryBytes\":67108864,\"pids\":32,\"diskBytes\":536870912,\"outbound\":false}"))
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.title").value("Admins only"));
    mvc.perform(delete("/api/v1/plans/small").principal(Callers.admin()))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.detail").value(containsString("used by 2 site(s)")));
  }
}
