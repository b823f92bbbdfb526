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
    private final boolean foreign;

    Refused(int rcode, String message) {
      this(rcode, message, false);
    }

    private Refused(int rcode, String message, boolean foreign) {
      super(message);
      this.rcode = rcode;
      this.foreign = foreign;
    }

    /** The name holds records Pier did not make. */
    static Refused foreign(int rcode, String message) {
      return new Refused(rcode, message, true);
    }

    boolean foreign() {
      return foreign;
    }

    /**
     * Whether no retry can mend it: the server refused the key (unknown, bad signature, clock apart: NOTAUTH), does not
     * hold the zone (NOTZONE, NOTAUTH) or refuses the key the zone (REFUSED), or its answer was not signed with the key.
     * A SERVFAIL, say, is not.
     */
    boolean fatal() {
      return !foreign && (rcode == Rcode.NOTAUTH || rcode == Rcode.NOTZONE || rcode == Rcode.REFUSED || rcode == UNSIGNED);
    }
  }

  /** A made-up code for an answer not signed with the key (TSIG codes are 16 and up; this is none of them). */
  static final int UNSIGNED = 4095;

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

  /**
   * Sends {@code m} signed; the server's answer, whatever its code, once its signature is checked.
   *
   * @throws Refused the server refused the key (its answer says why: BADKEY, BADSIG, BADTIME), or the answer is not
   *     signed with the key (somebody else's answer is never taken for the server's)
   */
  Message send(Message m) throws IOException {
    SimpleResolver r = new SimpleResolver(server);
    r.setTCP(true);
    r.setTimeout(timeout);
    r.setTSIGKey(key.tsig());
    r.setIgnoreTruncation(false);
    Message a = r.send(m);
    if (tsigError(a) != Rcode.NOERROR) {
      throw new Refused(Rcode.NOTAUTH, "the server at " + describe(server) + " refused the key: it answered " + words(a));
    }
    if (!a.isSigned() || !a.isVerified()) {
      throw new Refused(UNSIGNED, "the answer from " + describe(server) + " (" + words(a) + ") is not signed with the key");
    }
    return a;
  }

  /** The records of {@code type} at {@code name}, as the server has them (authoritatively); empty when none. */
  List<Record> query(Name name, int type) throws IOException {
    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    q.getHeader().unsetFlag(Flags.RD);
    Message a = send(q);
    int rcode = a.getRcode();
    if (rcode == Rcode.NXDOMAIN || rcode == Rcode.NOERROR) {
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
