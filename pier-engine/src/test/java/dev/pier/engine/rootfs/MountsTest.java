package dev.pier.engine.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountsTest {

  @Test
  void readsMountPointsAndUnescapesSpaces() {
    String info = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw
        90 22 0:50 / /var/lib/pier/sites/blog/rootfs rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b,workdir=/c
        91 22 0:51 / /mnt/with\\040space rw - tmpfs tmpfs rw
        """;
    assertThat(Mounts.mountPoints(info)).containsExactly(Path.of("/"), Path.of("/var/lib/pier/sites/blog/rootfs"), Path.of("/mnt/with space"));
  }

  @Test
  void overlayMountCommandNamesItsLayers() {
    OverlayRootfs fs = new OverlayRootfs(Path.of("/img"), Path.of("/s/upper"), Path.of("/s/work"), Path.of("/s/rootfs"));
    assertThat(fs.mountCommand()).containsExactly("mount", "-t", "overlay", "overlay", "-o",
        "lowerdir=/img,upperdir=/s/upper,workdir=/s/work", "/s/rootfs");
  }

  @Test
  void refusesPathsThatWouldBreakTheOptionList() {
    assertThatThrownBy(() -> new OverlayRootfs(Path.of("/a,b"), Path.of("/u"), Path.of("/w"), Path.of("/m")))
        .hasMessageContaining("comma");
  }

  @Test
  void anImageIsInUseWhileAnOverlayHasItAsLowerLayer() {
    String info = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw
        90 22 0:50 / /var/lib/pier/sites/blog/rootfs rw,relatime - overlay overlay rw,lowerdir=/var/lib/pier/images/debian-php/v2/rootfs,upperdir=/b,workdir=/c
        """;
    assertThat(Mounts.usedAsLowerLayer(info, Path.of("/var/lib/pier/images/debian-php/v2"))).isTrue();
    assertThat(Mounts.usedAsLowerLayer(info, Path.of("/var/lib/pier/images/debian-php"))).isTrue();
    assertThat(Mounts.usedAsLowerLayer(info, Path.of("/var/lib/pier/images/debian-php/v1"))).isFalse();
    assertThat(Mounts.usedAsLowerLayer(info, Path.of("/var/lib/pier/images/debian"))).isFalse();
    String spaced = "90 22 0:50 / /srv/pier\\040data/sites/b/rootfs rw - overlay overlay rw,lowerdir=/srv/pier\\040data/images/x/v1/rootfs,upperdir=/b,workdir=/c\n";
    assertThat(Mounts.usedAsLowerLayer(spaced, Path.of("/srv/pier data/images/x/v1"))).isTrue();
  }
}
