package dev.pier.server.dns;

import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * A TSIG key as {@code tsig-keygen} (or {@code ddns-confgen}) writes it:
 *
 * <pre>
 * key "pier-key" {
 *   algorithm hmac-sha256;
 *   secret "base64...";
 * };
 * </pre>
 *
 * Pure: {@link #parse} reads the text, never a file, and its errors never quote the secret.
 *
 * @param name      the key's name, as the server's configuration knows it
 * @param algorithm the HMAC algorithm's DNS name
 */
public record TsigKeyFile(Name name, Name algorithm, byte[] secret) {

  private static final Pattern KEY = Pattern.compile("key\\s+\"?([A-Za-z0-9._-]+)\"?\\s*\\{(.*?)\\}\\s*;", Pattern.DOTALL);
  private static final Pattern ALGORITHM = Pattern.compile("algorithm\\s+\"?([A-Za-z0-9-]+)\"?\\s*;");
  private static final Pattern SECRET = Pattern.compile("secret\\s+\"([A-Za-z0-9+/=\\s]+)\"\\s*;");
  private static final Map<String, Name> ALGORITHMS = Map.of("hmac-sha256", TSIG.HMAC_SHA256, "hmac-sha384", TSIG.HMAC_SHA384,
      "hmac-sha512", TSIG.HMAC_SHA512, "hmac-sha224", TSIG.HMAC_SHA224, "hmac-sha1", TSIG.HMAC_SHA1);

  /**
   * Reads the first key in {@code text}.
   *
   * @throws IllegalArgumentException saying what is missing or wrong
   */
  public static TsigKeyFile parse(String text) {
    String plain = withoutComments(text);
    Matcher key = KEY.matcher(plain);
    if (!key.find()) {
      throw new IllegalArgumentException("no key in it: expected key \"NAME\" { algorithm hmac-sha256; secret \"...\"; }; as tsig-keygen writes");
    }
    Matcher alg = ALGORITHM.matcher(key.group(2));
    if (!alg.find()) {
      throw new IllegalArgumentException("key \"" + key.group(1) + "\" names no algorithm");
    }
    Name algorithm = ALGORITHMS.get(alg.group(1).toLowerCase(Locale.ROOT));
    if (algorithm == null) {
      throw new IllegalArgumentException("key \"" + key.group(1) + "\" uses " + alg.group(1) + ": use hmac-sha256 (or sha224, sha384, sha512)");
    }
    Matcher secret = SECRET.matcher(key.group(2));
    if (!secret.find()) {
      throw new IllegalArgumentException("key \"" + key.group(1) + "\" has no secret \"BASE64\"");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(secret.group(1).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key \"" + key.group(1) + "\": its secret is not base64");
    }
    if (bytes.length < 16) {
      throw new IllegalArgumentException("key \"" + key.group(1) + "\": its secret is " + bytes.length + " bytes, too short to sign with");
    }
    try {
      return new TsigKeyFile(Name.fromString(key.group(1), Name.root), algorithm, bytes);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("key \"" + key.group(1) + "\" is not a DNS name");
    }
  }

  /** {@code text} without its {@code #} and {@code //} comments, which never start inside a quoted string (a secret's). */
  static String withoutComments(String text) {
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\n') {
        quoted = false;
      } else if (!quoted && (c == '#' || c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/')) {
        while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
          i++;
        }
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** What signs and checks messages with this key. */
  public TSIG tsig() {
    return new TSIG(algorithm, name, secret);
  }

  @Override
  public String toString() {
    return "TsigKeyFile[" + name + ", " + algorithm + "]"; // never the secret
  }
}
