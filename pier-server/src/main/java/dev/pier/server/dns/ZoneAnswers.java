package dev.pier.server.dns;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * The embedded server's answers: authoritative for its one zone and nothing else (no recursion, no other zone: REFUSED),
 * zone transfers (AXFR, and IXFR answered as a whole transfer, as RFC 1995 allows) over TCP to the listed secondaries
 * only. Pure: a query in, the answer's messages out.
 */
final class ZoneAnswers {

  /** Records per message of a zone transfer (each message stays far below 64 KiB). */
  private static final int TRANSFER_CHUNK = 200;
  /** The UDP payload Pier offers with EDNS (the DNS flag day's advice). */
  static final int EDNS_PAYLOAD = 1232;

  private ZoneAnswers() {}

  /**
   * @param tcp         whether the query came over TCP (transfers only then)
   * @param mayTransfer whether the asker is a listed secondary
   * @return the answer: one message, or a transfer's messages in order
   */
  static List<Message> answer(Zone zone, Message query, boolean tcp, boolean mayTransfer) {
    Header qh = query.getHeader();
    Message r = new Message(qh.getID());
    Header h = r.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(qh.getOpcode());
    if (qh.getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    Record q = query.getQuestion();
    if (q != null) {
      r.addRecord(q, Section.QUESTION);
    }
    if (query.getOPT() != null) {
      r.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
    }
    if (qh.getOpcode() != Opcode.QUERY) {
      h.setRcode(Rcode.NOTIMP);
      return List.of(r);
    }
    if (q == null || qh.getCount(Section.QUESTION) != 1) {
      h.setRcode(Rcode.FORMERR);
      return List.of(r);
    }
    Name name = q.getName();
    int type = q.getType();
    if (q.getDClass() != DClass.IN && q.getDClass() != DClass.ANY || !name.subdomain(zone.getOrigin())) {
      h.setRcode(Rcode.REFUSED);
      return List.of(r);
    }
    if (type == Type.AXFR || type == Type.IXFR) {
      if (!tcp && type == Type.IXFR && mayTransfer && name.equals(zone.getOrigin())) {
        h.setFlag(Flags.AA); // over UDP: just the SOA, which says "come over TCP"
        r.addRecord(zone.getSOA(), Section.ANSWER);
        return List.of(r);
      }
      if (!tcp || !mayTransfer || !name.equals(zone.getOrigin())) {
        h.setRcode(Rcode.REFUSED);
        return List.of(r);
      }
      return transfer(zone, r);
    }
    h.setFlag(Flags.AA);
    if (type == Type.ANY && !tcp) { // no amplification: the whole of a name over TCP only (RFC 8482 allows either)
      h.setFlag(Flags.TC);
      return List.of(r);
    }
    SetResponse found = zone.findRecords(name, type);
    if (found.isCNAME()) {
      r.addRecord(found.getCNAME(), Section.ANSWER);
      Name target = found.getCNAME().getTarget();
      if (target.subdomain(zone.getOrigin()) && type != Type.CNAME) {
        found = zone.findRecords(target, type);
        if (!found.isSuccessful()) {
          r.addRecord(zone.getSOA(), Section.AUTHORITY);
          return List.of(r);
        }
      } else {
        return List.of(r);
      }
    }
    if (found.isSuccessful()) {
      for (RRset set : found.answers()) {
        for (Record rec : set.rrs()) {
          r.addRecord(rec, Section.ANSWER);
        }
      }
    } else {
      if (found.isNXDOMAIN()) {
        h.setRcode(Rcode.NXDOMAIN);
      }
      r.addRecord(zone.getSOA(), Section.AUTHORITY);
    }
    return List.of(r);
  }

  /** The zone as a transfer: its SOA, every record, its SOA again, over as many messages as it takes. */
  private static List<Message> transfer(Zone zone, Message first) {
    List<Record> all = new ArrayList<>();
    for (Iterator<RRset> it = zone.AXFR(); it.hasNext(); ) {
      all.addAll(it.next().rrs());
    }
    List<Message> out = new ArrayList<>();
    Message m = first;
    m.getHeader().setFlag(Flags.AA);
    int inThis = 0;
    for (Record rec : all) {
      if (inThis == TRANSFER_CHUNK) {
        out.add(m);
        m = new Message(first.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        inThis = 0;
      }
      m.addRecord(rec, Section.ANSWER);
      inThis++;
    }
    out.add(m);
    return out;
  }

  /** The largest UDP answer the asker takes: its EDNS payload (up to Pier's), else 512 bytes. */
  static int udpLimit(Message query) {
    OPTRecord opt = query.getOPT();
    return opt == null ? 512 : Math.max(512, Math.min(opt.getPayloadSize(), EDNS_PAYLOAD));
  }
}
