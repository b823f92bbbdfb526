package dev.pier.edge;

import java.nio.charset.StandardCharsets;

/**
 * Byte helpers for HTTP/1.x heads read as bytes ({@link ClientRequest}, {@link UpstreamHead}): finding, comparing and
 * checking runs of bytes against RFC 9110's grammar, without making strings. Ranges are {@code [from, to)}.
 */
final class HeaderBytes {

  private HeaderBytes() {}

  /** tchar (RFC 9110, 5.6.2): the bytes of a token. */
  private static final boolean[] TCHAR = new boolean[256];
  /** What a request target may hold: visible ASCII and bytes above it (no space, no control). */
  private static final boolean[] TARGET = new boolean[256];
  /** What a field value may hold: visible ASCII, obs-text, space and tab (no other control). */
  private static final boolean[] VALUE = new boolean[256];

  static {
    for (int c = 0x21; c < 0x7f; c++) {
      TCHAR[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
      TARGET[c] = true;
      VALUE[c] = true;
    }
    for (int c = 0x80; c < 0x100; c++) {
      TARGET[c] = true;
      VALUE[c] = true;
    }
    VALUE[' '] = true;
    VALUE['\t'] = true;
  }

  static int indexOf(byte[] a, int from, int to, char c) {
    for (int i = from; i < to; i++) {
      if (a[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Where a line ending at the LF {@code lf} ends without its CR, if it has one. */
  static int trimCr(byte[] a, int from, int lf) {
    return lf > from && a[lf - 1] == '\r' ? lf - 1 : lf;
  }

  static boolean isOws(byte b) {
    return b == ' ' || b == '\t';
  }

  static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** Whether the bytes are a token (one or more tchar). */
  static boolean token(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!TCHAR[a[i] & 0xff]) {
        return false;
      }
    }
    return to > from;
  }

  /** Whether the bytes can be a request target (RFC 9112: no whitespace, no control characters). */
  static boolean target(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!TARGET[a[i] & 0xff]) {
        return false;
      }
    }
    return to > from;
  }

  /** Whether the bytes can be a field value (RFC 9110, 5.5: no control characters but tab). */
  static boolean fieldValue(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!VALUE[a[i] & 0xff]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the bytes are exactly {@code s} (ASCII). */
  static boolean matches(byte[] a, int from, int to, String s) {
    if (to - from != s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (a[from + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  /** Whether the bytes are {@code s} (lower case ASCII), ignoring case. */
  static boolean equalsIgnoreCase(byte[] a, int from, int to, String s) {
    if (to - from != s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (lower(a[from + i]) != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the text is {@code lower} (lower case ASCII), ignoring case and blanks around it. */
  static boolean equalsIgnoreCase(String text, String lower) {
    return text.strip().equalsIgnoreCase(lower);
  }

  /** Whether {@code n} bytes of {@code a} from {@code as} and of {@code b} from {@code bs} are equal, ignoring case. */
  static boolean equalsIgnoreCase(byte[] a, int as, byte[] b, int bs, int n) {
    for (int k = 0; k < n; k++) {
      if (lower(a[as + k]) != lower(b[bs + k])) {
        return false;
      }
    }
    return true;
  }

  /** Whether bytes [from, to) are {@code name} (lower case), ignoring case. */
  static boolean nameIs(byte[] a, int from, int to, byte[] name) {
    return to - from == name.length && equalsIgnoreCase(a, from, name, 0, name.length);
  }

  /** Whether the comma-separated list in a[from, to) has the token t[ts, te), ignoring case and blanks. */
  static boolean hasToken(byte[] a, int from, int to, byte[] t, int ts, int te) {
    int i = from;
    while (i < to) {
      int comma = indexOf(a, i, to, ',');
      int e = comma < 0 ? to : comma;
      int s = i;
      while (s < e && isOws(a[s])) {
        s++;
      }
      int f = e;
      while (f > s && isOws(a[f - 1])) {
        f--;
      }
      if (f - s == te - ts && equalsIgnoreCase(a, s, t, ts, te - ts)) {
        return true;
      }
      i = e + 1;
    }
    return false;
  }

  /** The bytes as a decimal number (digits only, at most 18), or -1. */
  static long digits(byte[] a, int from, int to) {
    if (to == from || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      if (!digit(a[i])) {
        return -1;
      }
      v = v * 10 + (a[i] - '0');
    }
    return v;
  }

  static String string(byte[] a, int from, int to) {
    return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT"};

  /** The method the request line starts with, {@code a[0, end)}: the same string for the usual ones. */
  static String method(byte[] a, int end) {
    for (String m : METHODS) {
      if (matches(a, 0, end, m)) {
        return m;
      }
    }
    return string(a, 0, end);
  }

  /** What the header named a[from, to) is to the edge: one of {@link ClientRequest}'s kinds. */
  static int kind(byte[] a, int from, int to) {
    return switch (to - from) {
      case 2 -> is(a, from, to, "te", ClientRequest.DROPPED);
      case 4 -> is(a, from, to, "host", ClientRequest.HOST);
      case 6 -> is(a, from, to, "expect", ClientRequest.EXPECT);
      case 7 -> equalsIgnoreCase(a, from, to, "upgrade") ? ClientRequest.UPGRADE
          : equalsIgnoreCase(a, from, to, "referer") ? ClientRequest.REFERER : is(a, from, to, "trailer", ClientRequest.DROPPED);
      case 9 -> equalsIgnoreCase(a, from, to, "forwarded") ? ClientRequest.DROPPED : is(a, from, to, "x-real-ip", ClientRequest.DROPPED);
      case 10 -> equalsIgnoreCase(a, from, to, "connection") ? ClientRequest.CONNECTION
          : equalsIgnoreCase(a, from, to, "user-agent") ? ClientRequest.USER_AGENT : is(a, from, to, "keep-alive", ClientRequest.DROPPED);
      case 14 -> is(a, from, to, "content-length", ClientRequest.CONTENT_LENGTH);
      case 15 -> equalsIgnoreCase(a, from, to, "x-forwarded-for") ? ClientRequest.DROPPED
          : is(a, from, to, "x-forwarded-ssl", ClientRequest.DROPPED);
      case 16 -> equalsIgnoreCase(a, from, to, "proxy-connection") || equalsIgnoreCase(a, from, to, "x-forwarded-host")
          || equalsIgnoreCase(a, from, to, "x-forwarded-port") ? ClientRequest.DROPPED : ClientRequest.OTHER;
      case 17 -> equalsIgnoreCase(a, from, to, "transfer-encoding") ? ClientRequest.TRANSFER_ENCODING
          : is(a, from, to, "x-forwarded-proto", ClientRequest.DROPPED);
      case 18 -> equalsIgnoreCase(a, from, to, "x-forwarded-prefix") || equalsIgnoreCase(a, from, to, "x-forwarded-scheme")
          || equalsIgnoreCase(a, from, to, "x-forwarded-server") ? ClientRequest.DROPPED : ClientRequest.OTHER;
      default -> ClientRequest.OTHER;
    };
  }

  private static int is(byte[] a, int from, int to, String name, int kind) {
    return equalsIgnoreCase(a, from, to, name) ? kind : ClientRequest.OTHER;
  }
}
