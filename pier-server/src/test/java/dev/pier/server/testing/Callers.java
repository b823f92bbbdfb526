package dev.pier.server.testing;

import dev.pier.server.security.SecurityConfig;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** Logged-in callers for controller tests, as LDAP log-in makes them. */
public final class Callers {

  private Callers() {}

  public static Authentication user(String name) {
    return new UsernamePasswordAuthenticationToken(name, null, List.of());
  }

  public static Authentication admin() {
    return new UsernamePasswordAuthenticationToken("admin", null, List.of(new SimpleGrantedAuthority(SecurityConfig.ADMIN)));
  }
}
