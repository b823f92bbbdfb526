package dev.pier.server.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * Pier's exchanges with the zone's primary server: queries and RFC 2136 updates, over TCP, each signed with the TSIG key
 * (so a refused key shows at once, in a query too). Thread-safe.
 */
final class DnsServerClient {

  /** The server answered, but not with what was asked: {@link #getMessage} gives its answer in words. */
  static final class Refused extends IOException {
    final int rcode;

    Refused(int rcode, String message) {
      super(message);
      this.rcode = rcode;
    }

    /** Whether the server refused the key itself (unknown, bad signature or clock): no retry can mend that. */
    boolean keyRefused() {
      return getMessage().contains("BADKEY") || getMessage().contains("BADSIG") || getMessage().contains("BADTIME");
    }
  }

  private final InetSocketAddress server;
  private final TsigKeyFile key;
  private final Duration timeout;

  DnsServerClient(InetSocketAddress server, TsigKeyFile key, Duration timeout) {
    this.server = server;
    this.key = key;
    this.timeout = timeout;
  }

  InetSocketAddress server() {
    return server;
  }

  /** Sends {@code m} signed; the server's answer, whatever its code. */
  Message send(Message m) throws IOException {
    SimpleResolver r = new SimpleResolver(server);
    r.setTCP(true);
    r.setTimeout(timeout);
    r.setTSIGKey(key.tsig());
    r.setIgnoreTruncation(false);
    return r.send(m);
  }

  /** The records of {@code type} at {@code name}, as the server has them (authoritatively); empty when none. */
  List<Record> query(Name name, int type) throws IOException {
    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    q.getHeader().unsetFlag(Flags.RD);
    Message a = send(q);
    int rcode = a.getRcode();
    if (rcode == Rcode.NXDOMAIN || rcode == Rcode.NOERROR && tsigError(a) == Rcode.NOERROR) {
      if (rcode == Rcode.NOERROR && !a.getHeader().getFlag(Flags.AA)) {
        throw new Refused(rcode, "the server at " + describe(server) + " does not hold " + name + " (its answer is not authoritative)");
      }
      List<Record> out = new ArrayList<>();
      for (Record rec : a.getSection(Section.ANSWER)) {
        if (rec.getType() == type && rec.getName().equals(name)) {
          out.add(rec);
        }
      }
      return out;
    }
    throw new Refused(rcode, "the server at " + describe(server) + " answered " + words(a) + " to a query for " + name + " " + Type.string(type));
  }

  /** The SOA serial of {@code zone}, checking the server holds the zone and takes the key. */
  long soa(Name zone) throws IOException {
    List<Record> soa = query(zone, Type.SOA);
    if (soa.isEmpty()) {
      throw new Refused(Rcode.NOTZONE, "the server at " + describe(server) + " holds no zone " + zone);
    }
    return ((org.xbill.DNS.SOARecord) soa.getFirst()).getSerial();
  }

  /** The answer's code in words, with the TSIG error when there is one ({@code NOTAUTH (BADKEY)}). */
  static String words(Message a) {
    int tsig = tsigError(a);
    String code = Rcode.string(a.getRcode());
    return tsig == Rcode.NOERROR ? code : code + " (" + Rcode.TSIGstring(tsig) + ")";
  }

  private static int tsigError(Message a) {
    TSIGRecord t = a.getTSIG();
    return t == null ? Rcode.NOERROR : t.getError();
  }

  static String describe(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
