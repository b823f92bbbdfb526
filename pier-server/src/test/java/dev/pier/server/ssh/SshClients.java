package dev.pier.server.ssh;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** OpenSSH's own clients (ssh, sftp, git over ssh) run against a test's Pier, with a key made for the test. */
final class SshClients {

  record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  final Path dir;
  final Path key;
  final int port;

  SshClients(Path dir, int port) throws Exception {
    this.dir = dir;
    this.port = port;
    this.key = dir.resolve("id_ed25519");
    Result made = run(dir, Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test@pier", "-f", key.toString());
    if (!made.ok()) {
      throw new IllegalStateException("ssh-keygen: " + made);
    }
  }

  String publicKey() throws IOException {
    return Files.readString(dir.resolve("id_ed25519.pub")).strip();
  }

  /** Options every client gets: this test's known hosts file, no agent, no config of the machine's user. */
  List<String> options(boolean withKey) {
    List<String> o = new ArrayList<>(List.of("-F", "/dev/null", "-o", "UserKnownHostsFile=" + dir.resolve("known_hosts"),
        "-o", "StrictHostKeyChecking=accept-new", "-o", "IdentityAgent=none", "-o", "ConnectTimeout=10"));
    if (withKey) {
      o.addAll(List.of("-o", "IdentitiesOnly=yes", "-i", key.toString(), "-o", "BatchMode=yes", "-o", "PasswordAuthentication=no"));
    } else {
      // sftp -b turns BatchMode on, which never asks for a password: sshpass answers the prompt here.
      o.addAll(List.of("-o", "BatchMode=no", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
          "-o", "NumberOfPasswordPrompts=1"));
    }
    return o;
  }

  /** An sftp batch as {@code user} with the test's key; each line a command. */
  Result sftp(String user, String... commands) throws Exception {
    Path batch = Files.writeString(Files.createTempFile(dir, "batch", ".txt"), String.join("\n", commands) + "\n");
    List<String> cmd = new ArrayList<>(List.of("sftp", "-b", batch.toString(), "-P", String.valueOf(port)));
    cmd.addAll(options(true));
    cmd.add(user + "@127.0.0.1");
    return run(dir, Map.of(), cmd.toArray(String[]::new));
  }

  /** An sftp batch logged in with a password, through sshpass. */
  Result sftpWithPassword(String user, String password, String... commands) throws Exception {
    Path batch = Files.writeString(Files.createTempFile(dir, "batch", ".txt"), String.join("\n", commands) + "\n");
    // Before -b: ssh takes the first value it is given, and sftp -b gives BatchMode=yes.
    List<String> cmd = new ArrayList<>(List.of("sshpass", "-e", "sftp"));
    cmd.addAll(options(false));
    cmd.addAll(List.of("-b", batch.toString(), "-P", String.valueOf(port)));
    cmd.add(user + "@127.0.0.1");
    return run(dir, Map.of("SSHPASS", password), cmd.toArray(String[]::new));
  }

  /** ssh with the test's key, then {@code args} (a command, or options such as -N -R). */
  Result ssh(String user, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(port)));
    cmd.addAll(options(true));
    cmd.add("-T");
    cmd.add(user + "@127.0.0.1");
    cmd.addAll(List.of(args));
    return run(dir, Map.of(), cmd.toArray(String[]::new));
  }

  /** git in {@code work}, reaching Pier over ssh with the test's key. */
  Result git(Path work, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Test", "-c", "user.email=test@pier", "-c", "init.defaultBranch=main",
        "-c", "protocol.version=2"));
    cmd.addAll(List.of(args));
    String sshCommand = "ssh " + String.join(" ", options(true));
    return run(work, Map.of("GIT_SSH_COMMAND", sshCommand, "GIT_TERMINAL_PROMPT", "0", "HOME", dir.toString()), cmd.toArray(String[]::new));
  }

  static Result run(Path cwd, Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().putAll(env);
    Path out = Files.createTempFile("pier-ssh-out", ".txt");
    Path err = Files.createTempFile("pier-ssh-err", ".txt");
    try {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
