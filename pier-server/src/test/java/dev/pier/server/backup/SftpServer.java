package dev.pier.server.backup;

import dev.pier.engine.exec.Command;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.testing.TestOutside;
import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An off-site backup server for tests: OpenSSH's sshd, in the network namespace of a {@link TestOutside} (never the
 * host's own), taking root's logins with one client key only, its SFTP holding folders in a temporary directory.
 * {@link #close()} ends it and removes the directory.
 */
final class SftpServer implements AutoCloseable {

  final Path dir;
  /** The client's private key, and its public half in the server's authorized keys. */
  final Path clientKey;
  /** The server's host key line, as {@code known_hosts} takes it. */
  final String knownHosts;
  final String address;
  private final Process sshd;

  SftpServer(TestOutside outside) throws Exception {
    ProcessRunner runner = new ProcessRunner();
    address = outside.address;
    dir = Files.createTempDirectory("pier-test-sftp-");
    Process started = null;
    try {
      runner.check(Command.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host-key").toString()));
      runner.check(Command.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client-key").toString()));
      clientKey = dir.resolve("client-key");
      Files.copy(dir.resolve("client-key.pub"), dir.resolve("authorized_keys"));
      knownHosts = address + " " + Files.readString(dir.resolve("host-key.pub")).strip();
      Files.writeString(dir.resolve("sshd_config"), String.join("\n",
          "ListenAddress " + address + ":22",
          "HostKey " + dir.resolve("host-key"),
          "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
          "PidFile none",
          "StrictModes no",
          "UsePAM no",
          "PermitRootLogin prohibit-password",
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "Subsystem sftp internal-sftp",
          ""));
      Files.createDirectories(Path.of("/run/sshd")); // its privilege separation directory
      started = new ProcessBuilder("ip", "netns", "exec", outside.netns, "/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
      for (int i = 0; ; i++) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(address, 22), 1000);
          break;
        } catch (IOException notYet) {
          if (i > 100 || !started.isAlive()) {
            throw new IllegalStateException("sshd did not listen: " + Files.readString(dir.resolve("sshd.log")));
          }
          Thread.sleep(100);
        }
      }
      sshd = started;
    } catch (Exception e) {
      if (started != null) {
        started.destroy();
      }
      MoreFiles.deleteRecursively(dir);
      throw e;
    }
  }

  /** restic's URL for repository folder {@code name} on this server. */
  String url(String name) {
    return "sftp:root@" + address + ":" + dir.resolve(name);
  }

  @Override
  public void close() throws Exception {
    sshd.destroy();
    sshd.waitFor();
    MoreFiles.deleteRecursively(dir);
  }
}
