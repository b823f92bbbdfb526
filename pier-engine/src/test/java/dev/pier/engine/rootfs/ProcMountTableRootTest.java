package dev.pier.engine.rootfs;

import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.testing.RootRequired;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

@Tag("root")
class ProcMountTableRootTest extends MountTableContract {

  private final ProcMountTable table = new ProcMountTable(new ProcessRunner());
  private Path dir;

  @BeforeEach
  void setUp() throws IOException {
    RootRequired.check();
    dir = Files.createTempDirectory("pier-test-mounts-").toRealPath();
  }

  @AfterEach
  void removeDir() {
    if (dir != null) {
      table.unmountAll(dir);
      MoreFiles.deleteRecursively(dir);
    }
  }

  @Override
  MountTable table() {
    return table;
  }

  @Override
  Path dir() {
    return dir;
  }
}
