package dev.pier.edge;

/**
 * When a request is sent once more. A kept-alive upstream connection may be closed by the site just as a request
 * goes out on it (its keep-alive timeout or request limit). A request without a body and with a method that is
 * safe to repeat, that got no answer on such a connection, is sent once more, on a new connection, as nginx does;
 * anything else (a POST, say, which the site may have acted on) gets 502. One per exchange; pure.
 */
final class ResendPolicy {

  private final boolean repeatable;
  private boolean onReusedConnection;
  private boolean resent;

  /**
   * @param method the request's method
   * @param chunked whether the request has a chunked body
   * @param contentLength its declared length, or -1 without one
   */
  ResendPolicy(String method, boolean chunked, long contentLength) {
    this.repeatable = !chunked && contentLength <= 0
        && !"POST".equals(method) && !"PATCH".equals(method) && !"LOCK".equals(method);
  }

  /** The request goes out now on a connection that served an earlier exchange ({@code reused}), or on a new one. */
  void sending(boolean reused) {
    this.onReusedConnection = reused;
  }

  /** Whether the request was sent again already. */
  boolean resent() {
    return resent;
  }

  /**
   * Whether the request, whose connection just closed, is to be sent again now, on a new connection; true once
   * at most.
   *
   * @param answered whether any of the response came
   * @param bodyBytes how many body bytes the client sent
   */
  boolean resendAfterClose(boolean answered, long bodyBytes) {
    if (!repeatable || !onReusedConnection || resent || answered || bodyBytes > 0) {
      return false;
    }
    resent = true;
    onReusedConnection = false;
    return true;
  }
}
