package dev.pier.engine.site;

/** A site name that is not a DNS label or is reserved. The message says what was wrong and what to do. */
public class InvalidSiteNameException extends IllegalArgumentException {

  private final String reason;

  public InvalidSiteNameException(String name, String reason) {
    super("site name \"" + name + "\" is not valid: " + reason);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
