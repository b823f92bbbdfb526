package dev.pier.server.ssh;

import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import java.security.PublicKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;

/** Users' SSH keys: each user adds, lists and removes their own; the SSH server checks logins against them. */
@Service
public class SshKeyService {

  /** The most keys one user keeps. */
  static final int MAX_KEYS = 50;

  private final JdbcClient jdbc;

  SshKeyService(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  private static SshKey map(ResultSet rs) throws SQLException {
    return new SshKey(rs.getLong("id"), rs.getString("owner"), rs.getString("name"), rs.getString("public_key"), rs.getString("fingerprint"),
        rs.getTimestamp("created_at").toInstant());
  }

  public List<SshKey> list(Caller caller) {
    return jdbc.sql("SELECT * FROM ssh_keys WHERE owner = ? ORDER BY created_at, id").param(caller.user()).query((rs, i) -> map(rs)).list();
  }

  /** Adds a key (one line as {@code ~/.ssh/id_ed25519.pub} holds it) under a name of the user's choosing. */
  public SshKey add(Caller caller, String name, String text) {
    String label = name == null ? "" : name.strip();
    if (label.isEmpty() || label.length() > 100 || label.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw PierException.invalid("Invalid name", "give the key a name of 1 to 100 printable characters");
    }
    String line = text == null ? "" : text.strip();
    if (line.isEmpty() || line.length() > 16000 || line.contains("\n")) {
      throw PierException.invalid("Invalid key", "paste one public key line, as ~/.ssh/id_ed25519.pub holds it");
    }
    PublicKey key;
    try {
      AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line);
      if (entry == null || (entry.getLoginOptions() != null && !entry.getLoginOptions().isEmpty())) {
        throw new IllegalArgumentException("options before the key are not taken");
      }
      key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (Exception e) {
      throw PierException.invalid("Invalid key", "not an SSH public key (" + e.getMessage() + "): paste one line such as"
          + " \"ssh-ed25519 AAAA... you@laptop\", the contents of ~/.ssh/id_ed25519.pub, never the private key");
    }
    if (list(caller).size() >= MAX_KEYS) {
      throw PierException.conflict("Too many keys", "you have " + MAX_KEYS + " keys already: remove one first");
    }
    String fingerprint = KeyUtils.getFingerPrint(key);
    GeneratedKeyHolder id = new GeneratedKeyHolder();
    try {
      jdbc.sql("INSERT INTO ssh_keys (owner, name, public_key, fingerprint, created_at) VALUES (?, ?, ?, ?, ?)")
          .params(caller.user(), label, line, fingerprint, Timestamp.from(Instant.now())).update(id, "id");
    } catch (DuplicateKeyException e) {
      throw PierException.alreadyExists("Key exists", "you added the key " + fingerprint + " already");
    }
    return find(id.getKey().longValue()).orElseThrow();
  }

  public void delete(Caller caller, long id) {
    if (jdbc.sql("DELETE FROM ssh_keys WHERE id = ? AND owner = ?").params(id, caller.user()).update() == 0) {
      throw PierException.notFound("Key not found", "you have no key " + id);
    }
  }

  private Optional<SshKey> find(long id) {
    return jdbc.sql("SELECT * FROM ssh_keys WHERE id = ?").param(id).query((rs, i) -> map(rs)).optional();
  }

  /** Whether {@code key} is one of {@code user}'s. */
  boolean accepts(String user, PublicKey key) {
    for (String line : jdbc.sql("SELECT public_key FROM ssh_keys WHERE owner = ?").param(user).query(String.class).list()) {
      try {
        PublicKey known = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        if (KeyUtils.compareKeys(known, key)) {
          return true;
        }
      } catch (Exception e) {
        // a key that no longer parses matches nothing
      }
    }
    return false;
  }
}
