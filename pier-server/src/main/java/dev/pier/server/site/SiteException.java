package dev.pier.server.site;

import org.springframework.http.HttpStatus;

/** A site operation that cannot be done, with the HTTP status that says why and a message that says what to do. */
public class SiteException extends RuntimeException {

  private final HttpStatus status;
  private final String title;

  public SiteException(HttpStatus status, String title, String detail, Throwable cause) {
    super(detail, cause);
    this.status = status;
    this.title = title;
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }

  static SiteException notFound(String name) {
    return new SiteException(HttpStatus.NOT_FOUND, "Site not found", "site \"" + name + "\" does not exist", null);
  }

  static SiteException taken(String name) {
    return new SiteException(HttpStatus.CONFLICT, "Name taken", "site name \"" + name + "\" is already taken: choose another", null);
  }

  static SiteException busy(Site s) {
    return new SiteException(HttpStatus.CONFLICT, "Site busy",
        "site \"" + s.name() + "\" is " + s.state().name().toLowerCase() + ": try again when that is done", null);
  }

  static SiteException networkFull(int capacity) {
    return new SiteException(HttpStatus.SERVICE_UNAVAILABLE, "No address left",
        "all " + capacity + " container addresses are in use: delete a site or configure a larger pier.network.subnet", null);
  }

  static SiteException failed(String what, Site s, RuntimeException cause) {
    return new SiteException(HttpStatus.INTERNAL_SERVER_ERROR, "Operation failed",
        "could not " + what + " site \"" + s.name() + "\": " + cause.getMessage(), cause);
  }
}
