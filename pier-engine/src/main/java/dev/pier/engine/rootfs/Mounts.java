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
}
