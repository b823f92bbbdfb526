package dev.pier.engine.rootfs;

import dev.pier.engine.testing.FakeHost;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

class FakeMountTableTest extends MountTableContract {

  private final FakeHost host = new FakeHost();

  @AfterEach
  void closeHost() {
    host.close();
  }

  @Override
  MountTable table() {
    return host;
  }

  @Override
  Path dir() {
    return host.root();
  }
}
