package dev.pier.server.site;

import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.content.Releases;
import dev.pier.server.common.Caller;
import java.util.function.BiFunction;
import org.springframework.stereotype.Component;

/**
 * The one way into a site's content (its releases, its live files) for the features that change it: publishing,
 * the file manager, SFTP, git. Checks that the caller may see the site, then holds the site's lock (no start, stop
 * or other change of its content runs meanwhile) with the site's file system mounted, in whatever state it is.
 */
@Component
public class SiteContent {

  private final SiteService sites;
  private final SiteRepository repo;
  private final SiteLocks locks;
  private final SiteSpecs specs;
  private final SiteEngine engine;

  SiteContent(SiteService sites, SiteRepository repo, SiteLocks locks, SiteSpecs specs, SiteEngine engine) {
    this.sites = sites;
    this.repo = repo;
    this.locks = locks;
    this.specs = specs;
    this.engine = engine;
  }

  /** Runs {@code work} on the content of site {@code rawName}, which the caller may see. */
  public <T> T with(Caller caller, String rawName, BiFunction<Site, Releases, T> work) {
    Site seen = sites.get(caller, rawName);
    return locks.locked(seen.name(), () -> {
      Site s = repo.find(seen.name()).orElseThrow(() -> SiteErrors.notFound(rawName));
      if (s.state() == SiteState.DELETING || s.wish() == SiteWish.DELETED) {
        throw SiteErrors.deleting(s.name());
      }
      if (s.state() == SiteState.CREATING) {
        throw SiteErrors.busy(s.name(), "is being created");
      }
      return engine.contents().with(specs.spec(s), r -> work.apply(s, r));
    });
  }
}
