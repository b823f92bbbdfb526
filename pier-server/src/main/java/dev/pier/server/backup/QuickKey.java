package dev.pier.server.backup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import tools.jackson.databind.json.JsonMapper;

/**
 * A second key file for a restic repository whose password Pier made (32 random bytes): the same password opens it,
 * through scrypt with a light cost. restic derives every key of a repository with scrypt at N=32768, r=8, p=4 (half
 * a second of CPU here) at every run, to slow down the guessing of a person's password; a random 256-bit password
 * cannot be guessed, whatever the cost, so for it that half second per call buys nothing, and a night's backup of a
 * hundred sites runs several hundred restic calls. restic tries this key first ({@code --key-hint}).
 *
 * <p>The format is restic's (doc/design.rst, "Keys, Encryption and MAC"): scrypt gives 64 bytes, the first 32 an
 * AES-256 key, then a 16-byte AES key {@code k} and a 16-byte Poly1305 key {@code r}; the master key's JSON is
 * encrypted with AES-256-CTR under a random 16-byte IV, authenticated with Poly1305-AES over the ciphertext with the
 * IV as nonce, and kept as base64 of {@code IV || CIPHERTEXT || MAC}. Pure, but for its randomness.
 */
final class QuickKey {

  static final int N = 1024;
  static final int R = 8;
  static final int P = 1;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A key file and the name restic knows it by (the SHA-256 of its bytes, in hex). */
  record File(String id, byte[] bytes) {}

  private QuickKey() {}

  /** A key file opening the repository whose master key is {@code masterKeyJson} (restic's {@code cat masterkey}) with {@code password}. */
  static File make(String masterKeyJson, String password, SecureRandom random) {
    JSON.readTree(masterKeyJson); // (what restic said is JSON: never wrap garbage as a key)
    byte[] salt = new byte[64];
    random.nextBytes(salt);
    byte[] derived = SCrypt.generate(password.getBytes(StandardCharsets.UTF_8), salt, N, R, P, 64);
    byte[] iv = new byte[16];
    random.nextBytes(iv);
    byte[] plain = masterKeyJson.strip().getBytes(StandardCharsets.UTF_8);
    byte[] cipher = new byte[plain.length];
    SICBlockCipher ctr = new SICBlockCipher(AESEngine.newInstance());
    ctr.init(true, new ParametersWithIV(new KeyParameter(derived, 0, 32), iv));
    ctr.processBytes(plain, 0, plain.length, cipher, 0);
    byte[] macKey = new byte[32]; // BouncyCastle's Poly1305-AES key: r, then the AES key k
    System.arraycopy(derived, 48, macKey, 0, 16);
    System.arraycopy(derived, 32, macKey, 16, 16);
    Poly1305 mac = new Poly1305(AESEngine.newInstance());
    mac.init(new ParametersWithIV(new KeyParameter(macKey), iv));
    mac.update(cipher, 0, cipher.length);
    byte[] tag = new byte[16];
    mac.doFinal(tag, 0);
    byte[] data = new byte[16 + cipher.length + 16];
    System.arraycopy(iv, 0, data, 0, 16);
    System.arraycopy(cipher, 0, data, 16, cipher.length);
    System.arraycopy(tag, 0, data, 16 + cipher.length, 16);
    Arrays.fill(derived, (byte) 0);
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("created", Instant.now().toString());
    key.put("username", "pier");
    key.put("hostname", Restic.HOST);
    key.put("kdf", "scrypt");
    key.put("N", N);
    key.put("r", R);
    key.put("p", P);
    key.put("salt", Base64.getEncoder().encodeToString(salt));
    key.put("data", Base64.getEncoder().encodeToString(data));
    byte[] bytes = JSON.writeValueAsString(key).getBytes(StandardCharsets.UTF_8);
    try {
      return new File(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
