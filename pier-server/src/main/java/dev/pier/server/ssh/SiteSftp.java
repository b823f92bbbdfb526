package dev.pier.server.ssh;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * The SFTP subsystem of Pier's SSH server: MINA's, over the sessions' own file system ({@link SiteFileSystemProvider}),
 * with Pier's reasons for refusals.
 */
final class SiteSftp extends SftpSubsystemFactory {

  SiteSftp() {
    setFileSystemAccessor(new SftpFileSystemAccessor() {
      // Handles through the session's file system (its files kept open on their site), not FileChannel.open's own.
      @Override
      public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle handle, Path file, String id,
          Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        return Files.newByteChannel(file, options, attrs);
      }
    });
    setErrorStatusDataHandler(new SftpErrorStatusDataHandler() {
      // Pier's reason for a refusal ("the site's live content changed...: start it again"), not "General
      // failure"; the SFTP server's own ("Too many open handles"), not the status' text ("No space left on device").
      // A reason is Pier's sentence or the system's error text, and the server's names no file: no path on the host.
      @Override
      public String resolveErrorMessage(SftpSubsystemEnvironment sftp, int id, Throwable e, int status, int cmd, Object... args) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
          return f.getReason();
        }
        if (e instanceof SftpException && e.getMessage() != null) {
          return e.getMessage();
        }
        return SftpErrorStatusDataHandler.super.resolveErrorMessage(sftp, id, e, status, cmd, args);
      }
    });
  }
}
