package dev.pier.server.image;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.testing.Callers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The images API's controller alone. */
@WebMvcTest(ImageApiController.class)
class ImageApiControllerTest {

  private static final Caller ADMIN = new Caller("admin", true);
  private static final ImageView TOOLS = new ImageView("tools", List.of("curl"), false, false, "debian", null, List.of(),
      new ImageBuild("v1", ImageBuild.State.QUEUED, null, null, null, null), 0);

  @Autowired
  private MockMvc mvc;
  @MockitoBean
  private ImageService images;

  @Test
  void anAddedImageIsAcceptedWhileItBuilds() throws Exception {
    when(images.create(ADMIN, "tools", List.of("curl"))).thenReturn(TOOLS);
    mvc.perform(post("/api/v1/images").principal(Callers.admin())
            .contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"tools\",\"packages\":[\"curl\"]}"))
        .andExpect(status().isAccepted())
        .andExpect(header().string("Location", "/api/v1/images/tools"))
        .andExpect(jsonPath("$.status").value("queued"));
  }

  @Test
  void aChangeWithoutPackagesIsRefused() throws Exception {
    mvc.perform(patch("/api/v1/images/tools").principal(Callers.admin())
            .contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value(containsString("send {\"packages\": [...]}")));
    verify(images, never()).changePackages(any(), any(), any());
  }

  @Test
  void theBuildLogIsTextAndRefusalsAreProblems() throws Exception {
    when(images.buildLog(ADMIN, "tools")).thenReturn("P: debootstrap\n");
    when(images.buildLog(new Caller("alice", false), "tools")).thenThrow(PierException.forbidden("Admins only", "only admins manage images"));
    when(images.get("nope")).thenThrow(PierException.notFound("Image not found", "image \"nope\" does not exist"));
    mvc.perform(get("/api/v1/images/tools/log").principal(Callers.admin()))
        .andExpect(status().isOk())
        .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_PLAIN))
        .andExpect(content().string("P: debootstrap\n"));
    mvc.perform(get("/api/v1/images/tools/log").principal(Callers.user("alice")))
        .andExpect(status().isForbidden())
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    mvc.perform(get("/api/v1/images/nope").principal(Callers.user("alice"))).andExpect(status().isNotFound());
  }
}
