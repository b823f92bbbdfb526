package dev.pier.server.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
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
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** The images page, rendered with the real templates, against a mocked image service. */
class ImagePanelControllerTest {

  private static final Authentication ALICE = new UsernamePasswordAuthenticationToken("alice", null, List.of());
  private static final Authentication ADMIN = new UsernamePasswordAuthenticationToken("admin", null,
      List.of(new SimpleGrantedAuthority(SecurityConfig.ADMIN)));

  private ImageService images;
  private MockMvc mvc;

  @BeforeEach
  void setUp() {
    images = mock(ImageService.class);
    when(images.list()).thenReturn(List.of(
        new ImageView("static", List.of(), true, false, "busybox", "abc123", List.of("abc123"), null, 3),
        new ImageView("debian-php", List.of("libapache2-mod-php", "php-sqlite3"), true, true, "debian", "20261125-120000-000-aaaaaaaa",
            List.of("20261125-110000-000-aaaaaaaa", "20261125-120000-000-aaaaaaaa"),
            new ImageBuild("20261125-130000-000-aaaaaaaa", ImageBuild.State.BUILDING, Instant.EPOCH, null, "Retrieving php8.2-cli <b>", null), 2),
        new ImageView("broken", List.of("nope"), false, false, "debian", null, List.of(),
            new ImageBuild("20261125-140000-000-bbbbbbbb", ImageBuild.State.FAILED, Instant.EPOCH, Instant.EPOCH, null,
                "debootstrap failed (exit status and output above)"), 0)));
    mvc = MockMvcBuilders.standaloneSetup(new ImagePanelController(images)).setViewResolvers(Templates.viewResolver()).build();
  }

  private String page(Authentication who) throws Exception {
    return mvc.perform(get("/images").principal(who)).andReturn().getResponse().getContentAsString();
  }

  @Test
  void everyoneSeesStatesStepsAndVersionsAndOnlyAdminsTheActions() throws Exception {
    String asUser = page(ALICE);
    assertThat(asUser).contains("<td class=\"image-name fw-semibold text-nowrap\">debian-php</td>")
        .contains("apache2, libapache2-mod-php, php-sqlite3")
        .contains(">building</span>").contains("Retrieving php8.2-cli &lt;b&gt;")
        .contains("1 older version(s) still run by sites")
        .contains(">failed</span>").contains("debootstrap failed")
        .contains("http-equiv=\"refresh\"")
        .doesNotContain("id=\"add-image\"").doesNotContain("image-rebuild");
    String asAdmin = page(ADMIN);
    assertThat(asAdmin).contains("id=\"add-image\"").contains("action=\"/images/debian-php/build\"")
        .contains("href=\"/images/broken/log\"").contains("action=\"/images/broken/delete\"")
        .doesNotContain("action=\"/images/debian-php/delete\"").doesNotContain("action=\"/images/static/build\"");
  }

  @Test
  void anAdminAddsAnImageFromAPackageListAndRefusalsAreShown() throws Exception {
    when(images.create(any(), anyString(), anyList())).thenReturn(
        new ImageView("tools", List.of("sqlite3", "curl"), false, false, "debian", null, List.of(), null, 0));
    mvc.perform(post("/images").principal(ADMIN).param("name", " tools ").param("packages", "sqlite3,\ncurl"))
        .andExpect(redirectedUrl("/images")).andExpect(flash().attribute("success", "Image tools added; its build is under way."));
    verify(images).create(new Caller("admin", true), "tools", List.of("sqlite3", "curl"));

    Mockito.doThrow(new PierException(Kind.CONFLICT, "Image in use",
        "image \"debian-php\" is used by 2 site(s): delete them first", null)).when(images).delete(any(), anyString());
    mvc.perform(post("/images/debian-php/delete").principal(ADMIN))
        .andExpect(flash().attribute("error", "Image \"debian-php\" is used by 2 site(s): delete them first."));
  }
}
