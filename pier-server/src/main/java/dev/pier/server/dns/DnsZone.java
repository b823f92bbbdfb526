package dev.pier.server.dns;

import java.io.IOException;
import java.util.List;
import org.xbill.DNS.Name;

/** Where Pier's names are kept: the operator's server ({@link Rfc2136Keeper}) or Pier's own ({@link EmbeddedDns}). */
interface DnsZone {

  /** {@code name} should now be what the plan says (a site's was made or went). */
  void changed(Name name);

  /** Where {@code name} stands. */
  NameState state(Name name);

  /** Every name Pier keeps, and where it stands. */
  List<NameState> states();

  /** Puts DNS-01 answers at {@code _acme-challenge.DOMAIN}; returns once the server holds them. */
  void putChallenge(List<String> values) throws IOException;

  /** Removes those answers (only them). */
  void removeChallenge(List<String> values) throws IOException;
}
