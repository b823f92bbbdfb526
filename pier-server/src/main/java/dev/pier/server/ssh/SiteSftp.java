package dev.pier.server.ssh;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * The SFTP subsystem of Pier's SSH server: MINA's, over the sessions' own file system ({@link SiteFileSystemProvider}),
 * with Pier's reasons for refusals, and answering on the connection's own thread when it can.
 *
 * <p>MINA hands every request from the thread that read it to a thread of the session's own, and the answer back:
 * two thread switches per request, each worth as much as the request's own work, and an SFTP upload is three
 * requests per file, each awaited by the client. Here a request is answered on the reading thread when no request of
 * the session waits in the queue (order is kept) and no site's lock is held (it would wait on it, holding up the
 * connections that thread serves; it then goes to the queue as before). A site's lock taken in between the check and
 * the request makes that one request wait on the reading thread.
 */
final class SiteSftp extends SftpSubsystemFactory {

  private final BooleanSupplier mayWait;

  /** @param mayWait whether a request might wait now: some site's lock is held */
  SiteSftp(BooleanSupplier mayWait) {
    this.mayWait = mayWait;
    setFileSystemAccessor(new SftpFileSystemAccessor() {
      // Handles through the session's file system (its files kept open on their site), not FileChannel.open's own.
      @Override
      public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle handle, Path file, String id,
          Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return Files.newByteChannel(file, options, attrs);
      }
    });
    setErrorStatusDataHandler(new SftpErrorStatusDataHandler() {
      // Pier's reason for a refusal ("the site's live content changed...: send the file again"), not "General
      // failure". A reason is Pier's sentence or the system's error text: neither names a path on the host.
      @Override
      public String resolveErrorMessage(SftpSubsystemEnvironment sftp, int id, Throwable e, int status, int cmd, Object... args) {
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
            : SftpErrorStatusDataHandler.super.resolveErrorMessage(sftp, id, e, status, cmd, args);
      }
    });
  }

  @Override
  public Command createSubsystem(ChannelSession channel) throws IOException {
    return new Subsystem(channel, this, mayWait);
  }

  /** One session's SFTP: requests answered on the reading thread when nothing can make them wait, else queued. */
  static final class Subsystem extends SftpSubsystem {

    private final BooleanSupplier mayWait;
    /** Requests queued and not yet answered by the session's thread: none may be overtaken. */
    private final AtomicInteger queued = new AtomicInteger();

    Subsystem(ChannelSession channel, SftpSubsystemFactory factory, BooleanSupplier mayWait) {
      super(channel, factory);
      this.mayWait = mayWait;
    }

    /** Takes what the client sent, cut into requests (as MINA's own does), and answers or queues each. */
    @Override
    public int data(ChannelSession channel, byte[] buf, int start, int len) throws IOException {
      buffer.compact();
      buffer.putRawBytes(buf, start, len);
      while (buffer.available() >= Integer.BYTES) {
        int rpos = buffer.rpos();
        int length = buffer.getInt();
        if (buffer.available() < length) {
          buffer.rpos(rpos);
          break;
        }
        Buffer request = new ByteArrayBuffer(length + Integer.BYTES + Long.SIZE, false);
        request.putUInt(length);
        request.putRawBytes(buffer.array(), buffer.rpos(), length);
        buffer.rpos(rpos + length + Integer.BYTES);
        if (queued.get() == 0 && !mayWait.getAsBoolean()) {
          int size = request.available();
          super.process(request);
          channel.getLocalWindow().release(size);
        } else {
          queued.incrementAndGet();
          requests.add(request);
        }
      }
      return 0; // the window opens again as requests are answered
    }

    /** A queued request, answered by the session's own thread. */
    @Override
    protected void process(Buffer request) throws IOException {
      try {
        super.process(request);
      } finally {
        queued.decrementAndGet();
      }
    }
  }
}
