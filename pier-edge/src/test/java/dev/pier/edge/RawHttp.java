package dev.pier.edge;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A tiny HTTP/1.1 client over a raw socket, so tests control Host, keep-alive and framing exactly. */
final class RawHttp implements AutoCloseable {

  /** A parsed response; header names are lower case. */
  record Response(int status, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;

  RawHttp(InetAddress address, int port) throws IOException {
    socket = new Socket(address, port);
    socket.setSoTimeout(30_000);
    in = new java.io.BufferedInputStream(socket.getInputStream());
  }

  static RawHttp loopback(int port) throws IOException {
    return new RawHttp(InetAddress.getLoopbackAddress(), port);
  }

  /** A client at another loopback address ({@code 127.0.0.2}, say): another client, as the edge counts them. */
  static RawHttp from(String local, int port) throws IOException {
    return new RawHttp(new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(local), 0));
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    in = new java.io.BufferedInputStream(socket.getInputStream());
  }

  /** Sends a request head (lines joined with CRLF, blank line added) and an optional body. */
  RawHttp send(String head, byte[] body) throws IOException {
    socket.getOutputStream().write((head.replace("\n", "\r\n") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      socket.getOutputStream().write(body);
    }
    socket.getOutputStream().flush();
    return this;
  }

  RawHttp send(String head) throws IOException {
    return send(head, null);
  }

  void write(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Sends a GET for {@code path} with the given Host header on this connection and reads the response. */
  Response get(String host, String path) throws IOException {
    return send("GET " + path + " HTTP/1.1\nHost: " + host).read();
  }

  /** Reads one response (Content-Length, chunked, or until close). Throws EOFException if it is cut short. */
  Response read() throws IOException {
    return read(false);
  }

  /** Reads one response; {@code headOnly} for answers to HEAD, which have no body. */
  Response read(boolean headOnly) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new EOFException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).strip());
    }
    Response head = new Response(status, headers, new byte[0]);
    byte[] body;
    if (headOnly || status / 100 == 1 || status == 204 || status == 304) {
      body = new byte[0];
    } else if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
      body = chunked();
    } else if (head.header("content-length") != null) {
      body = in.readNBytes(Integer.parseInt(head.header("content-length")));
      if (body.length < Integer.parseInt(head.header("content-length"))) {
        throw new EOFException("body cut short after " + body.length + " bytes");
      }
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, headers, body);
  }

  /** True if the peer has closed the connection (the next read sees end of stream). */
  boolean closedByPeer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line();
      if (sizeLine == null) {
        throw new EOFException("chunked body cut short after " + out.size() + " bytes");
      }
      int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
      if (size == 0) {
        while (true) {
          String trailer = line();
          if (trailer == null || trailer.isEmpty()) {
            return out.toByteArray();
          }
        }
      }
      byte[] chunk = in.readNBytes(size);
      if (chunk.length < size) {
        throw new EOFException("chunk cut short");
      }
      out.write(chunk);
      line();
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
