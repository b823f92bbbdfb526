package dev.pier.server.content;

import java.time.Instant;

/** A release as the API shows it. */
record ReleaseJson(long id, Instant createdAt, String createdBy, String source, long files, long bytes, boolean active) {

  static ReleaseJson of(Release r) {
    return new ReleaseJson(r.id(), r.createdAt(), r.createdBy(), r.source(), r.files(), r.bytes(), r.active());
  }
}
