package dev.pier.server;

import dev.pier.server.backup.PierRestore;
import dev.pier.server.config.CommandLineOptions;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Pier's server: sites, panel, API, and the edge in front of them. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class PierApplication {

  private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("restore")) { // a whole Pier onto a fresh machine, from a backup of it
      System.exit(PierRestore.main(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    CommandLineOptions options;
    try {
      options = CommandLineOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("pier: " + e.getMessage());
      System.err.println("Run './pier up --help' for the options.");
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(CommandLineOptions.usage());
      return;
    }
    // Netty's leak detector samples the edge's buffers and records where each was touched: a cost on every request
    // that belongs in the tests (which keep Netty's default), not in a running Pier. -Dio.netty.leakDetection.level
    // turns it on again.
    if (System.getProperty(LEAK_DETECTION) == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
      System.setProperty(LEAK_DETECTION, "disabled");
    }
    SpringApplication app = new SpringApplication(PierApplication.class);
    app.setRegisterShutdownHook(true);
    app.run(options.springArgs().toArray(String[]::new));
  }
}
