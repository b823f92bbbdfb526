package dev.pier.server.security;

import dev.pier.server.common.Caller;
import dev.pier.server.config.PierProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.config.ldap.LdapBindAuthenticationManagerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.ldap.DefaultSpringSecurityContextSource;
import org.springframework.security.ldap.userdetails.DefaultLdapAuthoritiesPopulator;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Log-in against LDAP. The API ({@code /api/**}) takes HTTP Basic, keeps no session and answers 401 with a
 * problem detail; the panel uses a log-in form and a session, with CSRF protection. Both go through the
 * {@link LoginThrottle} (429 with Retry-After from the API; the form says how long to wait). Members of the LDAP group
 * named by {@code pier.ldap.admin-group} are admins; a user is the id of their directory entry ({@link DirectoryUsers}).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

  public static final String ADMIN = "ROLE_ADMIN";

  @Bean(destroyMethod = "close")
  EmbeddedLdap embeddedLdap(PierProperties props) {
    return props.ldap().embedded() ? new EmbeddedLdap(props.dataDir(), props.ldap().baseDn()) : null;
  }

  @Bean
  DefaultSpringSecurityContextSource ldapContextSource(PierProperties props, ObjectProvider<EmbeddedLdap> embedded) {
    EmbeddedLdap e = embedded.getIfAvailable();
    String url = e != null ? e.url() : props.ldap().url();
    DefaultSpringSecurityContextSource source = new DefaultSpringSecurityContextSource(url);
    if (e != null) {
      source.setUserDn(EmbeddedLdap.MANAGER_DN);
      source.setPassword(e.managerPassword());
    } else if (props.ldap().managerDn() != null && !props.ldap().managerDn().isBlank()) {
      source.setUserDn(props.ldap().managerDn());
      source.setPassword(props.ldap().managerPassword());
    }
    source.afterPropertiesSet();
    return source;
  }

  /**
   * With HTTPS on, the session cookie is {@code Secure} (never sent over plain HTTP, where the edge only redirects
   * to HTTPS); it is always {@code HttpOnly} and {@code SameSite=Lax} (application.properties).
   */
  @Bean
  ServletContextInitializer secureSessionCookie(PierProperties props) {
    return context -> context.getSessionCookieConfig().setSecure(props.edge().httpsPort() >= 0);
  }

  @Bean
  DirectoryUsers directoryUsers(PierProperties props) {
    return new DirectoryUsers(props.ldap());
  }

  /** Each user's groups, as roles: the members of the admin group (that one entry) are admins. */
  @Bean
  DefaultLdapAuthoritiesPopulator ldapGroups(DefaultSpringSecurityContextSource source, PierProperties props, DirectoryUsers users) {
    DefaultLdapAuthoritiesPopulator groups = new DefaultLdapAuthoritiesPopulator(source, props.ldap().groupSearchBase());
    groups.setGroupSearchFilter("(member={0})");
    groups.setGroupRoleAttribute("cn");
    groups.setRolePrefix("");
    groups.setConvertToUpperCase(false);
    groups.setAuthorityMapper(users::role);
    return groups;
  }

  @Bean
  AuthenticationManager ldapAuthenticationManager(DefaultSpringSecurityContextSource source, PierProperties props,
      DefaultLdapAuthoritiesPopulator groups, DirectoryUsers users) {
    LdapBindAuthenticationManagerFactory factory = new LdapBindAuthenticationManagerFactory(source);
    factory.setUserDnPatterns(props.ldap().userDnPattern());
    factory.setLdapAuthoritiesPopulator(groups);
    factory.setUserDetailsContextMapper(users.mapper());
    return factory.createAuthenticationManager();
  }

  @Bean
  @Order(1)
  SecurityFilterChain api(HttpSecurity http, AuthenticationManager ldap, LoginThrottle throttle) throws Exception {
    AuthenticationEntryPoint problem = (request, response, ex) -> {
      if (ex instanceof ThrottledLogins.Throttled t) {
        response.setHeader("Retry-After", Long.toString(t.retryAfterSeconds()));
        writeProblem(request, response, HttpStatus.TOO_MANY_REQUESTS, "Too many failed log-ins", t.getMessage());
      } else {
        writeProblem(request, response, HttpStatus.UNAUTHORIZED, "Authentication required",
            "log in with HTTP Basic: your LDAP user name and password");
      }
    };
    http.headers(h -> h.httpStrictTransportSecurity(hsts -> hsts.disable())) // the edge sends HSTS, on 443 only
        .securityMatcher("/api/**")
        .authenticationManager(new ThrottledLogins(ldap, throttle))
        .authorizeHttpRequests(a -> a.anyRequest().authenticated())
        .httpBasic(b -> b.authenticationEntryPoint(problem).realmName("Pier"))
        .exceptionHandling(x -> x.authenticationEntryPoint(problem))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        // The panel's pages call the API with their session (read, never made here); such calls must carry the
        // page's CSRF token. Calls with credentials of their own (Basic) are no browser's ambient authority.
        .securityContext(c -> c.securityContextRepository(panelSessions()))
        .csrf(c -> c.requireCsrfProtectionMatcher(request -> CsrfFilter.DEFAULT_CSRF_MATCHER.matches(request)
            && request.getHeader("Authorization") == null && request.getRequestedSessionId() != null));
    return http.build();
  }

  /** The panel's logged-in sessions, read by the API; the API itself makes none. */
  private static SecurityContextRepository panelSessions() {
    HttpSessionSecurityContextRepository sessions = new HttpSessionSecurityContextRepository();
    sessions.setAllowSessionCreation(false);
    return new DelegatingSecurityContextRepository(new RequestAttributeSecurityContextRepository(), sessions);
  }

  @Bean
  @Order(2)
  SecurityFilterChain panel(HttpSecurity http, AuthenticationManager ldap, LoginThrottle throttle) throws Exception {
    http.authenticationManager(new ThrottledLogins(ldap, throttle))
        .headers(h -> h.httpStrictTransportSecurity(hsts -> hsts.disable())) // the edge sends HSTS, on 443 only
        .authorizeHttpRequests(a -> a
            .requestMatchers("/login", "/webjars/**", "/css/**", "/js/**", "/favicon.ico", "/error", "/ca.pem").permitAll()
            .anyRequest().authenticated())
        .formLogin(f -> f.loginPage("/login").defaultSuccessUrl("/", true).permitAll()
            .failureHandler((request, response, ex) -> {
              if (ex instanceof ThrottledLogins.Throttled t) {
                response.sendRedirect(request.getContextPath() + "/login?wait=" + t.retryAfterSeconds());
              } else {
                response.sendRedirect(request.getContextPath() + "/login?error");
              }
            }))
        .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout").permitAll());
    return http.build();
  }

  static void writeProblem(HttpServletRequest request, HttpServletResponse response,
      HttpStatus status, String title, String detail) throws IOException {
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    // Browsers get no Basic challenge: they would cache the credentials and send them on cross-site requests.
    String accept = request.getHeader("Accept");
    if (accept == null || !accept.contains("text/html")) {
      response.setHeader("WWW-Authenticate", "Basic realm=\"Pier\"");
    }
    response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status.value()
        + ",\"detail\":\"" + detail + "\"}");
  }

  /** The caller of the current request. */
  public static Caller caller(Authentication auth) {
    // LDAP matches uid without regard to case: "Alice" and "alice" are one user and own the same sites.
    return caller(auth.getName().toLowerCase(Locale.ROOT), auth.getAuthorities());
  }

  /** The caller {@code user} is, with these roles from the directory. */
  static Caller caller(String user, Collection<? extends GrantedAuthority> roles) {
    boolean admin = roles.stream().anyMatch(a -> ADMIN.equals(a.getAuthority()));
    Set<String> groups = roles.stream().map(GrantedAuthority::getAuthority).filter(r -> r.startsWith(DirectoryUsers.GROUP_ROLE))
        .map(r -> r.substring(DirectoryUsers.GROUP_ROLE.length())).collect(Collectors.toSet());
    return new Caller(user, admin, groups);
  }
}
