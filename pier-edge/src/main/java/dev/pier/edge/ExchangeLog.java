package dev.pier.edge;

/**
 * The access log line of one exchange: what was asked (taken from the head), for which site, and what was
 * answered. Written once, when the response status is known and the request was for a site.
 */
final class ExchangeLog {

  private final long at;
  /** The head the line is taken from when it is written, or null: then the three strings below. */
  private final ClientRequest head;
  private final String request;
  private final String referer;
  private final String agent;
  private String site;
  private int status;
  private long bytes;

  /**
   * @param at when the head came (epoch milliseconds)
   * @param request the request line, e.g. {@code GET /x HTTP/1.1}
   */
  ExchangeLog(long at, String request, String referer, String agent) {
    this.at = at;
    this.head = null;
    this.request = request;
    this.referer = referer;
    this.agent = agent;
  }

  /** The line of {@code head}'s exchange, its request line, referer and user agent read from it only when written. */
  ExchangeLog(long at, ClientRequest head) {
    this.at = at;
    this.head = head;
    this.request = null;
    this.referer = null;
    this.agent = null;
  }

  /** For an exchange that has no head (the client was too slow to send one): never written. */
  static ExchangeLog none() {
    return new ExchangeLog(0, "", null, null);
  }

  /** The site the exchange is for; null until known, or when it is for none. */
  String site() {
    return site;
  }

  void site(String site) {
    this.site = site;
  }

  void status(int status) {
    this.status = status;
  }

  /** Counts {@code n} more bytes of the response body. */
  void sent(long n) {
    bytes += n;
  }

  /**
   * Writes the line to {@code log} if it is due (a site's exchange with a status) and was not written yet.
   *
   * @param client the client's address as text, or null
   * @return the site it was written for, or null when nothing was written
   */
  String writeTo(AccessLog log, String client) {
    if (site == null || status == 0) {
      return null;
    }
    String written = site;
    log.record(written, head == null ? AccessLogEntry.of(client, at, request, status, bytes, referer, agent)
        : head.logEntry(client, at, status, bytes));
    site = null;
    return written;
  }
}
