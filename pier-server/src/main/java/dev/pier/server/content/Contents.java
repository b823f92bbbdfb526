package dev.pier.server.content;

import dev.pier.engine.content.ContentException;
import dev.pier.engine.content.Releases;
import dev.pier.server.common.Caller;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteContent;
import java.util.function.BiFunction;
import org.springframework.stereotype.Component;

/** A site's content for this package's services: {@link SiteContent}, with the engine's refusals made the API's. */
@Component
class Contents {

  private final SiteContent content;

  Contents(SiteContent content) {
    this.content = content;
  }

  <T> T with(Caller caller, String site, BiFunction<Site, Releases, T> work) {
    try {
      return content.with(caller, site, work);
    } catch (ContentException e) {
      throw ContentErrors.of(e);
    }
  }
}
