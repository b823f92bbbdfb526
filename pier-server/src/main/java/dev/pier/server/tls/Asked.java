package dev.pier.server.tls;

/**
 * A name a TLS client asked for, and the name whose certificate Pier serves it.
 *
 * @param host the name asked for (SNI), lowercase; the panel's when the client sent none
 * @param served {@code host} when Pier serves that name, else the panel's: a name Pier does not serve gets the panel's
 *     certificate, so nobody can make Pier ask any CA for a name of their choosing
 */
public record Asked(String host, String served) {

  /** Whether {@code host} is no name Pier serves. */
  public boolean stranger() {
    return !host.equals(served);
  }
}
