package dev.pier.server.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad setting into Spring Boot's short "APPLICATION FAILED TO START" report instead of a stack trace. */
class ConfigurationProblemAnalyzer extends AbstractFailureAnalyzer<ConfigurationProblem> {

  @Override
  protected FailureAnalysis analyze(Throwable root, ConfigurationProblem problem) {
    return new FailureAnalysis(problem.getMessage(),
        "Correct that option (./pier up --help lists them) and start Pier again.", problem);
  }
}
