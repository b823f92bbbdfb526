package dev.pier.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The HTML pages the edge answers by itself (404, 503, 502, 400...). Each is a complete response with
 * {@code Content-Type: text/html; charset=utf-8} and an exact {@code Content-Length}; text that came from
 * the request is HTML-escaped. The caller sets the {@code Connection} header.
 */
final class Pages {

  /** Seconds a client is asked to wait before retrying a stopped site. */
  static final int RETRY_AFTER_SECONDS = 30;

  private Pages() {
  }

  /** 404: no site is configured for {@code host}. */
  static FullHttpResponse notFound(String host) {
    String where = host == null || host.isEmpty() ? "this address" : host;
    return page(HttpResponseStatus.NOT_FOUND, "No site at " + where + ".");
  }

  /** 503 with {@code Retry-After}: the site exists but is not running. */
  static FullHttpResponse stopped(String site) {
    FullHttpResponse response = page(HttpResponseStatus.SERVICE_UNAVAILABLE, "The site " + site + " is stopped.");
    response.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    return response;
  }

  /** 502: the upstream could not be reached or failed before answering; {@code message} says which. */
  static FullHttpResponse badGateway(String message) {
    return page(HttpResponseStatus.BAD_GATEWAY, message);
  }

  /** 413: the request's body is larger than the site accepts. */
  static FullHttpResponse tooLarge(long maxBodyBytes) {
    return page(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "The request's body is larger than the site accepts ("
        + maxBodyBytes + " bytes).");
  }

  /** 503: a sleeping site could not be started. */
  static FullHttpResponse cannotWake(String site) {
    return page(HttpResponseStatus.SERVICE_UNAVAILABLE, "The site " + site + " could not be woken up.");
  }

  /** 308 to {@code location} (the same URL over HTTPS). */
  static FullHttpResponse redirect(String location) {
    FullHttpResponse r = page(HttpResponseStatus.PERMANENT_REDIRECT, "This site is served over HTTPS only: " + location);
    r.headers().set(HttpHeaderNames.LOCATION, location);
    return r;
  }

  /** The page's head alone, its Content-Length too (the answer to a HEAD request); {@code page} is released. */
  static FullHttpResponse headOnly(FullHttpResponse page) {
    if (!page.content().isReadable()) {
      return page;
    }
    FullHttpResponse bare = page.replace(Unpooled.EMPTY_BUFFER);
    page.release();
    return bare;
  }

  /**
   * The page as bytes, for an HTTP/1.x client: status line, headers, blank line and (unless {@code headOnly}, for a
   * HEAD request) the body. {@code page} is released.
   */
  static ByteBuf bytes(FullHttpResponse page, boolean headOnly, ByteBufAllocator alloc) {
    ByteBuf body = page.content();
    ByteBuf out = alloc.buffer(256 + (headOnly ? 0 : body.readableBytes()));
    out.writeCharSequence("HTTP/1.1 " + page.status().code() + " " + page.status().reasonPhrase() + "\r\n", StandardCharsets.ISO_8859_1);
    for (var header : page.headers()) {
      out.writeCharSequence(header.getKey(), StandardCharsets.ISO_8859_1);
      out.writeByte(':').writeByte(' ');
      out.writeCharSequence(header.getValue(), StandardCharsets.ISO_8859_1);
      out.writeByte('\r').writeByte('\n');
    }
    out.writeByte('\r').writeByte('\n');
    if (!headOnly) {
      out.writeBytes(body, body.readerIndex(), body.readableBytes());
    }
    page.release();
    return out;
  }

  /** An error page with any status and a one-sentence message. */
  static FullHttpResponse page(HttpResponseStatus status, String message) {
    String title = status.code() + " " + status.reasonPhrase();
    String html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>"
        + escape(title) + "</title></head>\n<body>\n<h1>" + escape(title) + "</h1>\n<p>"
        + escape(message) + "</p>\n</body>\n</html>\n";
    return answer(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  /** An answer of the edge's own: {@code body} of {@code type}, its length, never cached. */
  private static FullHttpResponse answer(HttpResponseStatus status, String type, byte[] body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }

  /** 429: this client has its share of {@code target}'s connections in use already. */
  static FullHttpResponse tooManyAtOnce(String target) {
    FullHttpResponse page = page(HttpResponseStatus.TOO_MANY_REQUESTS, target + " is busy with other requests from your address:"
        + " try again when they are done.");
    page.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    return page;
  }

  /** 403 to the API over plain HTTP from another host: credentials go over HTTPS, at {@code location}. */
  static FullHttpResponse httpsRequired(String location) {
    return problem(HttpResponseStatus.FORBIDDEN, "HTTPS required",
        "Pier's API takes credentials over HTTPS only, except from the host itself: use " + location);
  }

  /** An RFC 9457 problem detail, for API clients. */
  static FullHttpResponse problem(HttpResponseStatus status, String title, String detail) {
    String json = "{\"type\":\"about:blank\",\"title\":\"" + json(title) + "\",\"status\":" + status.code()
        + ",\"detail\":\"" + json(detail) + "\"}\n";
    return answer(status, "application/problem+json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code text} as the inside of a JSON string. */
  static String json(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A 200 with a plain-text body (an ACME challenge's answer). */
  static FullHttpResponse text(String text) {
    return answer(HttpResponseStatus.OK, "text/plain", text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Escapes {@code & < > " '} for use in HTML text and attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
