package dev.pier.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A hand-written upstream on 127.0.0.1 for misbehaviour tests: each accepted connection runs {@code handler}. */
final class RawUpstream implements AutoCloseable {

  interface Handler {
    void handle(Socket socket) throws Exception;
  }

  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Thread> workers = new CopyOnWriteArrayList<>();
  final List<Throwable> failures = new CopyOnWriteArrayList<>();

  RawUpstream(Handler handler) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          workers.add(Thread.ofVirtual().start(() -> {
            try (socket) {
              handler.handle(socket);
            } catch (Exception e) {
              failures.add(e);
            }
          }));
        } catch (IOException e) {
          return; // closed
        }
      }
    });
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Reads one CRLF-terminated line, without the CRLF. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int prev = -1;
    for (int b; (b = in.read()) >= 0; prev = b) {
      if (prev == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    throw new java.io.EOFException("line cut short");
  }

  /** Reads a request head up to and including the blank line; returns it, or null at end of stream. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws Exception {
    server.close();
    acceptor.join();
    for (Thread worker : workers) {
      worker.interrupt();
      worker.join(10_000);
    }
  }
}
