package dev.pier.server.site;

import dev.pier.engine.site.SiteName;
import dev.pier.server.common.ErrorIds;
import dev.pier.server.common.PierException;
import dev.pier.server.common.PierException.Kind;

/** The refusals of the site lifecycle, each naming the site. */
final class SiteErrors {

  private SiteErrors() {}

  static PierException notFound(String name) {
    return PierException.notFound("Site not found", "site \"" + name + "\" does not exist");
  }

  static PierException taken(String name) {
    return PierException.alreadyExists("Name taken", "site name \"" + name + "\" is already taken: choose another");
  }

  static PierException deleting(SiteName name) {
    return PierException.conflict("Site busy", "site \"" + name + "\" is being deleted");
  }

  static PierException busy(SiteName name, String why) {
    return PierException.conflict("Site busy", "site \"" + name + "\" " + why + ": try again in a moment");
  }

  static PierException networkFull(int capacity) {
    return new PierException(Kind.EXHAUSTED, "No address left",
        "all " + capacity + " container addresses are in use: delete a site or configure a larger pier.network.subnet", null);
  }

  /** An operation the host failed: the site's own fault is told, anything else by an id under which it is logged. */
  static PierException failed(String what, Site s, RuntimeException cause) {
    return failed(what, s, cause, shown(what, s, cause));
  }

  /** The same, with what the owner was already told of {@code cause} ({@link #shown}). */
  static PierException failed(String what, Site s, RuntimeException cause, String shown) {
    return new PierException(Kind.FAILED, "Operation failed", "could not " + what + " site \"" + s.name() + "\": " + shown, cause);
  }

  /** What the site's owner may read of a failure to {@code what} it (as {@link ErrorIds#shown}, logged once). */
  static String shown(String what, Site s, RuntimeException e) {
    return ErrorIds.shown(what + " site " + s.name(), e);
  }
}
