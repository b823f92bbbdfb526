package dev.pier.server.dns;

import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real bind9 for one test: {@code named} run in the foreground on a loopback port of its own, from a configuration
 * and key of the test's own ({@code tsig-keygen}). As a primary its zone grants the key that zone alone by
 * {@code update-policy} (never {@code allow-update}); as a secondary it transfers the zone from a primary that
 * notifies it. {@link #close} ends the process it started and removes its files. Also runs {@code dig} and
 * {@code nsupdate}, as an operator would.
 */
public final class Named implements AutoCloseable {

  public final Path dir;
  public final int port;
  public final String zone;
  private Process process;

  private Named(String zone) throws IOException {
    this.dir = Files.createTempDirectory("pier-named");
    this.port = freePort();
    this.zone = zone;
  }

  /** A primary for {@code zone} whose zone file also holds {@code extra} lines (records of somebody else's); not started. */
  public static Named primary(String zone, String... extra) throws Exception {
    Named n = new Named(zone);
    try {
      n.keygen(n.keyFile());
    } catch (IOException | RuntimeException e) {
      n.close();
      throw e;
    }
    List<String> lines = new ArrayList<>(List.of("$TTL 300",
        "@ IN SOA ns1." + zone + ". hostmaster." + zone + ". 1 3600 600 1209600 300", "@ IN NS ns1." + zone + ".",
        "ns1 IN A 127.0.0.1"));
    lines.addAll(Arrays.asList(extra));
    Files.write(n.dir.resolve("zone.db"), lines);
    n.config("include \"" + n.dir.resolve("key.conf") + "\";", "zone \"" + zone + "\" { type primary; file \"" + n.dir.resolve("zone.db")
        + "\"; update-policy { grant pier-key zonesub ANY; }; };");
    return n;
  }

  /** A secondary for {@code zone}, transferring it from the primary at 127.0.0.1:{@code primaryPort}; not started. */
  public static Named secondary(String zone, int primaryPort) throws Exception {
    Named n = new Named(zone);
    n.config("zone \"" + zone + "\" { type secondary; file \"" + n.dir.resolve("secondary.db") + "\"; primaries { 127.0.0.1 port "
        + primaryPort + "; }; allow-notify { 127.0.0.1; }; };");
    return n;
  }

  private void config(String... zones) throws IOException {
    List<String> lines = new ArrayList<>(List.of("options {", "  directory \"" + dir + "\";", "  listen-on port " + port + " { 127.0.0.1; };",
        "  listen-on-v6 { none; };", "  recursion no;", "  dnssec-validation no;", "  pid-file \"" + dir.resolve("named.pid") + "\";",
        "  session-keyfile \"" + dir.resolve("session.key") + "\";", "  notify no;", "};", "controls { };"));
    lines.addAll(Arrays.asList(zones));
    Files.write(dir.resolve("named.conf"), lines);
  }

  /** The key file, as {@code tsig-keygen} wrote it. */
  public Path keyFile() {
    return dir.resolve("key.conf");
  }

  /** The server as Pier's {@code --dns-server} takes it. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Starts named; returns once it answers for its zone (a secondary: once it has transferred it). */
  public Named start() throws Exception {
    process = new ProcessBuilder("named", "-g", "-u", "root", "-c", dir.resolve("named.conf").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("named.log").toFile())).start();
    Instant deadline = Instant.now().plusSeconds(20);
    while (dig(zone, "SOA").isEmpty()) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("named does not answer for " + zone + ": " + log());
      }
      Thread.sleep(100);
    }
    return this;
  }

  /** Ends named (only the process this object started). */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      process = null;
    }
  }

  /** {@code dig +short} at this server: the answers' data, one per line. */
  public List<String> dig(String name, String type) throws Exception {
    return digAt(port, name, type);
  }

  /** {@code dig +short @127.0.0.1 -p PORT}: the answers' data, one per line (none when it does not answer). */
  public static List<String> digAt(int port, String name, String type, String... options) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "+short", "+tries=1", "+time=2", "@127.0.0.1", "-p", String.valueOf(port)));
    cmd.addAll(Arrays.asList(options));
    cmd.addAll(List.of(name, type));
    String out = new String(new ProcessBuilder(cmd).redirectErrorStream(true).start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return out.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith(";;")).toList();
  }

  /** {@code dig} at {@code port} in full (flags, status, sections). */
  public static String digFull(int port, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "+tries=1", "+time=2", "@127.0.0.1", "-p", String.valueOf(port)));
    cmd.addAll(Arrays.asList(args));
    return new String(new ProcessBuilder(cmd).redirectErrorStream(true).start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Polls {@code dig +short} until its answer matches; that answer. */
  public static List<String> waitFor(int port, String name, String type, Predicate<List<String>> wanted) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    List<String> last = List.of();
    while (Instant.now().isBefore(deadline)) {
      last = digAt(port, name, type);
      if (wanted.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " " + type + " at port " + port + " never became what was expected; last: " + last);
  }

  /** Runs {@code nsupdate} with this server's key: the operator changing the zone by hand. */
  public void nsupdate(String... commands) throws Exception {
    String script = "server 127.0.0.1 " + port + "\nzone " + zone + "\n" + String.join("\n", commands) + "\nsend\n";
    Process p = new ProcessBuilder("nsupdate", "-k", keyFile().toString()).redirectErrorStream(true).start();
    p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("nsupdate failed: " + out);
    }
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("named.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Writes a new key named {@code pier-key} to {@code file}, as an operator does with {@code tsig-keygen}. */
  public void keygen(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tsig-keygen", "-a", "hmac-sha256", "pier-key").redirectOutput(file.toFile()).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("tsig-keygen failed");
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      stop();
    } finally {
      MoreFiles.deleteRecursively(dir);
    }
  }
}
