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
        "lowerdir=/img,upperdir=/s/upper,workdir=/s/work,nosuid,nodev", "/s/rootfs");
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

  /** A site's view of its image is an id-mapped mount of the image's directory: its device and its root there. */
  @Test
  void anImageIsInUseWhileASitesIdMappedViewShowsIt() {
    String info = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw
        30 22 8:2 / /srv rw,relatime shared:2 - ext4 /dev/vdb rw
        95 30 8:2 /pier/images/debian-php/v2/rootfs /srv/pier/sites/blog/image ro,relatime,idmapped - ext4 /dev/vdb rw
        96 30 8:2 /pier/sites/blog/layer /srv/pier/sites/blog/mapped rw,relatime - ext4 /dev/vdb rw
        """;
    assertThat(Mounts.usedAsMappedSource(info, Path.of("/srv/pier/images/debian-php/v2"))).isTrue();
    assertThat(Mounts.usedAsMappedSource(info, Path.of("/srv/pier/images/debian-php/v2/rootfs"))).isTrue();
    assertThat(Mounts.usedAsMappedSource(info, Path.of("/srv/pier/images/debian-php"))).isTrue();
    assertThat(Mounts.usedAsMappedSource(info, Path.of("/srv/pier/images/debian-php/v1"))).isFalse();
    assertThat(Mounts.usedAsMappedSource(info, Path.of("/srv/pier/sites/blog/layer"))).as("not id-mapped").isFalse();
    assertThat(Mounts.usedAsMappedSource(info, Path.of("/pier/images/debian-php/v2"))).as("the same path on another device").isFalse();
    String onRoot = "22 1 8:1 / / rw - ext4 /dev/vda rw\n95 22 8:1 /var/lib/pier/images/x/v1/rootfs /var/lib/pier/sites/b/image ro,idmapped - ext4 /dev/vda rw\n";
    assertThat(Mounts.usedAsMappedSource(onRoot, Path.of("/var/lib/pier/images/x/v1"))).isTrue();
    assertThat(Mounts.usedAsMappedSource(onRoot, Path.of("/var/lib/pier/images/x/v2"))).isFalse();
  }
}
