package dev.pier.server.site;

import dev.pier.server.config.PierProperties;
import org.springframework.stereotype.Component;

/** A site's public address: {@code http://NAME.DOMAIN[:PORT]/}, the port shown unless it is 80. */
@Component
public class SiteUrls {

  private final PierProperties props;

  SiteUrls(PierProperties props) {
    this.props = props;
  }

  public String of(String site, int httpPort) {
    return "http://" + props.hostname(site) + (httpPort == 80 ? "" : ":" + httpPort) + "/";
  }
}
