package dev.pier.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small upstream site on 127.0.0.1 (the JDK's HttpServer):
 * <ul>
 *   <li>{@code /echo...}: a text body listing "method", "uri", "remote-port" (the edge's upstream connection)
 *       and every request header as lower-case "name: value" lines;</li>
 *   <li>{@code /upload}: reads the body and answers "length=N sha256=HEX";</li>
 *   <li>{@code /big?size=N} ({@code /big-chunked?size=N}): N bytes of {@link #pattern(int)}, with a
 *       Content-Length (chunked).</li>
 * </ul>
 */
final class TestUpstream implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final String name;

  TestUpstream(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(executor);
    server.createContext("/echo", this::echo);
    server.createContext("/upload", this::upload);
    server.createContext("/big", this::big);
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void echo(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    Map<String, String> lines = new TreeMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> lines.put(k.toLowerCase(Locale.ROOT), String.join(" | ", v)));
    StringBuilder body = new StringBuilder()
        .append("site: ").append(name).append('\n')
        .append("method: ").append(exchange.getRequestMethod()).append('\n')
        .append("uri: ").append(exchange.getRequestURI()).append('\n')
        .append("remote-port: ").append(exchange.getRemoteAddress().getPort()).append('\n');
    lines.forEach((k, v) -> body.append(k).append(": ").append(v).append('\n'));
    send(exchange, 200, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void upload(HttpExchange exchange) throws IOException {
    MessageDigest sha = sha256();
    long length = 0;
    try (InputStream in = exchange.getRequestBody()) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
        length += n;
      }
    }
    send(exchange, 200, ("length=" + length + " sha256=" + HexFormat.of().formatHex(sha.digest())).getBytes(StandardCharsets.UTF_8));
  }

  private void big(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    int size = Integer.parseInt(exchange.getRequestURI().getQuery().replace("size=", ""));
    boolean chunked = exchange.getRequestURI().getPath().endsWith("chunked");
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", String.valueOf(size));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
      return;
    }
    exchange.sendResponseHeaders(200, chunked ? 0 : size);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(pattern(size));
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Deterministic, non-repeating-looking test bytes. */
  static byte[] pattern(int size) {
    byte[] bytes = new byte[size];
    long x = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < size; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      bytes[i] = (byte) x;
    }
    return bytes;
  }

  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses the /echo body into a map (keys lower case). */
  static Map<String, String> parseEcho(String body) {
    Map<String, String> map = new TreeMap<>();
    for (String line : body.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        map.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    return map;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
