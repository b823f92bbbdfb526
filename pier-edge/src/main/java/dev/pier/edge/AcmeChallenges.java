package dev.pier.edge;

/**
 * The answers to ACME HTTP-01 challenges in progress (RFC 8555, section 8.3): the edge serves
 * {@code GET /.well-known/acme-challenge/TOKEN} over plain HTTP from here, for every host name, before any
 * routing, so a stopped, sleeping or HTTPS-only site can still prove its name. Called on an event loop: answer
 * from memory.
 */
@FunctionalInterface
public interface AcmeChallenges {

  /** The path prefix of HTTP-01 challenges. */
  String PATH = "/.well-known/acme-challenge/";

  AcmeChallenges NONE = token -> null;

  /** The key authorization to answer for {@code token}, or null when no challenge with that token is pending. */
  String keyAuthorization(String token);
}
