package dev.pier.server.ssh;

import dev.pier.server.config.PierProperties;
import dev.pier.server.content.FileService;
import dev.pier.server.security.LoginThrottle;
import dev.pier.server.security.SecurityConfig;
import dev.pier.server.security.ThrottledLogins;
import dev.pier.server.security.UserRoles;
import dev.pier.server.site.SiteContent;
import dev.pier.server.site.SiteService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Pier's own SSH server (Apache MINA SSHD), one port for every site: users log in with their directory password or
 * a key of theirs, and get SFTP into their sites' live files ({@link SiteFileSystemProvider}) or git push
 * ({@link GitPush}); no shell, no other command, no forwarding of ports, agents or X11. Its host key is made at
 * the first start ({@code DATA-DIR/ssh/host-key}) and kept.
 */
@Component
public class SshServerLifecycle implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SshServerLifecycle.class);
  /** SSH connections one user may have open at once, git's included (a file manager opens two or three). */
  static final int MAX_SESSIONS_PER_USER = 10;
  /** Files and folders one SFTP channel may have open at once (clients keep a few). */
  static final int MAX_HANDLES_PER_SESSION = 128;

  private final SshProperties props;
  private final Path hostKey;
  private final UserRoles roles;
  private final SshKeyService keys;
  private final SiteFileSystemProvider files;
  private final GitPush git;
  private final SshCallers callers;
  private final ThrottledLogins logins;
  private SshServer server;
  private String fingerprint;

  SshServerLifecycle(SshProperties props, PierProperties pier, AuthenticationManager ldap, UserRoles roles, SshKeyService keys,
      FileService fileService, SiteService sites, SiteContent content, GitPush git, SshCallers callers, LoginThrottle throttle) {
    this.props = props;
    this.hostKey = pier.dataDir().resolve("ssh/host-key");
    this.roles = roles;
    this.keys = keys;
    this.files = new SiteFileSystemProvider(fileService, sites, content);
    this.git = git;
    this.callers = callers;
    this.logins = new ThrottledLogins(ldap, throttle);
  }

  @Override
  public void start() {
    if (props.port() < 0) {
      return;
    }
    try {
      Files.createDirectories(hostKey.getParent());
      Files.setPosixFilePermissions(hostKey.getParent(), PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + hostKey.getParent(), e);
    }
    SimpleGeneratorHostKeyProvider keyProvider = new SimpleGeneratorHostKeyProvider(hostKey);
    keyProvider.setAlgorithm(KeyUtils.EC_ALGORITHM);
    keyProvider.setKeySize(256);
    List<KeyPair> pairs;
    try {
      pairs = keyProvider.loadKeys(null);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read or make the SSH host key " + hostKey + ": " + e.getMessage(), e);
    }
    fingerprint = KeyUtils.getFingerPrint(pairs.getFirst().getPublic());

    server = SshServer.setUpDefaultServer();
    server.setPort(props.port());
    server.setKeyPairProvider(keyProvider);
    server.setPasswordAuthenticator((user, password, session) -> withPierClassLoader(() -> password(user, password, session)));
    server.setPublickeyAuthenticator((user, key, session) -> withPierClassLoader(() -> publicKey(user, key, session)));
    server.setKeyboardInteractiveAuthenticator(null);
    server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    server.setAgentFactory(null);
    server.setShellFactory(null);
    server.setCommandFactory(git);
    server.setSubsystemFactories(List.of(new SiteSftp()));
    server.setFileSystemFactory(new FileSystemFactory() {
      @Override
      public Path getUserHomeDir(SessionContext session) {
        return null;
      }

      @Override
      public FileSystem createFileSystem(SessionContext session) {
        return files.newFileSystem(callers.of(session));
      }
    });
    // SFTP is one request and its answer after another: without this, Nagle's algorithm holds each small answer back.
    CoreModuleProperties.TCP_NODELAY.set(server, true);
    // AES runs on the processor's own instructions; the SSH server's ChaCha20-Poly1305 is plain Java, several times
    // slower for every byte uploaded, and clients pick it first when offered.
    server.setCipherFactories(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr,
        BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr));
    CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, 6);
    // An open handle holds a file open (kept on its site): with these, and SiteFileSystemProvider's own cap on a
    // user's open files, a user cannot take all of Pier's file descriptors.
    CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(server, MAX_SESSIONS_PER_USER);
    SftpModuleProperties.MAX_OPEN_HANDLES_PER_SESSION.set(server, MAX_HANDLES_PER_SESSION);
    CoreModuleProperties.AUTH_TIMEOUT.set(server, Duration.ofSeconds(60));
    CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ofMinutes(30));
    try {
      server.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen for SSH on port " + props.port() + ": " + e.getMessage()
          + " (set another with --sftp-port, or -1 for none)", e);
    }
    log.info("SFTP and git push on port {}; host key {}", port(), fingerprint);
  }

  private boolean password(String user, String password, ServerSession session) {
    String address = address(session.getClientAddress());
    if (!lowercase(user, address)) {
      return false;
    }
    try {
      Authentication auth = logins.authenticate(new UsernamePasswordAuthenticationToken(user, password), address);
      session.setAttribute(SshCallers.CALLER, SecurityConfig.caller(auth));
      return true;
    } catch (RuntimeException e) { // throttled, wrong, or not checked: ThrottledLogins logged which
      return false;
    }
  }

  /** A key of the user's, and the user still in the directory; who they are is read once the login succeeded. */
  private boolean publicKey(String user, PublicKey key, ServerSession session) {
    return lowercase(user, address(session.getClientAddress())) && keys.accepts(user, key) && roles.exists(user);
  }

  /**
   * Pier's user names are lowercase; the SSH server counts a user's sessions by the name as typed, so "Alice" and
   * "alice" would each get their own. Other spellings are refused, with the reason in the log.
   */
  private static boolean lowercase(String user, String address) {
    if (user.equals(user.toLowerCase(Locale.ROOT))) {
      return true;
    }
    log.info("SSH login as {} from {} refused: user names are lowercase, log in as {}", user, address, user.toLowerCase(Locale.ROOT));
    return false;
  }

  /**
   * Runs {@code work} with Pier's class loader as the thread's context class loader: the SSH server's threads have
   * the JVM's, from which JNDI cannot load Spring LDAP's object factory when Pier runs from its jar.
   */
  static <T> T withPierClassLoader(Supplier<T> work) {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(SshServerLifecycle.class.getClassLoader());
    try {
      return work.get();
    } finally {
      t.setContextClassLoader(before);
    }
  }

  private static String address(SocketAddress a) {
    return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : String.valueOf(a);
  }

  /** The port it listens on, or -1 when there is no SSH server. */
  public int port() {
    return server == null ? -1 : server.getPort();
  }

  /** The host key's fingerprint, as {@code ssh} shows it ({@code SHA256:...}), or null without an SSH server. */
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public void stop() {
    if (server != null) {
      try {
        server.stop(true);
      } catch (IOException e) {
        log.warn("stopping the SSH server: {}", e.getMessage());
      }
      server = null;
    }
  }

  @Override
  public boolean isRunning() {
    return server != null && server.isStarted();
  }
}
