package dev.pier.engine.content;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where published content comes from, entry by entry: an uploaded archive, a pushed git tree. One pipeline
 * ({@link Unpacker}) checks and writes what any source gives.
 */
public interface ContentSource {

  /** Hands each entry to {@code sink} in order, with its bytes for a file (read them before the next entry). */
  void forEach(Sink sink) throws IOException;

  /** Receives a source's entries. */
  interface Sink {
    void accept(Entry entry, InputStream data) throws IOException;
  }

  /** What an entry is. Only files and directories are published. */
  enum Kind {
    FILE, DIRECTORY, SYMLINK, HARDLINK, SPECIAL
  }

  /**
   * One entry as the source names it.
   *
   * @param name   its raw name, checked by {@link ContentPath#parse}
   * @param kind   what it is
   * @param mode   its permission bits as the source gives them (only whether anyone may execute a file is kept)
   * @param mtime  its modification time in milliseconds since the epoch, or -1 when the source has none
   */
  record Entry(String name, Kind kind, int mode, long mtime) {}
}
