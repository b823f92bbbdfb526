package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The response head the client gets, made from the upstream's: hop-by-hop headers dropped, {@code Connection} set
 * (the client connection stays open only if the client asked for it and the body's end can be told), HTTP/1.1, and
 * {@code Strict-Transport-Security} for sites that want it over HTTPS. Also settles what the exchange needs to know
 * of the response: its status, and whether either connection stays open.
 */
final class ClientHead {

  private static final String KEEP_ALIVE = "connection: keep-alive\r\n";
  private static final String CLOSE = "connection: close\r\n";
  private static final String KEEP_ALIVE_HSTS = KEEP_ALIVE + "Strict-Transport-Security: max-age=31536000\r\n";
  private static final String CLOSE_HSTS = CLOSE + "Strict-Transport-Security: max-age=31536000\r\n";
  private static final String NO_BODY = "content-length: 0\r\n";
  private static final String SWITCH = "connection: upgrade\r\nupgrade: websocket\r\n";

  private ClientHead() {}

  /**
   * For an HTTP/1.x client: the upstream's head bytes, changed only where the edge must change them. A chunked body
   * goes to an HTTP/1.0 client as bare data ({@link ResponseReader#expect}) with no Transfer-Encoding, and the
   * connection closes after it.
   */
  static ByteBuf bytes(UpstreamHead head, Exchange ex, boolean tls, ByteBufAllocator alloc) {
    int code = head.status();
    settle(ex, head, code);
    boolean bodiless = ex.headRequest || code == 204 || code == 304;
    boolean keepAlive = ex.keepAlive;
    int drop = UpstreamHead.DROP_HOP_BY_HOP;
    String added = "";
    if (head.chunked()) {
      drop |= UpstreamHead.DROP_CONTENT_LENGTH; // Transfer-Encoding takes precedence (RFC 9112, 6.3)
      if (ex.http10) {
        drop |= UpstreamHead.DROP_TRANSFER_ENCODING;
        keepAlive = false;
      }
    } else if (head.contentLength() < 0 && !bodiless) {
      keepAlive = false; // the body ends when the connection does
    }
    if (code < 200 || code == 204) { // no body, and nothing that says there is one (RFC 9110, 8.6)
      drop |= UpstreamHead.DROP_CONTENT_LENGTH | UpstreamHead.DROP_TRANSFER_ENCODING;
    } else if (code == 205) { // no body, said so (RFC 9110, 15.3.6)
      drop |= UpstreamHead.DROP_CONTENT_LENGTH | UpstreamHead.DROP_TRANSFER_ENCODING;
      added = NO_BODY;
      ex.discardBody = true;
      keepAlive = keepAlive && !head.untilClose();
    }
    ex.keepAlive = keepAlive;
    String connection = keepAlive ? KEEP_ALIVE : CLOSE;
    if (tls && ex.policy.hsts()) {
      drop |= UpstreamHead.DROP_HSTS;
      connection = keepAlive ? KEEP_ALIVE_HSTS : CLOSE_HSTS;
    }
    return head.encode(alloc, drop, added.isEmpty() ? connection : added + connection);
  }

  /** For an HTTP/2 stream: the head as a Netty response, with the same changes ({@link ProxyHeaders#forClient}). */
  static HttpResponse object(UpstreamHead head, Exchange ex, boolean tls) {
    int code = head.status();
    settle(ex, head, code);
    HttpResponse response = head.toResponse();
    ex.keepAlive = ProxyHeaders.forClient(response, ex.keepAlive, ex.http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, ex.headRequest || code == 204 || code == 304);
    if (tls && ex.policy.hsts()) {
      response.headers().set("Strict-Transport-Security", "max-age=31536000");
    }
    if (!HttpUtil.isContentLengthSet(response) && code == 205) {
      ex.discardBody = true;
    }
    return response;
  }

  /** The answer to a WebSocket upgrade, for the client: Connection and Upgrade set, all else as the upstream sent it. */
  static ByteBuf switching(UpstreamHead head, ByteBufAllocator alloc) {
    return head.encode(alloc, UpstreamHead.DROP_CONNECTION_UPGRADE, SWITCH);
  }

  private static void settle(Exchange ex, UpstreamHead head, int code) {
    ex.log.status(code);
    ex.upstreamKeepAlive = head.keepAlive();
    ex.responseStarted = true;
  }
}
