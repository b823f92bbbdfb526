package dev.pier.server.content;

import dev.pier.engine.content.ContentException;
import dev.pier.engine.content.Releases;
import dev.pier.engine.site.SiteName;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;
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
      throw refusal(e);
    }
  }

  /** Closes what SFTP keeps open on the site's live files: inside {@link #with}, before another release goes live. */
  void closeKept(SiteName name) {
    content.closeKept(name);
  }

  /** The engine's refusal of content, as the API and the panel answer it. */
  static PierException refusal(ContentException e) {
    Kind kind = switch (e.reason()) {
      case INVALID -> Kind.INVALID;
      case TOO_LARGE -> Kind.TOO_LARGE;
      case NO_SPACE -> Kind.NO_SPACE;
      case NOT_FOUND -> Kind.NOT_FOUND;
      case CONFLICT -> Kind.CONFLICT;
    };
    String title = switch (e.reason()) {
      case INVALID -> "Content refused";
      case TOO_LARGE -> "Content too large";
      case NO_SPACE -> "Disk full";
      case NOT_FOUND -> "Not found";
      case CONFLICT -> "Conflict";
    };
    return new PierException(kind, title, e.getMessage(), e);
  }
}
