package dev.pier.engine.image;

import java.nio.file.Path;

/**
 * A built image: a read-only root filesystem that sites share as their overlay's lower layer.
 *
 * @param name    the image's name, such as {@code static}
 * @param version the version, a digest of what the image was built from; a rebuild of other inputs makes a new one
 * @param rootfs  the directory holding the image's files
 * @param command the program the container runs as PID 1's child, after tini
 */
public record Image(String name, String version, Path rootfs, java.util.List<String> command) {}
