package dev.pier.engine.image;

import java.nio.file.Path;
import java.util.List;

/**
 * A built image: a read-only root filesystem that sites share as their overlay's lower layer.
 *
 * @param name    the image's name, such as {@code static} or {@code debian-php}
 * @param version which build of the image; a rebuild makes a new one, and a site runs the version it started on
 * @param rootfs  the directory holding the image's files
 * @param command the program the container runs as PID 1's child, after tini
 * @param php     whether the image serves PHP pages: new sites on it then start with the visit-counter page
 */
public record Image(String name, String version, Path rootfs, List<String> command, boolean php) {

  public Image {
    command = List.copyOf(command);
  }

  /** What a site records to start on this very build again. */
  public ImageRef ref() {
    return new ImageRef(name, version, php);
  }
}
