package dev.pier.engine.testing;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * "The internet" for outbound tests, on this machine only: a network namespace of the test's own, joined to the
 * host by a veth pair whose host end is the uplink, with a web server inside on port 8081. Sites' traffic to it
 * never leaves the machine. {@link #close()} removes all of it and ends the server.
 */
public final class TestOutside implements AutoCloseable {

  public static final String GREETING = "hello from outside";

  /** The host end of the veth pair: what the engine takes as its uplink. */
  public final String uplink;
  /** The outside's address, where its web server listens. */
  public final String address;
  public final String netns;
  /** The host's own address on the uplink, where a second web server listens in the host's namespace (port 8082). */
  public final String hostAddress;
  private Process hostServer;
  private final ProcessRunner runner = new ProcessRunner();
  private final Path docroot;
  private Process server;

  public TestOutside(String tag) throws IOException {
    RootRequired.check();
    netns = "pier-out-" + tag;
    uplink = "po" + tag;
    String routes = runner.check(Command.of("ip", "-4", "route", "show")).stdout();
    int k;
    do {
      k = ThreadLocalRandom.current().nextInt(0, 256);
    } while (routes.contains("198.18." + k + "."));
    address = "198.18." + k + ".1";
    hostAddress = "198.18." + k + ".254";
    docroot = Files.createTempDirectory("pier-outside-" + tag + "-");
    Files.writeString(docroot.resolve("hello.txt"), GREETING + "\n");
    try {
      runner.check(Command.of("ip", "netns", "add", netns));
      runner.check(Command.of("ip", "link", "add", uplink, "type", "veth", "peer", "name", uplink + "x", "netns", netns));
      runner.check(Command.of("ip", "addr", "add", "198.18." + k + ".254/24", "dev", uplink));
      runner.check(Command.of("ip", "link", "set", uplink, "up"));
      runner.check(Command.of("ip", "-n", netns, "link", "set", "lo", "up"));
      runner.check(Command.of("ip", "-n", netns, "addr", "add", address + "/24", "dev", uplink + "x"));
      runner.check(Command.of("ip", "-n", netns, "link", "set", uplink + "x", "up"));
      server = new ProcessBuilder("ip", "netns", "exec", netns, "/bin/busybox", "httpd", "-f", "-p", "8081", "-h", docroot.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      hostServer = new ProcessBuilder("/bin/busybox", "httpd", "-f", "-p", hostAddress + ":8082", "-h", docroot.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Gives the outside a second address in a private range ({@code 10.99.K.1}, say, for the prefix {@code 10.99.}),
   * routed from the host through the uplink like any address out there: what a school's network or a cloud's
   * metadata service would be. Its route goes with the uplink.
   */
  public String privateAddress(String prefix) {
    String a = prefix + address.split("\\.")[2] + ".1";
    runner.check(Command.of("ip", "-n", netns, "addr", "add", a + "/32", "dev", uplink + "x"));
    runner.check(Command.of("ip", "route", "add", a + "/32", "via", address, "dev", uplink));
    return a;
  }

  /** The URL of the test file at another of the outside's addresses. */
  public String url(String at) {
    return "http://" + at + ":8081/hello.txt";
  }

  /** The URL of the outside's test file. */
  public String url() {
    return "http://" + address + ":8081/hello.txt";
  }

  /** The URL of the test file on the host's own server. */
  public String hostUrl() {
    return "http://" + hostAddress + ":8082/hello.txt";
  }

  @Override
  public void close() throws IOException {
    if (hostServer != null) {
      hostServer.destroy();
      try {
        hostServer.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (server != null) {
      server.destroy();
      try {
        if (!server.waitFor(5, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    runner.run(Command.of("ip", "link", "del", uplink));
    runner.run(Command.of("ip", "netns", "del", netns));
    dev.pier.engine.util.MoreFiles.deleteRecursively(docroot);
  }
}
