package dev.pier.edge;

/**
 * What an upstream connection reports to the client connection it serves. The {@link BackendHandler} reports to
 * one listener at a time and to none while the connection waits in the {@link IdlePool}; a client connection that
 * lets go of an upstream connection detaches itself first, so every report is about its current one. Called on
 * the connection's event loop.
 */
interface UpstreamListener {

  /**
   * A part of the response, as {@link ResponseReader} gives it: its {@link UpstreamHead} (not an interim 1xx one),
   * a buffer of its body (which the listener releases), or {@link ResponseReader#END}.
   */
  void responsePart(Object part);

  /** The end of one read from the upstream. */
  void readComplete();

  /**
   * The upstream answered {@code 101 Switching Protocols}. Returns whether the switch is taken (the client asked for
   * it); if not, the connection is closed.
   */
  boolean switched(UpstreamHead head);

  /** The connection saw no traffic for the idle timeout and is being closed. */
  void timedOut();

  /** The connection closed. */
  void closed();
}
