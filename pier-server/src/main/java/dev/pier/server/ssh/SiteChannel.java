package dev.pier.server.ssh;

import dev.pier.engine.content.WebFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;

/**
 * An SFTP file handle: each read or write opens the file, does its part at its position and closes it again, under
 * the site's lock; so nothing of the site stays open between two requests of a session.
 */
final class SiteChannel implements SeekableByteChannel {

  private final SiteFileSystemProvider provider;
  private final SiteFileSystemProvider.Target target;
  private final String release;
  private final boolean writable;
  private final boolean append;
  private long position;
  private boolean open = true;

  SiteChannel(SiteFileSystemProvider provider, SiteFileSystemProvider.Target target, String release, boolean writable, boolean append) {
    this.provider = provider;
    this.target = target;
    this.release = release;
    this.writable = writable;
    this.append = append;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    check();
    int n = provider.on(target, f -> {
      try (SeekableByteChannel ch = open(f, false)) {
        ch.position(position);
        return ch.read(dst);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    check();
    if (!writable) {
      throw new NonWritableChannelException();
    }
    long[] at = {position};
    int n = provider.on(target, f -> {
      try (SeekableByteChannel ch = open(f, true)) {
        if (append) {
          at[0] = ch.size();
        }
        ch.position(at[0]);
        return ch.write(src);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
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
    check();
    return provider.attributes(target.shown()).size();
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
    check();
    if (!writable) {
      throw new NonWritableChannelException();
    }
    provider.on(target, f -> {
      try (SeekableByteChannel ch = open(f, true)) {
        ch.truncate(size);
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    position = Math.min(position, size);
    return this;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  /**
   * The file, in the release it was opened in: after a publish or rollback the same path is another release's
   * file, which a transfer under way must not change.
   */
  private SeekableByteChannel open(WebFiles f, boolean write) throws IOException {
    if (!f.release().equals(release)) {
      throw new FileSystemException(target.shown().toString(), null,
          "the site's live content changed (a publish or a rollback) during the transfer: send the file again");
    }
    return f.open(target.path(), write, false, false);
  }

  private void check() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
