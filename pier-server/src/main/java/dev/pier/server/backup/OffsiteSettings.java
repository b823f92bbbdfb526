package dev.pier.server.backup;

import dev.pier.server.common.PierException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an admin gives for an off-site repository: restic's URL for it, its password, and the credentials restic needs
 * to reach it (an S3 store's keys as environment variables; for SFTP, a private key and the server's host key line).
 * Checked here, before anything is written or run; pure.
 *
 * @param repository a restic repository: {@code sftp:USER@HOST:/PATH}, {@code sftp://USER@HOST:PORT//PATH},
 *                   {@code rest:}, {@code s3:}, {@code b2:}, {@code azure:}, {@code gs:}, {@code swift:}, or an
 *                   absolute path (a disk mounted on the host)
 * @param password   the repository's password (a new repository is made with it)
 * @param env        what restic reads from its environment: {@code AWS_*}, {@code B2_*}, {@code AZURE_*},
 *                   {@code GOOGLE_*}, {@code OS_*}, {@code ST_*}
 * @param sshKey     for SFTP: a private key (OpenSSH's format, no passphrase); null: root's own SSH setup
 * @param knownHosts for SFTP: the server's {@code known_hosts} line(s); null: its key is trusted at the first
 *                   connection and kept
 */
public record OffsiteSettings(String repository, String password, Map<String, String> env, String sshKey, String knownHosts) {

  private static final List<String> SCHEMES = List.of("sftp:", "rest:", "s3:", "b2:", "azure:", "gs:", "swift:");
  private static final Pattern ENV_NAME = Pattern.compile("(AWS|B2|AZURE|GOOGLE|OS|ST)_[A-Z0-9_]{1,64}");
  private static final Pattern SFTP_URL = Pattern.compile("sftp://(?:([A-Za-z0-9_][A-Za-z0-9._-]{0,31})@)?([A-Za-z0-9][A-Za-z0-9.-]{0,252}|\\[[0-9a-fA-F:.]{2,45}\\])(?::([0-9]{1,5}))?/(/.*)");
  private static final Pattern SFTP_SHORT = Pattern.compile("sftp:(?:([A-Za-z0-9_][A-Za-z0-9._-]{0,31})@)?([A-Za-z0-9][A-Za-z0-9.-]{0,252}|\\[[0-9a-fA-F:.]{2,45}\\]):(.+)");

  /** Where an SFTP repository's server is: its user (null: root's default), host and port (null: 22). */
  record Sftp(String user, String host, Integer port) {}

  public OffsiteSettings {
    env = env == null ? Map.of() : new TreeMap<>(env);
    if (repository == null || repository.isBlank()) {
      throw bad("an off-site repository needs its restic URL: \"repository\": \"sftp:USER@HOST:/PATH\", say");
    }
    repository = repository.strip();
    if (repository.length() > 1000 || repository.startsWith("-") || repository.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
      throw bad("the repository \"" + repository.replaceAll("\\p{Cntrl}", "?") + "\" is not a restic repository URL");
    }
    if (!repository.startsWith("/") && SCHEMES.stream().noneMatch(repository::startsWith)) {
      throw bad("the repository \"" + repository + "\" is not one restic reaches: it starts with sftp:, rest:, s3:, b2:, azure:,"
          + " gs: or swift:, or is an absolute path (a disk mounted on this host)");
    }
    if (repository.startsWith("sftp:") && sftp(repository) == null) {
      throw bad("the SFTP repository \"" + repository + "\" is not sftp:USER@HOST:/PATH or sftp://USER@HOST:PORT//PATH");
    }
    if (password == null || password.length() < 8 || password.length() > 1024 || password.chars().anyMatch(c -> c < ' ')) {
      throw bad("the off-site repository needs its password: 8 characters or more, on one line (keep a copy of it elsewhere:"
          + " without it, no backup there can be read)");
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        throw bad("\"" + e.getKey() + "\" is not a credential restic reads: AWS_*, B2_*, AZURE_*, GOOGLE_*, OS_* or ST_* only");
      }
      if (e.getValue() == null || e.getValue().length() > 4096 || e.getValue().chars().anyMatch(c -> c < ' ')) {
        throw bad("the value of " + e.getKey() + " must be one line of at most 4096 characters");
      }
    }
    if (sshKey != null && !sshKey.isBlank()) {
      if (!repository.startsWith("sftp:")) {
        throw bad("an SSH key is for an SFTP repository only");
      }
      if (!sshKey.strip().startsWith("-----BEGIN ") || sshKey.length() > 16384) {
        throw bad("the SSH key is not a private key in OpenSSH's or PEM format (-----BEGIN ...)");
      }
      sshKey = sshKey.strip() + "\n";
    } else {
      sshKey = null;
    }
    if (knownHosts != null && !knownHosts.isBlank()) {
      if (!repository.startsWith("sftp:") || knownHosts.length() > 16384 || knownHosts.chars().anyMatch(c -> c < ' ' && c != '\n')) {
        throw bad("the known hosts are the SFTP server's known_hosts lines (HOST KEYTYPE KEY)");
      }
      knownHosts = knownHosts.strip() + "\n";
    } else {
      knownHosts = null;
    }
  }

  /** Where an SFTP repository URL points, or null when it is not one. Pure. */
  static Sftp sftp(String url) {
    Matcher m = SFTP_URL.matcher(url);
    if (m.matches()) {
      Integer port = m.group(3) == null ? null : Integer.valueOf(m.group(3));
      return port != null && (port < 1 || port > 65535) ? null : new Sftp(m.group(1), unbracket(m.group(2)), port);
    }
    m = SFTP_SHORT.matcher(url);
    return m.matches() ? new Sftp(m.group(1), unbracket(m.group(2)), null) : null;
  }

  private static String unbracket(String host) {
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * restic's {@code sftp.command} for this repository: OpenSSH with only this key, never asking anything, the server's
   * key checked against {@code knownHostsFile} (trusted at the first connection when none was given). Empty: not SFTP,
   * or neither a key nor known hosts given (restic runs {@code ssh} as root's own setup says). restic splits the command at spaces, so no path in
   * it may have one. Pure.
   */
  List<String> resticOptions(Path keyFile, Path knownHostsFile) {
    return sshKey == null && knownHosts == null ? List.of()
        : sftpOptions(repository, sshKey == null ? null : keyFile, knownHostsFile, knownHosts != null);
  }

  /**
   * restic's {@code sftp.command} for SFTP repository {@code repository} reached with the key in {@code keyFile} (null:
   * root's own);
   * the server's key checked against {@code knownHostsFile}, or trusted at the first connection and kept there
   * unless {@code pinned}. Empty when {@code repository} is not SFTP. Pure.
   */
  static List<String> sftpOptions(String repository, Path keyFile, Path knownHostsFile, boolean pinned) {
    Sftp where = sftp(repository);
    if (where == null) {
      return List.of();
    }
    List<String> ssh = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + knownHostsFile, "-o",
        "StrictHostKeyChecking=" + (pinned ? "yes" : "accept-new"), "-o", "ConnectTimeout=20"));
    if (keyFile != null) { // only this key; without one, root's own SSH setup gives it
      ssh.addAll(1, List.of("-F", "/dev/null", "-i", keyFile.toString(), "-o", "IdentitiesOnly=yes"));
    }
    if (where.port() != null) {
      ssh.addAll(List.of("-p", String.valueOf(where.port())));
    }
    ssh.add((where.user() == null ? "" : where.user() + "@") + where.host());
    ssh.addAll(List.of("-s", "sftp"));
    for (String a : ssh) {
      if (a.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\')) {
        throw bad("Pier's data directory has a space or quote in its path (" + a + "): restic's SFTP command cannot name it");
      }
    }
    return List.of("sftp.command=" + String.join(" ", ssh));
  }

  /** The repository's URL without a password in it ({@code rest:https://USER:PASSWORD@HOST/}: USER:***). Pure. */
  String redacted() {
    return Restic.redact(repository);
  }

  /** What the API shows of it: never the password, the key or the credentials' values. */
  Map<String, Object> shown() {
    Map<String, Object> m = new TreeMap<>();
    m.put("repository", redacted());
    m.put("credentials", List.copyOf(env.keySet()));
    m.put("sshKey", sshKey != null);
    m.put("knownHosts", knownHosts != null);
    return m;
  }

  private static PierException bad(String detail) {
    return PierException.invalid("Bad off-site repository", detail);
  }
}
