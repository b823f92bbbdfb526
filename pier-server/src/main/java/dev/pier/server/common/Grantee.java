package dev.pier.server.common;

import java.util.regex.Pattern;

/**
 * Whom a plan grant or a quota is for: {@code everyone}, one user ({@code user:alice}) or the members of an LDAP group
 * ({@code group:students}, the group {@code cn=students} right under the group base). Checked on construction.
 */
public record Grantee(String value) {

  private static final Pattern FORM = Pattern.compile("everyone|user:[a-z0-9][a-z0-9._@-]{0,63}|group:[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");

  public static final Grantee EVERYONE = new Grantee("everyone");

  public Grantee {
    if (value != null && value.startsWith("group:")) {
      value = "group:" + value.substring(6).toLowerCase(java.util.Locale.ROOT); // directories compare group names without case
    }
    if (value == null || !FORM.matcher(value).matches()) {
      throw new IllegalArgumentException("\"" + value + "\" names nobody: write everyone, user:NAME (lowercase) or group:NAME");
    }
  }

  /** The grantee a request names; a 400 that says what is accepted when it names nobody. */
  public static Grantee parse(String value) {
    try {
      return new Grantee(value);
    } catch (IllegalArgumentException e) {
      throw PierException.invalid("Invalid grantee", e);
    }
  }

  public static Grantee user(String name) {
    return new Grantee("user:" + name);
  }

  public static Grantee group(String name) {
    return new Grantee("group:" + name);
  }

  @Override
  public String toString() {
    return value;
  }
}
