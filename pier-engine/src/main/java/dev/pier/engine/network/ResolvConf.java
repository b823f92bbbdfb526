package dev.pier.engine.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The host's upstream DNS resolvers, for sites with outbound access. */
@FunctionalInterface
public interface ResolvConf {

  /** The resolvers a site with outbound access may ask, read now; empty when the host names none usable. */
  List<String> upstream();

  /** The host's: systemd-resolved's upstream list when the host uses its stub, else /etc/resolv.conf. */
  ResolvConf HOST = () -> {
    for (Path p : List.of(Path.of("/run/systemd/resolve/resolv.conf"), Path.of("/etc/resolv.conf"))) {
      try {
        if (Files.isRegularFile(p)) {
          List<String> found = parse(Files.readString(p));
          if (!found.isEmpty()) {
            return found;
          }
        }
      } catch (IOException e) {
        // try the next one
      }
    }
    return List.of();
  };

  /**
   * The resolvers in a host's resolv.conf that a container can reach through the uplink: loopback ones (a local
   * stub such as systemd-resolved's 127.0.0.53) are left out, since a site cannot reach the host's loopback. Pure.
   */
  static List<String> parse(String resolvConf) {
    List<String> out = new ArrayList<>();
    for (String line : resolvConf.split("\n")) {
      String[] w = line.strip().split("\\s+");
      if (w.length >= 2 && w[0].equals("nameserver") && w[1].matches("[0-9.]+|[0-9a-fA-F:]+")
          && !w[1].startsWith("127.") && !w[1].equals("::1")) {
        out.add(w[1]);
      }
    }
    return out;
  }
}
