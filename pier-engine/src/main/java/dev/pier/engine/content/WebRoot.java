package dev.pier.engine.content;

import java.nio.file.Path;

/**
 * Where a site's content lies on its own file system (mounted at {@code layer}), apart from the container's writable
 * layer. Pure.
 *
 * <pre>
 * www/              mounted read-only at /var/www in the container
 *   releases/ID/    each release's files
 *   html            a symbolic link to releases/ID: the live web root, /var/www/html, swapped in one rename
 *   data/           the mount point of data/ below
 * data/             mounted read-write at /var/www/data: what the site's programs keep (SQLite), in no release
 * staging/          content being unpacked or deleted; emptied before each publish
 * </pre>
 *
 * Only Pier writes under {@code www}: the container sees it read-only, so no program of the site can plant a link
 * there that Pier would follow.
 */
public record WebRoot(Path layer) {

  /** Where the container sees {@link #www()}. */
  public static final String WWW_INSIDE = "/var/www";
  /** Where the container sees {@link #data()}. */
  public static final String DATA_INSIDE = "/var/www/data";

  public Path www() {
    return layer.resolve("www");
  }

  public Path releases() {
    return www().resolve("releases");
  }

  public Path release(String id) {
    return releases().resolve(id);
  }

  /** The live web root: a symbolic link to the active release. */
  public Path live() {
    return www().resolve("html");
  }

  public Path dataMountPoint() {
    return www().resolve("data");
  }

  public Path data() {
    return layer.resolve("data");
  }

  public Path staging() {
    return layer.resolve("staging");
  }
}
