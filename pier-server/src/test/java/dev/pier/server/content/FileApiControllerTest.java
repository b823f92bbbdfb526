package dev.pier.server.content;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pier.engine.content.ContentPath;
import dev.pier.engine.content.WebFiles;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.site.SiteService;
import dev.pier.server.testing.Callers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** The file manager API's controller alone. */
@WebMvcTest(FileApiController.class)
class FileApiControllerTest {

  private static final Caller ALICE = new Caller("alice", false);
  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  @TempDir
  static Path tmp;

  @Autowired
  private MockMvc mvc;
  @MockitoBean
  private FileService files;
  @MockitoBean
  private SiteService sites;
  @MockitoBean
  private Uploads uploads;

  private static WebFiles.Entry entry(String path, WebFiles.Kind kind, long size) {
    ContentPath p = ContentPath.parse(path, true);
    return new WebFiles.Entry(p.fileName(), p, kind, size, T);
  }

  @Test
  void aFolderIsListedAsJsonAndAFileIsItsBytes() throws Exception {
    when(files.look(ALICE, "blog", "/css"))
        .thenReturn(new FileService.Listing(entry("/css", WebFiles.Kind.FOLDER, 0), List.of(entry("/css/site.css", WebFiles.Kind.FILE, 6))));
    mvc.perform(get("/api/v1/sites/blog/files/css").principal(Callers.user("alice")))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.path").value("/css"))
        .andExpect(jsonPath("$.entries[0].name").value("site.css"))
        .andExpect(jsonPath("$.entries[0].type").value("file"))
        .andExpect(jsonPath("$.entries[0].size").value(6));
    when(files.look(ALICE, "blog", "/css/site.css")).thenReturn(new FileService.Listing(entry("/css/site.css", WebFiles.Kind.FILE, 6), List.of()));
    when(files.copy(ALICE, "blog", "/css/site.css"))
        .thenReturn(new Uploads.Spooled(Files.writeString(Files.createTempFile(tmp, "d", ".part"), "body{}"), new Semaphore(1)));
    mvc.perform(get("/api/v1/sites/blog/files/css/site.css").principal(Callers.user("alice")))
        .andExpect(status().isOk())
        .andExpect(content().string("body{}"))
        .andExpect(header().string("Content-Disposition", containsString("attachment")))
        .andExpect(header().string("X-Content-Type-Options", "nosniff"));
  }

  @Test
  void changesAndTheirRefusals() throws Exception {
    when(files.makeFolder(ALICE, "blog", "/img")).thenReturn(entry("/img", WebFiles.Kind.FOLDER, 0));
    mvc.perform(post("/api/v1/sites/blog/files/img").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON).content("{\"type\":\"folder\"}"))
        .andExpect(status().isCreated())
        .andExpect(header().string("Location", "/api/v1/sites/blog/files/img"));
    mvc.perform(post("/api/v1/sites/blog/files/img").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON).content("{\"type\":\"x\"}"))
        .andExpect(status().isBadRequest());
    mvc.perform(patch("/api/v1/sites/blog/files/a.html").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.detail").value(containsString("give the new path")));
    when(files.move(ALICE, "blog", "/a.html", "/b.html")).thenReturn(entry("/b.html", WebFiles.Kind.FILE, 3));
    mvc.perform(patch("/api/v1/sites/blog/files/a.html").principal(Callers.user("alice")).contentType(MediaType.APPLICATION_JSON)
            .content("{\"path\":\"/b.html\"}"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.path").value("/b.html"));
    mvc.perform(delete("/api/v1/sites/blog/files/b.html").principal(Callers.user("alice")))
        .andExpect(status().isNoContent());
    verify(files).delete(ALICE, "blog", "/b.html");
    when(files.look(eq(ALICE), eq("blog"), any())).thenThrow(PierException.notFound("Not found", "\"/x\" does not exist"));
    mvc.perform(get("/api/v1/sites/blog/files/x").principal(Callers.user("alice")))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.detail").value("\"/x\" does not exist"));
  }
}
