package dev.pier.server.content;

import dev.pier.server.common.Caller;

/** What runs just before a site gets a new live release by a publish: its backup ({@code pier.backup.before-publish}). */
public interface BeforePublish {

  /** Called with the site's changes serialised ({@link ReleaseService#serialised}); a failure here must not stop the publish. */
  void before(Caller caller, String site);
}
