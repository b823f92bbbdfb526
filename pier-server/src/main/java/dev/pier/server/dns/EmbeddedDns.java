package dev.pier.server.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * Pier's own authoritative DNS server for its zone ({@code --dns embedded}): UDP and TCP on {@code pier.dns.port}, the
 * answers from {@link ZoneAnswers}. The zone is made again from the sites at each change, its SOA serial one higher
 * (kept in {@code DATA-DIR/dns/serial}, and never below the time in seconds, so it grows across a lost file too); the
 * listed secondaries are sent a NOTIFY, and may transfer it.
 */
final class EmbeddedDns implements DnsZone {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDns.class);
  /** TCP connections served at once; more wait in the kernel's backlog. */
  private static final int MAX_TCP = 64;
  /** ... of which one client address may hold this many. */
  private static final int MAX_TCP_PER_ADDRESS = 4;
  /** The longest a TCP connection stays open, whatever it sends. */
  private static final long TCP_LIFETIME_MILLIS = 30_000;

  private final DnsSettings settings;
  private final ZonePlan plan;
  private final Supplier<List<String>> sites;
  private final Path serialFile;
  private final Set<String> challenges = ConcurrentHashMap.newKeySet();
  private final List<AutoCloseable> sockets = new ArrayList<>();
  private final Semaphore tcpSlots = new Semaphore(MAX_TCP);
  private volatile Zone zone;
  /** The sites the zone was made from, sorted. */
  private volatile List<String> builtFrom = List.of();
  private long serial;
  private volatile boolean running;
  private Thread checker;
  /** TCP connections open per client address (secondaries are never turned away). */
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  EmbeddedDns(DnsSettings settings, Supplier<List<String>> sites, Path dataDir) {
    this.settings = settings;
    this.plan = settings.plan();
    this.sites = sites;
    this.serialFile = dataDir.resolve("dns").resolve("serial");
  }

  /** Makes the zone and listens; a port taken is said at once (Pier does not start), and what was opened is closed. */
  synchronized void start() throws IOException {
    try {
      listen();
    } catch (IOException | RuntimeException e) {
      stop();
      throw e;
    }
  }

  private void listen() throws IOException {
    Files.createDirectories(serialFile.getParent());
    try {
      serial = Files.exists(serialFile) ? Long.parseLong(Files.readString(serialFile).strip()) : 0;
    } catch (NumberFormatException damaged) { // the serial never goes below the time in seconds anyway
      log.warn("DNS: {} holds no serial; the zone's next one is the time in seconds", serialFile);
      serial = 0;
    }
    rebuild();
    running = true;
    List<InetAddress> on = new ArrayList<>();
    if (settings.listen().isEmpty()) {
      try {
        open(new InetSocketAddress(InetAddress.getByName("::"), settings.props().port()));
        on.add(InetAddress.getByName("::"));
      } catch (IOException noIpv6) { // a host without IPv6
        open(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), settings.props().port()));
        on.add(InetAddress.getByName("0.0.0.0"));
      }
    } else {
      for (InetAddress a : settings.listen()) {
        open(new InetSocketAddress(a, settings.props().port()));
        on.add(a);
      }
    }
    checker = Thread.ofVirtual().name("pier-dns-check").start(this::checkEvery);
    log.info("DNS: serving the zone {} (serial {}) on port {} of {}", plan.zone(), serial, settings.props().port(), on);
  }

  /** Listens on {@code at}, UDP and TCP, each served by a virtual thread of its own. */
  private void open(InetSocketAddress at) throws IOException {
    DatagramSocket udp = new DatagramSocket(null);
    ServerSocket tcp = new ServerSocket();
    try {
      udp.bind(at);
      tcp.setReuseAddress(true);
      tcp.bind(at, 128);
    } catch (IOException e) {
      udp.close();
      tcp.close();
      throw new IOException("the embedded DNS server cannot listen on " + DnsServerClient.describe(at) + ": " + e.getMessage()
          + " (another DNS server there? choose --dns-port, or the addresses with --dns-listen)", e);
    }
    sockets.add(udp);
    sockets.add(tcp);
    Thread.ofVirtual().name("pier-dns-udp").start(() -> serveUdp(udp));
    Thread.ofVirtual().name("pier-dns-tcp").start(() -> serveTcp(tcp));
  }

  synchronized void stop() {
    running = false;
    if (checker != null) {
      checker.interrupt();
      checker = null;
    }
    for (AutoCloseable s : sockets) {
      try {
        s.close();
      } catch (Exception e) {
        log.debug("closing a DNS socket", e);
      }
    }
    sockets.clear();
  }

  private List<String> sortedSites() {
    return sites.get().stream().sorted().toList();
  }

  /** The zone as served now. */
  Zone zone() {
    return zone;
  }

  @Override
  public void changed(Name name) {
    List<String> now = sortedSites();
    if (!now.equals(builtFrom)) {
      rebuild(now);
    }
  }

  @Override
  public NameState state(Name name) {
    return NameState.published(name.toString(true), Rfc2136Keeper.lines(plan.wanted(name)));
  }

  @Override
  public List<NameState> states() {
    return plan.names(sites.get()).stream().map(this::state).toList();
  }

  @Override
  public void putChallenge(List<String> values) {
    challenges.addAll(values);
    rebuild();
    Propagation.waitFor(settings.secondaries(), plan.challengeName(), values); // told by NOTIFY, they transfer the zone
  }

  @Override
  public void removeChallenge(List<String> values) {
    challenges.removeAll(values);
    rebuild();
  }

  /**
   * Every {@code check-interval}, makes the zone again if the sites are not the ones it was made from (a site that came
   * without the event a creation sends, say, as a whole Pier restored).
   */
  private void checkEvery() {
    while (running) {
      try {
        Thread.sleep(settings.checkInterval());
        List<String> now = sortedSites();
        if (!now.equals(builtFrom)) {
          log.info("DNS: the zone's sites changed without a word: made again");
          rebuild(now);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("DNS: the zone's check failed: {}", e.getMessage());
      }
    }
  }

  /** Makes the zone again from the sites, one serial higher, and tells the secondaries. */
  synchronized void rebuild() {
    rebuild(sortedSites());
  }

  /** Makes the zone again from the sites {@code now}, one serial higher, and tells the secondaries. */
  private synchronized void rebuild(List<String> now) {
    serial = Math.max(serial + 1, Instant.now().getEpochSecond()) & 0xFFFFFFFFL;
    try {
      zone = new Zone(plan.zone(), plan.zone(now, settings.nameservers(), settings.glue(), serial, List.copyOf(challenges))
          .toArray(Record[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the DNS zone " + plan.zone(), e);
    }
    builtFrom = now;
    try { // served even if its serial cannot be kept: the next one is never below the time in seconds
      Files.writeString(serialFile.resolveSibling("serial.new"), serial + "\n");
      Files.move(serialFile.resolveSibling("serial.new"), serialFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      log.warn("DNS: cannot keep the zone's serial {} in {}: {}", serial, serialFile, e.getMessage());
    }
    if (running) {
      for (InetSocketAddress s : settings.secondaries()) {
        Thread.ofVirtual().name("pier-dns-notify").start(() -> notify(s, serial));
      }
    }
  }

  /** Tells a secondary the zone changed (RFC 1996): up to three tries, a second apart, until it answers. */
  private void notify(InetSocketAddress secondary, long at) {
    Message m = new Message();
    m.getHeader().setOpcode(Opcode.NOTIFY);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(Record.newRecord(plan.zone(), Type.SOA, DClass.IN), Section.QUESTION);
    byte[] wire = m.toWire();
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(1000);
      for (int i = 0; i < 3; i++) {
        s.send(new DatagramPacket(wire, wire.length, secondary));
        try {
          DatagramPacket p = new DatagramPacket(new byte[512], 512);
          s.receive(p);
          if (new Message(java.util.Arrays.copyOf(p.getData(), p.getLength())).getHeader().getID() == m.getHeader().getID()) {
            log.debug("DNS: {} took the NOTIFY of serial {}", DnsServerClient.describe(secondary), at);
            return;
          }
        } catch (java.net.SocketTimeoutException again) {
          // one more try
        }
      }
      log.warn("DNS: the secondary {} did not answer the NOTIFY of serial {}", DnsServerClient.describe(secondary), at);
    } catch (IOException e) {
      log.warn("DNS: cannot notify the secondary {}: {}", DnsServerClient.describe(secondary), e.getMessage());
    }
  }

  private boolean mayTransfer(InetAddress from) {
    return settings.secondaries().stream().anyMatch(s -> s.getAddress().equals(from));
  }

  private void serveUdp(DatagramSocket socket) {
    byte[] buffer = new byte[65535];
    while (running) {
      DatagramPacket in = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(in);
        Message query;
        try {
          query = new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
        } catch (IOException malformed) {
          continue; // not DNS: no answer
        }
        if (query.getHeader().getFlag(Flags.QR)) {
          continue; // an answer, not a query: never answered (no loops between servers)
        }
        Message answer = ZoneAnswers.answer(zone, query, false, mayTransfer(in.getAddress())).getFirst();
        byte[] out = answer.toWire(ZoneAnswers.udpLimit(query));
        socket.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
      } catch (SocketException closed) {
        return;
      } catch (IOException | RuntimeException e) {
        log.debug("DNS: a UDP query failed", e);
      }
    }
  }

  private void serveTcp(ServerSocket server) {
    while (running) {
      try {
        Socket c = server.accept();
        InetAddress from = c.getInetAddress();
        boolean secondary = mayTransfer(from);
        if (!secondary && (perAddress.merge(from, 1, Integer::sum) > MAX_TCP_PER_ADDRESS || !tcpSlots.tryAcquire())) {
          perAddress.computeIfPresent(from, (k, n) -> n > 1 ? n - 1 : null);
          c.close();
          continue;
        }
        Thread.ofVirtual().name("pier-dns-tcp-conn").start(() -> {
          try (c) {
            serveConnection(c);
          } catch (IOException | RuntimeException e) {
            log.debug("DNS: a TCP connection failed", e);
          } finally {
            if (!secondary) {
              perAddress.computeIfPresent(from, (k, n) -> n > 1 ? n - 1 : null);
              tcpSlots.release();
            }
          }
        });
      } catch (IOException closed) {
        if (!running) {
          return;
        }
      }
    }
  }

  private void serveConnection(Socket c) throws IOException {
    long until = System.currentTimeMillis() + TCP_LIFETIME_MILLIS;
    c.setSoTimeout(10_000);
    DataInputStream in = new DataInputStream(c.getInputStream());
    DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(c.getOutputStream()));
    while (running && System.currentTimeMillis() < until) {
      int length;
      try {
        length = in.readUnsignedShort();
      } catch (EOFException done) {
        return;
      }
      byte[] wire = in.readNBytes(length);
      if (wire.length < length) {
        return;
      }
      Message query = new Message(wire);
      if (query.getHeader().getFlag(Flags.QR)) {
        return;
      }
      for (Message m : ZoneAnswers.answer(zone, query, true, mayTransfer(c.getInetAddress()))) {
        byte[] bytes = m.toWire();
        out.writeShort(bytes.length);
        out.write(bytes);
      }
      out.flush();
    }
  }
}
