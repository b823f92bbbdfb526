package dev.pier.engine.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContentPathTest {

  @Test
  void relativeNamesAreSplitAndCleaned() {
    assertThat(ContentPath.parse("./site/css//main.css", false).names()).containsExactly("site", "css", "main.css");
    assertThat(ContentPath.parse("dir\\file.html", false).names()).containsExactly("dir", "file.html");
    assertThat(ContentPath.parse("/css/a.css", true).toString()).isEqualTo("/css/a.css");
    assertThat(ContentPath.parse("/", true).isRoot()).isTrue();
    assertThat(ContentPath.parse("été/日本.html", false).names()).containsExactly("été", "日本.html");
  }

  @Test
  void pathsThatClimbOutAreRefused() {
    for (String bad : List.of("../x", "a/../../x", "..\\x", "../html2/x", "a/..", "..")) {
      assertThatThrownBy(() -> ContentPath.parse(bad, false)).as(bad).isInstanceOf(ContentException.class)
          .hasMessageContaining("climbs out");
      assertThatThrownBy(() -> ContentPath.parse("/" + bad, true)).as(bad).isInstanceOf(ContentException.class);
    }
    assertThatThrownBy(() -> ContentPath.parse("/etc/passwd", false)).hasMessageContaining("is absolute");
  }

  @Test
  void controlCharactersAndInvalidUtf8AreRefused() {
    assertThatThrownBy(() -> ContentPath.parse("a\nb.html", false)).hasMessageContaining("control character").hasMessageContaining("a\\x0ab");
    assertThatThrownBy(() -> ContentPath.parse("a\u0000b", false)).hasMessageContaining("control character");
    assertThatThrownBy(() -> ContentPath.parse("a\u0085b", false)).hasMessageContaining("control character");
    assertThatThrownBy(() -> ContentPath.parse("caf\uFFFD.html", false)).hasMessageContaining("not valid UTF-8");
    assertThatThrownBy(() -> ContentPath.parse("x\uD800y", false)).hasMessageContaining("not valid UTF-8");
    assertThatThrownBy(() -> ContentPath.parse("a".repeat(256), false)).hasMessageContaining("longer than 255 bytes");
  }

  @Test
  void containsIsByWholeNamesNotPrefixes() {
    ContentPath html = ContentPath.parse("html", false);
    assertThat(html.contains(ContentPath.parse("html/a", false))).isTrue();
    assertThat(html.contains(ContentPath.parse("html2/a", false))).isFalse();
  }
}
