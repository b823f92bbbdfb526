package dev.pier.engine.site;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A site's name: one DNS label, so that {@code NAME.DOMAIN} is a valid host name. Lowercase letters, digits and
 * hyphens, 1 to 63 characters, no hyphen first or last, and not one of the names Pier keeps for itself.
 * Validated on construction: holding a SiteName means holding a valid one.
 */
public record SiteName(String value) implements Comparable<SiteName> {

  /** Names kept for the platform's own services and hosts. */
  public static final Set<String> RESERVED = Set.of(
      "www", "ns", "ns1", "ns2", "mail", "smtp", "imap", "pop", "mx", "ftp", "sftp", "admin", "api",
      "panel", "pier", "localhost", "dashboard", "static", "assets", "acme", "autoconfig", "autodiscover");

  /**
   * More names no new site may take (existing sites keep theirs): hosts a visitor trusts for logging in, mail or
   * the network's own configuration (a site named {@code wpad} would hand browsers a proxy; {@code mta-sts} sets the
   * domain's mail policy).
   */
  public static final Set<String> RESERVED_FOR_NEW = Set.of(
      "login", "logout", "signin", "signup", "sso", "auth", "oauth", "account", "accounts", "id", "my", "secure",
      "webmail", "email", "pop3", "imap4", "mta-sts", "ssh", "git", "status", "cdn", "ca", "pki", "ldap", "vpn",
      "proxy", "wpad", "isatap", "dns", "ntp", "ns3", "ns4", "support", "help", "portal", "billing");

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public SiteName {
    String problem = problem(value);
    if (problem != null) {
      throw new InvalidSiteNameException(value, problem);
    }
  }

  public static SiteName of(String value) {
    return new SiteName(value);
  }

  /** A name for a site to be created: valid, and none of {@link #RESERVED_FOR_NEW} either. */
  public static SiteName forNewSite(String value) {
    SiteName name = new SiteName(value);
    if (RESERVED_FOR_NEW.contains(value)) {
      throw new InvalidSiteNameException(value, "it is reserved for the platform; choose another name");
    }
    return name;
  }

  /** Why {@code value} is not a valid site name, or null when it is one. */
  public static String problem(String value) {
    if (value == null || value.isEmpty()) {
      return "a name is required: use lowercase letters, digits and hyphens (1-63 characters)";
    }
    if (value.length() > 63) {
      return "it has " + value.length() + " characters; use at most 63";
    }
    if (!value.equals(value.toLowerCase(Locale.ROOT)) && LABEL.matcher(value.toLowerCase(Locale.ROOT)).matches()) {
      return "use lowercase letters only";
    }
    if (value.startsWith("-") || value.endsWith("-")) {
      return "it may not start or end with a hyphen";
    }
    if (!LABEL.matcher(value).matches()) {
      return "use lowercase letters, digits and hyphens only (1-63 characters)";
    }
    if (RESERVED.contains(value)) {
      return "it is reserved for the platform; choose another name";
    }
    return null;
  }

  @Override
  public int compareTo(SiteName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
