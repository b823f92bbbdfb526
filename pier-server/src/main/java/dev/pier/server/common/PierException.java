package dev.pier.server.common;

/**
 * Something a caller asked for that cannot be done, in one of a few categories, with a title and a message that
 * names its subject and says what to do ({@code site "blog" does not exist}). No transport status here: the API's
 * and the panel's error handlers choose one from the {@link Kind}.
 */
public class PierException extends RuntimeException {

  /** What went wrong, as the caller can act on it. */
  public enum Kind {
    /** The subject does not exist (or the caller may not see it). */
    NOT_FOUND,
    /** A subject of that name exists already. */
    ALREADY_EXISTS,
    /** The request itself is wrong: a bad value, a missing field. */
    INVALID,
    /** The subject is not in a state that allows it now: busy, in use, not built yet. */
    CONFLICT,
    /** The caller may not do this. */
    FORBIDDEN,
    /** A shared resource has run out (addresses, say). */
    EXHAUSTED,
    /** What was sent is larger than allowed: a body, an archive's content. */
    TOO_LARGE,
    /** The caller did this too often lately: a rate limit; the message says when to try again. */
    TOO_MANY,
    /** The subject's own storage is full (a site's disk). */
    NO_SPACE,
    /** The host could not do what was asked; the message says what failed. */
    FAILED
  }

  private final Kind kind;
  private final String title;

  public PierException(Kind kind, String title, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.title = title;
  }

  public Kind kind() {
    return kind;
  }

  /** A short title for the problem, such as "Site not found". */
  public String title() {
    return title;
  }

  public static PierException notFound(String title, String message) {
    return new PierException(Kind.NOT_FOUND, title, message, null);
  }

  public static PierException alreadyExists(String title, String message) {
    return new PierException(Kind.ALREADY_EXISTS, title, message, null);
  }

  public static PierException invalid(String title, String message) {
    return new PierException(Kind.INVALID, title, message, null);
  }

  /** A value object refused its input; its message says which value and why. */
  public static PierException invalid(String title, IllegalArgumentException refused) {
    return new PierException(Kind.INVALID, title, refused.getMessage(), refused);
  }

  public static PierException conflict(String title, String message) {
    return new PierException(Kind.CONFLICT, title, message, null);
  }

  public static PierException forbidden(String title, String message) {
    return new PierException(Kind.FORBIDDEN, title, message, null);
  }
}
