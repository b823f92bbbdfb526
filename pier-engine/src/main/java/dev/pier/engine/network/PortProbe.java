package dev.pier.engine.network;

/** Whether something accepts TCP connections at an address: how the engine knows a site is ready to serve. */
@FunctionalInterface
public interface PortProbe {

  /** Tries one connection, giving up after {@code timeoutMillis}; true when it was accepted. */
  boolean accepts(String address, int port, int timeoutMillis);

  /** The real probe: a TCP connect, closed at once. */
  PortProbe TCP = (address, port, timeoutMillis) -> {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(address, port), timeoutMillis);
      return true;
    } catch (java.io.IOException notYet) {
      return false;
    }
  };
}
