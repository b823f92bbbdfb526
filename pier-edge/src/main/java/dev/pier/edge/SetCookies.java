package dev.pier.edge;

/**
 * A site's response cookies are its own: a {@code Set-Cookie} from upstream loses its {@code Domain} attribute, so the
 * browser keeps the cookie for the site's own host only. With it, a site's server could set cookies for the panel's
 * domain and every other site under it (five 4 KB ones make each later request to any of them too large: a cookie
 * bomb). A site has no subdomains of its own, so nothing it may do is lost. Not a whole defence: a site's own
 * JavaScript can still set such cookies ({@code document.cookie}), which only a domain of the sites' own stops.
 * Pure.
 */
final class SetCookies {

  private SetCookies() {}

  /** Whether a {@code Set-Cookie} value carries a {@code Domain} attribute. */
  static boolean hasDomain(String value) {
    return hostOnly(value) != value;
  }

  /** The {@code Set-Cookie} value without its {@code Domain} attributes (the same string when it has none). */
  static String hostOnly(String value) {
    int semi = value.indexOf(';');
    if (semi < 0) {
      return value;
    }
    StringBuilder out = null;
    int start = semi;
    while (start < value.length()) {
      int next = value.indexOf(';', start + 1);
      int end = next < 0 ? value.length() : next;
      if (isDomain(value, start + 1, end)) {
        if (out == null) {
          out = new StringBuilder(value.length()).append(value, 0, start);
        }
      } else if (out != null) {
        out.append(value, start, end);
      }
      start = end;
    }
    return out == null ? value : out.toString();
  }

  /** Whether the attribute between {@code from} and {@code to} is named Domain (any case, any spaces). */
  private static boolean isDomain(String value, int from, int to) {
    int s = from;
    while (s < to && (value.charAt(s) == ' ' || value.charAt(s) == '\t')) {
      s++;
    }
    int nameEnd = s;
    while (nameEnd < to && value.charAt(nameEnd) != '=') {
      nameEnd++;
    }
    while (nameEnd > s && (value.charAt(nameEnd - 1) == ' ' || value.charAt(nameEnd - 1) == '\t')) {
      nameEnd--;
    }
    return nameEnd - s == 6 && value.regionMatches(true, s, "domain", 0, 6);
  }
}
