package dev.pier.engine.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Whether something accepts TCP connections at an address: how the engine knows a site is ready to serve. */
@FunctionalInterface
public interface PortProbe {

  /** Tries one connection, giving up after {@code timeoutMillis}; true when it was accepted. */
  boolean accepts(String address, int port, int timeoutMillis);

  /** The real probe: a TCP connect, closed at once. */
  PortProbe TCP = (address, port, timeoutMillis) -> {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), timeoutMillis);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  };
}
