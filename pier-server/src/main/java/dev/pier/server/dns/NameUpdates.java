package dev.pier.server.dns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The RFC 2136 updates that keep one of Pier's names, each guarded by prerequisites the server checks atomically, so
 * that no record Pier did not make is ever changed: Pier's names carry its marker ({@link ZonePlan#marker}). Pure.
 *
 * <ul>
 *   <li>{@link #replace}: the name is Pier's (its marker is there, exactly): its A, AAAA and CNAME records become the
 *       wanted ones.
 *   <li>{@link #claim}: a name nobody holds (no A, AAAA nor CNAME, no marker; with CNAMEs, nothing at all) gets the
 *       wanted records and the marker.
 *   <li>{@link #release}: the name is Pier's: its records and marker go.
 * </ul>
 */
final class NameUpdates {

  private NameUpdates() {}

  static Update replace(ZonePlan plan, Name name, List<Record> wanted) {
    Update u = new Update(plan.zone());
    u.present(plan.marker(name, 0));
    for (int type : ZonePlan.TYPES) {
      u.delete(name, type);
    }
    u.add(wanted.toArray(Record[]::new));
    return u;
  }

  static Update claim(ZonePlan plan, Name name, List<Record> wanted) {
    Update u = new Update(plan.zone());
    if (plan.cname() && !name.equals(plan.domain())) {
      u.absent(name); // a CNAME stands alone at its name
    } else {
      for (int type : ZonePlan.TYPES) {
        u.absent(name, type);
      }
    }
    u.absent(plan.markerName(name), Type.TXT);
    u.add(wanted.toArray(Record[]::new));
    u.add(plan.marker(name));
    return u;
  }

  static Update release(ZonePlan plan, Name name) {
    Update u = new Update(plan.zone());
    u.present(plan.marker(name, 0));
    for (int type : ZonePlan.TYPES) {
      u.delete(name, type);
    }
    u.delete(plan.markerName(name), Type.TXT);
    return u;
  }

  /** A prerequisite failed: the marker is not there ({@code replace}, {@code release}), or the name is held ({@code claim}). */
  static boolean prerequisiteFailed(int rcode) {
    return rcode == Rcode.NXRRSET || rcode == Rcode.YXRRSET || rcode == Rcode.YXDOMAIN || rcode == Rcode.NXDOMAIN;
  }

  /** Whether {@code found} (the name's A, AAAA and CNAME records as the server answers them) is {@code wanted}, TTLs aside. */
  static boolean same(List<Record> found, List<Record> wanted) {
    return key(found).equals(key(wanted));
  }

  private static List<String> key(List<Record> records) {
    List<String> out = new ArrayList<>();
    for (Record r : records) {
      out.add(r.getName().toString().toLowerCase() + " " + Type.string(r.getType()) + " " + r.rdataToString().toLowerCase());
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
