package dev.pier.server.security;

import com.unboundid.ldap.listener.Base64PasswordEncoderOutputFormatter;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.SaltedMessageDigestInMemoryPasswordEncoder;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.OperationType;
import com.unboundid.ldif.LDIFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded LDAP directory (UnboundID, in memory, on a loopback port) that Pier logs users in against when no
 * external directory is configured. Its entries are kept in {@code DATA-DIR/ldap/directory.ldif} (mode 0600,
 * passwords salted and hashed), which an operator may edit while Pier is stopped to add users. At first start it
 * holds {@code ou=people}, {@code ou=groups}, the group {@code cn=admins} and the user {@code admin}, whose
 * random password is written to {@code DATA-DIR/initial-admin-password} (mode 0600).
 */
public final class EmbeddedLdap implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedLdap.class);

  /** The account Pier itself binds as to look up groups; its password is new at every start and never stored. */
  public static final String MANAGER_DN = "cn=pier";

  private final String baseDn;
  private final Path ldif;
  private final InMemoryDirectoryServer server;
  private final String managerPassword = randomPassword();

  public EmbeddedLdap(Path dataDir, String baseDn) {
    this.baseDn = baseDn;
    this.ldif = dataDir.resolve("ldap").resolve("directory.ldif");
    try {
      InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(baseDn);
      config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("loopback", InetAddress.getLoopbackAddress(), 0, null));
      config.setSchema(null);
      // Over the network: bind, and for authenticated clients search and compare. No writes, no anonymous reads:
      // a local user who finds the port can neither make themselves admin nor read anything without a password.
      config.setAllowedOperationTypes(EnumSet.of(OperationType.BIND,
          OperationType.SEARCH, OperationType.COMPARE));
      config.setAuthenticationRequiredOperationTypes(EnumSet.of(OperationType.SEARCH,
          OperationType.COMPARE));
      config.addAdditionalBindCredentials(MANAGER_DN, managerPassword);
      // Password hashes never leave the directory: logging in needs a bind, never a read of userPassword.
      config.addInMemoryOperationInterceptor(new InMemoryOperationInterceptor() {
        @Override
        public void processSearchEntry(InMemoryInterceptedSearchEntry result) {
          Entry entry = result.getSearchEntry().duplicate();
          entry.removeAttribute("userPassword");
          result.setSearchEntry(entry);
        }
      });
      config.setPasswordEncoders(new SaltedMessageDigestInMemoryPasswordEncoder("{SSHA256}",
          Base64PasswordEncoderOutputFormatter.getInstance(), MessageDigest.getInstance("SHA-256"), 16, true, true));
      server = new InMemoryDirectoryServer(config);
      if (Files.exists(ldif)) {
        server.importFromLDIF(true, ldif.toFile());
      } else {
        seed(dataDir);
      }
      server.startListening();
    } catch (LDAPException | LDIFException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot start the embedded LDAP directory from " + ldif + ": " + e.getMessage(), e);
    }
  }

  private void seed(Path dataDir) throws LDAPException, LDIFException {
    server.add("dn: " + baseDn, "objectClass: top", "objectClass: domain", "dc: " + baseDn.split(",")[0].split("=")[1]);
    server.add("dn: ou=people," + baseDn, "objectClass: top", "objectClass: organizationalUnit", "ou: people");
    server.add("dn: ou=groups," + baseDn, "objectClass: top", "objectClass: organizationalUnit", "ou: groups");
    String password = randomPassword();
    addUserEntry("admin", password, "Administrator");
    server.add("dn: cn=admins,ou=groups," + baseDn, "objectClass: top", "objectClass: groupOfNames", "cn: admins",
        "member: " + userDn("admin"));
    // The password file first: a kill between the two leaves no directory whose admin password nobody knows.
    Path file = dataDir.resolve("initial-admin-password");
    writePrivate(file, password + "\n");
    save();
    log.info("created the embedded LDAP directory; the password of user admin is in {}", file);
  }

  private void addUserEntry(String uid, String password, String displayName) throws LDAPException, LDIFException {
    server.add("dn: " + userDn(uid), "objectClass: top", "objectClass: person", "objectClass: organizationalPerson",
        "objectClass: inetOrgPerson", "uid: " + uid, "cn: " + displayName, "sn: " + displayName, "userPassword: " + password);
  }

  /** Adds a user, optionally to the admins group, and saves the directory. */
  public synchronized void addUser(String uid, String password, boolean admin) {
    if (!uid.matches("[a-z][a-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException("user name \"" + uid + "\" is not valid: use lowercase letters, digits, '.', '_' or '-'");
    }
    try {
      addUserEntry(uid, password, uid);
      if (admin) {
        server.modify("cn=admins,ou=groups," + baseDn, new Modification(ModificationType.ADD, "member", userDn(uid)));
      }
    } catch (LDAPException | LDIFException e) {
      throw new IllegalArgumentException("cannot add user \"" + uid + "\": " + e.getMessage(), e);
    }
    save();
  }

  /** Adds a group under {@code ou=groups} with these users as members, and saves the directory. */
  public synchronized void addGroup(String cn, String... uids) {
    if (!cn.matches("[a-z][a-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException("group name \"" + cn + "\" is not valid: use lowercase letters, digits, '.', '_' or '-'");
    }
    List<String> entry = new ArrayList<>(List.of("dn: cn=" + cn + ",ou=groups," + baseDn, "objectClass: top",
        "objectClass: groupOfNames", "cn: " + cn));
    for (String uid : uids) {
      entry.add("member: " + userDn(uid));
    }
    try {
      server.add(entry.toArray(String[]::new));
    } catch (LDAPException | LDIFException e) {
      throw new IllegalArgumentException("cannot add group \"" + cn + "\": " + e.getMessage(), e);
    }
    save();
  }

  /** The directory itself, for tests that change it as a directory's admin would (the listener takes no changes). */
  InMemoryDirectoryServer directory() {
    return server;
  }

  public String managerPassword() {
    return managerPassword;
  }

  public String userDn(String uid) {
    return "uid=" + uid + ",ou=people," + baseDn;
  }

  /** The URL to bind to, base DN included: {@code ldap://127.0.0.1:PORT/dc=pier,dc=local}. */
  public String url() {
    return "ldap://127.0.0.1:" + server.getListenPort() + "/" + baseDn;
  }

  private synchronized void save() {
    try {
      Files.createDirectories(ldif.getParent());
      Path tmp = ldif.resolveSibling(".directory.ldif.tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      server.exportToLDIF(tmp.toString(), false, true);
      Files.move(tmp, ldif, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | LDAPException e) {
      throw new IllegalStateException("cannot save the LDAP directory to " + ldif + ": " + e.getMessage(), e);
    }
  }

  static String randomPassword() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Writes a file readable by its owner only, through a temporary file and an atomic rename. */
  static void writePrivate(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    server.shutDown(true);
  }
}
