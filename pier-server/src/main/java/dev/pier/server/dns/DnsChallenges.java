package dev.pier.server.dns;

import java.io.IOException;
import java.util.List;

/** DNS-01 answers for an ACME CA, set through the same path as Pier's names (the operator's server, or Pier's own). */
public interface DnsChallenges {

  /** No DNS zone: names are proved one by one over HTTP. */
  DnsChallenges NONE = new DnsChallenges() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public void put(List<String> values) {
      throw new IllegalStateException("Pier keeps no DNS zone");
    }

    @Override
    public void remove(List<String> values) {}
  };

  /** Whether Pier keeps a DNS zone: only then can it prove names by DNS-01. */
  boolean enabled();

  /** Puts the answers at {@code _acme-challenge.DOMAIN}; returns once the zone's server holds them. */
  void put(List<String> values) throws IOException;

  /** Removes those answers, and only them. */
  void remove(List<String> values) throws IOException;
}
