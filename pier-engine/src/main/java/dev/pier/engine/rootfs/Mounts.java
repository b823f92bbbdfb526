package dev.pier.engine.rootfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the text of the kernel's table of mounts ({@code /proc/self/mountinfo}). Pure. */
public final class Mounts {

  private Mounts() {}

  /** Mount points listed in a mountinfo text, unescaped. */
  public static List<Path> mountPoints(String mountinfo) {
    List<Path> points = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      String[] f = line.split(" ");
      if (f.length > 4) {
        points.add(Path.of(unescape(f[4])));
      }
    }
    return points;
  }

  static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Whether {@code lower}, an overlay's lower layer, lies at or below {@code dir}. */
  public static boolean isAtOrBelow(String lower, Path dir) {
    String d = dir.toAbsolutePath().normalize().toString();
    return lower.equals(d) || lower.startsWith(d + "/");
  }

  /** Whether an overlay mount in the mountinfo text has a lower layer at or below {@code dir}. */
  public static boolean usedAsLowerLayer(String mountinfo, Path dir) {
    for (String line : mountinfo.split("\n")) {
      int dash = line.indexOf(" - overlay ");
      if (dash < 0) {
        continue;
      }
      for (String opt : line.substring(dash).split(",")) {
        if (opt.startsWith("lowerdir=")) {
          for (String escaped : opt.substring("lowerdir=".length()).split(":")) {
            if (isAtOrBelow(unescape(escaped), dir)) { // the kernel writes spaces and the like as \\040
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /**
   * Whether an id-mapped mount in the mountinfo text shows {@code dir} or what lies below it (a site's view of an
   * image): such a mount names no source path, but its file system (device) and its root in it, which are compared
   * with where {@code dir} lies.
   */
  public static boolean usedAsMappedSource(String mountinfo, Path dir) {
    String d = dir.toAbsolutePath().normalize().toString();
    String device = null;
    String where = null;
    int longest = -1;
    for (String line : mountinfo.split("\n")) { // the mount holding dir: the longest mount point above it, the newest
      String[] f = line.split(" ");
      if (f.length > 5 && (f[4].equals("/") || isAtOrBelow(d, Path.of(unescape(f[4])))) && unescape(f[4]).length() >= longest) {
        String point = unescape(f[4]);
        longest = point.length();
        device = f[2];
        String rest = d.substring(point.equals("/") ? 0 : point.length());
        String root = unescape(f[3]);
        where = (root.equals("/") ? "" : root) + rest;
      }
    }
    if (device == null) {
      return false;
    }
    for (String line : mountinfo.split("\n")) {
      String[] f = line.split(" ");
      if (f.length > 5 && f[2].equals(device) && List.of(f[5].split(",")).contains("idmapped")
          && (where.isEmpty() || isAtOrBelow(unescape(f[3]), Path.of(where)))) {
        return true;
      }
    }
    return false;
  }
}
