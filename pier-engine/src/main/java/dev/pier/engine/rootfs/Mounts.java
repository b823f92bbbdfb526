package dev.pier.engine.rootfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the kernel's table of mounts ({@code /proc/self/mountinfo}). */
public final class Mounts {

  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private Mounts() {}

  /** Mount points listed in a mountinfo text, unescaped. Pure. */
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

  /** Current mount points on this host. */
  public static List<Path> current() {
    try {
      return mountPoints(Files.readString(MOUNTINFO));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MOUNTINFO, e);
    }
  }

  public static boolean isMountPoint(Path p) {
    return current().contains(p.toAbsolutePath().normalize());
  }

  /** Unmounts everything mounted at or below {@code dir}, deepest first; nothing if nothing is. */
  public static void unmountAll(dev.pier.engine.exec.CommandRunner runner, Path dir) {
    for (Path p : under(dir)) {
      runner.check(dev.pier.engine.exec.Command.of("umount", p.toString()));
    }
  }

  /**
   * Mount points at or below {@code dir}, newest first: the order to unmount them in, since a mount can only
   * depend on older ones (an overlay on the loop-mounted file system under it, say).
   */
  public static List<Path> under(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    List<Path> found = new ArrayList<>(current().stream().filter(p -> p.startsWith(d)).toList());
    java.util.Collections.reverse(found);
    return found;
  }

  /** Whether an overlay mount on this host has a lower layer at or below {@code dir} (an image a site runs on). */
  public static boolean usedAsLowerLayer(Path dir) {
    try {
      return usedAsLowerLayer(Files.readString(MOUNTINFO), dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MOUNTINFO, e);
    }
  }

  static boolean usedAsLowerLayer(String mountinfo, Path dir) {
    String d = dir.toAbsolutePath().normalize().toString();
    for (String line : mountinfo.split("\n")) {
      int dash = line.indexOf(" - overlay ");
      if (dash < 0) {
        continue;
      }
      for (String opt : line.substring(dash).split(",")) {
        if (opt.startsWith("lowerdir=")) {
          for (String escaped : opt.substring("lowerdir=".length()).split(":")) {
            String lower = unescape(escaped); // the kernel writes spaces and the like as \\040
            if (lower.equals(d) || lower.startsWith(d + "/")) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }
}
