package dev.pier.engine.testing;

import java.nio.file.Path;

/**
 * Where tests keep the Debian images they build: one directory shared by every test run on this machine, so
 * debootstrap runs once per image recipe, not once per test. Each test's sites still get their own data dir.
 */
public final class TestImages {

  public static final Path DIR = Path.of("/var/tmp/pier-test-images");

  private TestImages() {}
}
