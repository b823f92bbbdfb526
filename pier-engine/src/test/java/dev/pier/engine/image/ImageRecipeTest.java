package dev.pier.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageRecipeTest {

  @Test
  void everyImageHasApacheAndItsOwnPackagesOnceEach() {
    ImageRecipe r = new ImageRecipe("python-site", ImageRecipe.parsePackages("python3, sqlite3\nsqlite3  apache2"));
    assertThat(r.packages()).containsExactly("python3", "sqlite3", "apache2");
    assertThat(r.allPackages()).containsExactly("apache2", "python3", "sqlite3");
    assertThat(r.php()).isFalse();
    assertThat(ImageRecipe.DEBIAN_PHP.php()).isTrue();
    assertThat(ImageRecipe.DEBIAN_PHP.allPackages()).containsExactly("apache2", "libapache2-mod-php", "php-sqlite3");
  }

  @Test
  void refusesBadNamesAndPackagesWithTheReason() {
    assertThatThrownBy(() -> new ImageRecipe("Bad_Name", List.of())).hasMessageContaining("image name \"Bad_Name\" is not valid");
    assertThatThrownBy(() -> new ImageRecipe("static", List.of())).hasMessageContaining("built-in busybox image");
    assertThatThrownBy(() -> new ImageRecipe("ok", List.of("--force-yes"))).hasMessageContaining("\"--force-yes\" is not a Debian package name");
    assertThatThrownBy(() -> new ImageRecipe("ok", List.of("a,b"))).hasMessageContaining("is not a Debian package name");
    assertThatThrownBy(() -> new ImageRecipe("ok", java.util.Collections.nCopies(65, "x1"))).hasMessageContaining("at most 64");
    java.util.List<String> long40 = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long40.add("package-with-a-rather-long-name-to-fill-the-list-" + i);
    }
    assertThatThrownBy(() -> new ImageRecipe("ok", long40)).hasMessageContaining("too long");
  }
}
