package dev.pier.engine.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards tests that need root (runc, iproute2, mount). Outside CI they are skipped when not root; under
 * {@code CI=true} they fail instead, so a CI run can never pass by skipping them.
 */
public final class RootRequired {

  private RootRequired() {}

  public static void check() {
    boolean root = "root".equals(System.getProperty("user.name")) || isUid0();
    if (root) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail("this test needs root, and CI=true: run the suite as root (sudo ./pier test)");
    }
    Assumptions.abort("needs root: run as root (sudo ./pier test)");
  }

  private static boolean isUid0() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status")).lines()
          .filter(l -> l.startsWith("Uid:")).findFirst().map(l -> l.split("\\s+")[1].equals("0")).orElse(false);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
