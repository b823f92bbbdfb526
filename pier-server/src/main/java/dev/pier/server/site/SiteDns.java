package dev.pier.server.site;

import java.util.List;

/** Where a site's name stands in DNS, for its JSON and page; the DNS feature answers (the site package knows no DNS). */
public interface SiteDns {

  /**
   * @param state   {@code published}, {@code pending} or {@code failed}
   * @param reason  why not published (null when it is)
   * @param records the records Pier keeps for the name, as zone-file lines
   */
  record State(String state, String reason, List<String> records) {}

  /** The state of {@code site}'s name; null when Pier keeps no DNS. */
  State of(String site);
}
