package dev.pier.engine.content;

import java.util.Locale;
import java.util.Optional;

/** The archive formats a site's content can be published from, by the media type an upload names. */
public enum ArchiveFormat {
  ZIP("application/zip"),
  TAR("application/x-tar"),
  TAR_GZ("application/gzip");

  private final String mediaType;

  ArchiveFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /**
   * The format of a {@code Content-Type} header: {@code application/zip} (or {@code application/x-zip-compressed},
   * as Windows names it), {@code application/x-tar}, {@code application/gzip} (or {@code application/x-gzip},
   * {@code application/x-gtar}, {@code application/x-compressed-tar}) for a .tar.gz. Parameters are ignored.
   */
  public static Optional<ArchiveFormat> ofMediaType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String t = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "application/zip", "application/x-zip-compressed", "application/x-zip" -> Optional.of(ZIP);
      case "application/x-tar", "application/tar" -> Optional.of(TAR);
      case "application/gzip", "application/x-gzip", "application/x-gtar", "application/x-compressed-tar", "application/tar+gzip" ->
          Optional.of(TAR_GZ);
      default -> Optional.empty();
    };
  }

  /** The format of a file name's extension: .zip, .tar, .tar.gz or .tgz. */
  public static Optional<ArchiveFormat> ofFileName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".zip")) {
      return Optional.of(ZIP);
    }
    if (n.endsWith(".tar")) {
      return Optional.of(TAR);
    }
    if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) {
      return Optional.of(TAR_GZ);
    }
    return Optional.empty();
  }
}
