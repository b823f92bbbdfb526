package dev.pier.server.ssh;

import java.nio.file.FileSystemException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Per user, the files their SFTP sessions hold open, all sessions together: each is a file descriptor of Pier's. */
final class OpenFileCap {

  private final int max;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  OpenFileCap(int max) {
    this.max = max;
  }

  /** Takes one of {@code user}'s files, or refuses opening {@code shown} when they hold {@link #max} already. */
  void reserve(String user, String shown) throws FileSystemException {
    boolean[] taken = {false};
    open.compute(user, (u, n) -> {
      int held = n == null ? 0 : n;
      taken[0] = held < max;
      return taken[0] ? held + 1 : n;
    });
    if (!taken[0]) {
      throw new FileSystemException(shown, null, "Too many open files: " + user + " has " + max
          + " open in all their sessions; close some first");
    }
  }

  /** Gives one back. */
  void release(String user) {
    open.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
  }
}
