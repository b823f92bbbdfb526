package dev.pier.engine.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleasesTest {

  @TempDir
  Path layer;

  private static final Unpacker.Limits LIMITS = new Unpacker.Limits(1 << 20, 100);

  /** A source of files given as name to content. */
  /** Names and contents, in the order given. */
  static Map<String, String> ordered(String... namesAndContents) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      m.put(namesAndContents[i], namesAndContents[i + 1]);
    }
    return m;
  }

  static ContentSource files(Map<String, String> files) {
    return sink -> {
      for (var f : files.entrySet()) {
        sink.accept(new ContentSource.Entry(f.getKey(), ContentSource.Kind.FILE, 0644, -1),
            new ByteArrayInputStream(f.getValue().getBytes(StandardCharsets.UTF_8)));
      }
    };
  }

  @Test
  void aReleaseGoesLiveInOneSwapAndTheOneBeforeStaysForARollback() throws Exception {
    Releases r = new Releases(new WebRoot(layer));
    Files.createDirectories(r.root().www());
    String first = r.keep(r.stage(files(Map.of("index.html", "one")), LIMITS));
    assertThat(r.activate(first)).isEmpty();
    assertThat(r.root().live().resolve("index.html")).hasContent("one");
    String second = r.keep(r.stage(files(Map.of("index.html", "two", "new.html", "n")), LIMITS));
    assertThat(r.root().live().resolve("index.html")).as("kept, not live yet").hasContent("one");
    assertThat(r.activate(second)).contains(first);
    assertThat(r.root().live().resolve("index.html")).hasContent("two");
    assertThat(r.active()).contains(second);
    assertThat(r.ids()).containsExactlyInAnyOrder(first, second);
    assertThat(r.measure(second)).containsExactly(2, 4);

    assertThatThrownBy(() -> r.delete(second)).isInstanceOf(ContentException.class).hasMessageContaining("is live");
    r.activate(first);
    r.delete(second);
    assertThat(r.ids()).containsExactly(first);
    assertThat(r.root().live().resolve("index.html")).hasContent("one");
    try (var left = Files.list(r.root().www())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("releases", "html");
    }
  }

  @Test
  void aFailedStageLeavesNothingAndUnknownReleasesAreNotFound() throws Exception {
    Releases r = new Releases(new WebRoot(layer));
    Files.createDirectories(r.root().www());
    assertThatThrownBy(() -> r.stage(files(ordered("ok.html", "x", "../out.html", "y")), LIMITS)).isInstanceOf(ContentException.class);
    try (var left = Files.list(r.root().staging())) {
      assertThat(left).isEmpty();
    }
    for (String id : new String[] {"nope", "../x", "", "a/b"}) {
      assertThatThrownBy(() -> r.activate(id)).as(id).isInstanceOf(ContentException.class)
          .satisfies(e -> assertThat(((ContentException) e).reason()).isEqualTo(ContentException.Reason.NOT_FOUND));
    }
    assertThat(r.active()).isEmpty();
  }
}
