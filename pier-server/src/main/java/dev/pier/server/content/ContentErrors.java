package dev.pier.server.content;

import dev.pier.engine.content.ContentException;
import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;

/** The engine's refusals of content, as the API and the panel answer them. */
final class ContentErrors {

  private ContentErrors() {}

  static PierException of(ContentException e) {
    return switch (e.reason()) {
      case INVALID -> new PierException(Kind.INVALID, "Content refused", e.getMessage(), e);
      case TOO_LARGE -> new PierException(Kind.TOO_LARGE, "Content too large", e.getMessage(), e);
      case NO_SPACE -> new PierException(Kind.NO_SPACE, "Disk full", e.getMessage(), e);
      case NOT_FOUND -> new PierException(Kind.NOT_FOUND, "Not found", e.getMessage(), e);
      case CONFLICT -> new PierException(Kind.CONFLICT, "Conflict", e.getMessage(), e);
    };
  }
}
