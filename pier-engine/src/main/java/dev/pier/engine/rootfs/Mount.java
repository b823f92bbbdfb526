package dev.pier.engine.rootfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One mount to make: a file system type, its source, its options and where it goes. A pure value that renders
 * mount(8)'s argument list.
 */
public record Mount(String type, String source, List<String> options, Path target) {

  public Mount {
    options = List.copyOf(options);
  }

  /** {@code mount -t TYPE SOURCE -o OPTIONS TARGET}. Pure. */
  public List<String> argv() {
    List<String> argv = new ArrayList<>(List.of("mount", "-t", type, source));
    if (!options.isEmpty()) {
      argv.add("-o");
      argv.add(String.join(",", options));
    }
    argv.add(target.toString());
    return argv;
  }

  /** The value of option {@code key=} (such as an overlay's {@code lowerdir}), or null. */
  public String option(String key) {
    return options.stream().filter(o -> o.startsWith(key + "=")).map(o -> o.substring(key.length() + 1)).findFirst().orElse(null);
  }
}
