package dev.pier.engine.content;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A path inside a site's web root as a sender gives it (an archive entry's name, a file manager's or SFTP client's
 * path), checked and made relative: {@code /} and {@code \} separate names, empty and {@code .} names are dropped,
 * and anything that could lead outside or confuse is refused: {@code ..} anywhere, control characters, a
 * replacement character (what invalid UTF-8 decodes to), names over 255 bytes. Pure.
 *
 * @param names the path's names, outermost first; empty for the web root itself
 */
public record ContentPath(List<String> names) {

  /** The longest name a Linux file system takes, in bytes. */
  public static final int MAX_NAME_BYTES = 255;
  /** The longest path, in bytes. */
  public static final int MAX_PATH_BYTES = 4000;

  public static final ContentPath ROOT = new ContentPath(List.of());

  public ContentPath {
    names = List.copyOf(names);
  }

  /**
   * Checks {@code raw}. With {@code absoluteAllowed} a leading {@code /} means the web root (a file manager's
   * {@code /css/site.css}); without it, an absolute name is refused (an archive entry {@code /etc/passwd}).
   */
  public static ContentPath parse(String raw, boolean absoluteAllowed) {
    if (raw == null) {
      throw ContentException.invalid("a path is missing");
    }
    String shown = printable(raw);
    if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw ContentException.invalid("path \"" + abbreviated(shown) + "\" is longer than " + MAX_PATH_BYTES + " bytes");
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        throw ContentException.invalid("path \"" + shown + "\" contains a control character");
      }
      if (c == '\uFFFD') {
        throw ContentException.invalid("path \"" + shown + "\" is not valid UTF-8");
      }
      if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1)))
          && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(raw.charAt(i - 1)))) {
        throw ContentException.invalid("path \"" + shown + "\" is not valid UTF-8");
      }
    }
    String path = raw.replace('\\', '/');
    if (path.startsWith("/") && !absoluteAllowed) {
      throw ContentException.invalid("path \"" + shown + "\" is absolute: archive entries must be relative to the web root");
    }
    List<String> out = new ArrayList<>();
    for (String n : path.split("/")) {
      if (n.isEmpty() || n.equals(".")) {
        continue;
      }
      if (n.equals("..")) {
        throw ContentException.invalid("path \"" + shown + "\" climbs out with \"..\": paths stay inside the web root");
      }
      if (n.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw ContentException.invalid("name \"" + abbreviated(printable(n)) + "\" is longer than " + MAX_NAME_BYTES + " bytes");
      }
      out.add(n);
    }
    return new ContentPath(out);
  }

  /** Names no content may take: busybox httpd reads {@code httpd.conf} in every folder it serves from as its settings. */
  public static final Set<String> RESERVED = Set.of("httpd.conf");

  /** Refuses a path with a {@link #RESERVED} name anywhere in it. */
  public ContentPath checkNotReserved() {
    for (String n : names) {
      if (RESERVED.contains(n)) {
        throw ContentException.invalid("\"" + this + "\": \"" + n + "\" is a web server's settings file, which no site may"
            + " publish (it could make the server run programs)");
      }
    }
    return this;
  }

  public boolean isRoot() {
    return names.isEmpty();
  }

  /** The last name; empty for the root. */
  public String fileName() {
    return names.isEmpty() ? "" : names.getLast();
  }

  public ContentPath parent() {
    return names.isEmpty() ? this : new ContentPath(names.subList(0, names.size() - 1));
  }

  public ContentPath resolve(String name) {
    List<String> n = new ArrayList<>(names);
    n.addAll(parse(name, false).names());
    return new ContentPath(n);
  }

  /** Whether {@code other} is this path or lies under it. */
  public boolean contains(ContentPath other) {
    return other.names.size() >= names.size() && other.names.subList(0, names.size()).equals(names);
  }

  /** The path as the API shows it: {@code /css/site.css}, {@code /} for the root. */
  @Override
  public String toString() {
    return "/" + String.join("/", names);
  }

  private static String abbreviated(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  /** {@code s} with control characters shown as {@code \xhh}, for messages. */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() > 200 ? b.substring(0, 200) + "..." : b.toString();
  }
}
