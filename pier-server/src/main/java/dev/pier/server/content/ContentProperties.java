package dev.pier.server.content;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How publishing behaves ({@code pier.publish.*}).
 *
 * @param keepReleases the releases each site keeps (the live one always among them); older ones are removed
 * @param maxFiles     the files and folders one publish may hold
 */
@ConfigurationProperties("pier.publish")
public record ContentProperties(@DefaultValue("10") int keepReleases, @DefaultValue("100000") long maxFiles) {

  public ContentProperties {
    if (keepReleases < 1) {
      throw new IllegalArgumentException("pier.publish.keep-releases=" + keepReleases + ": keep at least 1 release");
    }
    if (maxFiles < 1) {
      throw new IllegalArgumentException("pier.publish.max-files=" + maxFiles + ": allow at least 1 file");
    }
  }
}
