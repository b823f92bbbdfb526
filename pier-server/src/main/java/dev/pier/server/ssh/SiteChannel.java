package dev.pier.server.ssh;

import dev.pier.engine.content.OpenedFile;
import dev.pier.engine.content.WebFiles;
import dev.pier.server.site.Kept;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;

/**
 * An SFTP file handle. Its file stays open between requests, kept on the site ({@link Kept}): every read or write
 * runs under the site's lock, and a start, stop or other change of the site, a publish or rollback, or a change of
 * the site's files by another hand (the file manager, a delete or rename over SFTP) closes the file first. The next
 * request then opens it again, in the release it was first opened in: it fails when another release went live
 * meanwhile, or when the path is another file by then (another inode; a file deleted and made again may get the same
 * number back, so this is a safeguard, not a proof).
 */
final class SiteChannel implements SeekableByteChannel {

  /** What a request does with the open file; never null. */
  @FunctionalInterface
  interface Work<T> {
    T on(FileChannel file) throws IOException;
  }

  private final SiteFileSystemProvider provider;
  private final SiteFileSystemProvider.Target target;
  private final boolean writable;
  private final boolean append;
  private String release;
  private long inode = -1;
  private FileChannel file;
  private Kept kept;
  private long position;
  private volatile boolean open = true;

  SiteChannel(SiteFileSystemProvider provider, SiteFileSystemProvider.Target target, boolean writable, boolean append) {
    this.provider = provider;
    this.target = target;
    this.writable = writable;
    this.append = append;
  }

  /**
   * Takes {@code opened}, the file just opened in {@code f} under the site's lock, and keeps it open on the site;
   * closes it instead when the handle was closed meanwhile (its session ended), or when it is opened again and is
   * another file than the one first opened.
   */
  synchronized void opened(WebFiles f, OpenedFile opened) {
    IOException refused = !open ? new ClosedChannelException()
        : inode >= 0 && inode != opened.inode() ? new FileSystemException(target.shown().toString(), null,
            "the file was replaced, moved or deleted during the transfer: start it again")
        : null;
    if (refused == null) {
      try {
        kept = provider.keep(target, opened.channel());
      } catch (RuntimeException e) {
        closeQuietly(opened.channel());
        throw e;
      }
      if (inode < 0) {
        target.shown().getFileSystem().opened(this);
      }
      release = f.release();
      inode = opened.inode();
      file = opened.channel();
      return;
    }
    closeQuietly(opened.channel());
    throw new UncheckedIOException(refused);
  }

  /** Whether a file was opened and kept for it. */
  synchronized boolean hasFile() {
    return kept != null;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n = io(ch -> ch.read(dst, position));
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!writable) {
      check();
      throw new NonWritableChannelException();
    }
    long[] at = {position};
    int n = io(ch -> {
      if (append) {
        at[0] = ch.size();
      }
      return ch.write(src, at[0]);
    });
    position = at[0] + n;
    return n;
  }

  @Override
  public long position() throws IOException {
    check();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    check();
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    return io(FileChannel::size);
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
    if (!writable) {
      check();
      throw new NonWritableChannelException();
    }
    io(ch -> {
      ch.truncate(size);
      return Boolean.TRUE;
    });
    position = Math.min(position, size);
    return this;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public synchronized void close() {
    if (!open) {
      return;
    }
    open = false;
    if (kept != null) {
      provider.close(kept);
      target.shown().getFileSystem().closed(this);
      provider.released(target);
    }
  }

  /**
   * Runs {@code work} on the open file under the site's lock; when the file was closed by a change of the site, opens
   * it again first, in the release it was opened in: after a publish or rollback the same path is another release's
   * file, which a transfer under way must not change.
   */
  private <T> T io(Work<T> work) throws IOException {
    check();
    T done = provider.whileKept(kept, () -> unchecked(work, file));
    if (done != null) {
      return done;
    }
    return provider.on(target, f -> {
      if (!f.release().equals(release)) {
        throw new UncheckedIOException(new FileSystemException(target.shown().toString(), null,
            "the site's live content changed (a publish or a rollback) during the transfer: start it again"));
      }
      opened(f, f.open(target.path(), writable, false, false));
      return unchecked(work, file);
    });
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // opened for nothing
    }
  }

  private static <T> T unchecked(Work<T> work, FileChannel file) {
    try {
      return work.on(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void check() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
