package dev.pier.engine.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link MountTable} does, run against the fake host's and the kernel's (as root). */
abstract class MountTableContract {

  /** The table under test. */
  abstract MountTable table();

  /** A fresh directory of the test's own, removed with whatever is mounted in it after the test. */
  abstract Path dir() throws Exception;

  private static Mount tmpfs(Path at) {
    return new Mount("tmpfs", "tmpfs", List.of("size=1m"), at);
  }

  @Test
  void mountsAreListedAndUnmountedNewestFirst() throws Exception {
    Path outer = Files.createDirectories(dir().resolve("outer"));
    table().mount(tmpfs(outer));
    Path inner = Files.createDirectories(outer.resolve("inner"));
    table().mount(tmpfs(inner));

    assertThat(table().isMountPoint(outer)).isTrue();
    assertThat(table().under(dir())).containsExactly(inner, outer);
    table().unmountAll(dir());
    assertThat(table().under(dir())).isEmpty();
    assertThat(table().isMountPoint(outer)).isFalse();
    table().unmountAll(dir()); // nothing: no error
  }

  @Test
  void unmountingWhatIsNotMountedFails() throws Exception {
    Path p = Files.createDirectories(dir().resolve("plain"));
    assertThatThrownBy(() -> table().unmount(p)).hasMessageContaining(p.toString());
  }

  @Test
  void aMountPointMustExist() throws Exception {
    Path missing = dir().resolve("missing");
    assertThatThrownBy(() -> table().mount(tmpfs(missing))).isInstanceOf(RuntimeException.class);
    assertThat(table().isMountPoint(missing)).isFalse();
  }

  @Test
  void anImageIsInUseWhileAnOverlayHasItAsLowerLayer() throws Exception {
    Path image = Files.createDirectories(dir().resolve("images/x/v1/rootfs"));
    OverlayRootfs fs = new OverlayRootfs(image, dir().resolve("site/upper"), dir().resolve("site/work"), dir().resolve("site/rootfs"));
    assertThat(table().usedAsLowerLayer(dir().resolve("images/x/v1"))).isFalse();
    fs.mount(table());
    fs.mount(table()); // already mounted: nothing
    assertThat(table().under(dir())).containsExactly(fs.merged());
    assertThat(table().usedAsLowerLayer(dir().resolve("images/x/v1"))).isTrue();
    assertThat(table().usedAsLowerLayer(dir().resolve("images/x"))).isTrue();
    assertThat(table().usedAsLowerLayer(dir().resolve("images/x/v2"))).isFalse();
    fs.unmount(table());
    assertThat(table().usedAsLowerLayer(dir().resolve("images/x/v1"))).isFalse();
  }
}
