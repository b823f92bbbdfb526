package dev.pier.server.config;

/** A {@code pier.*} setting that cannot be used; the message says which and what to write instead. */
public class ConfigurationProblem extends RuntimeException {

  public ConfigurationProblem(String message, Throwable cause) {
    super(message, cause);
  }
}
