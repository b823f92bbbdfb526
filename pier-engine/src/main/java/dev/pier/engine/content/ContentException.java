package dev.pier.engine.content;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Content Pier refuses or cannot place, with a message for the person who sent it: an archive with a path that
 * climbs out, a file too large, a full disk. The {@link Reason} says which kind, for the caller to answer with.
 */
public final class ContentException extends RuntimeException {

  /** What went wrong, as the caller answers it. */
  public enum Reason {
    /** The content itself is refused: a bad name, a link, a damaged archive. */
    INVALID,
    /** More bytes or files than allowed. */
    TOO_LARGE,
    /** The site's disk filled up. */
    NO_SPACE,
    /** A path that does not exist. */
    NOT_FOUND,
    /** A path that already exists, or is of the wrong kind for the operation. */
    CONFLICT
  }

  private final Reason reason;

  public ContentException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ContentException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  static ContentException invalid(String message) {
    return new ContentException(Reason.INVALID, message);
  }

  /** Whether a write failed because the file system is full (or its quota reached). */
  public static boolean isNoSpace(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && (t.getMessage().contains("No space left on device") || t.getMessage().contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** A write the site's full disk refused, as its owner is told. */
  static ContentException noSpace(IOException e) {
    return new ContentException(Reason.NO_SPACE, "the site's disk filled up while writing the content: publish less,"
        + " delete old files, or ask for a plan with more disk", e);
  }

  /** A failed write: the site's disk full, said to its owner; anything else, Pier's own failure. */
  static RuntimeException writeFailed(String what, IOException e) {
    return isNoSpace(e) ? noSpace(e) : new UncheckedIOException(what, e);
  }
}
