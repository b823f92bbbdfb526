package dev.pier.engine.content;

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
}
