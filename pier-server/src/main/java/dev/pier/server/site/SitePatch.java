package dev.pier.server.site;

import dev.pier.server.common.PierException;
import tools.jackson.databind.JsonNode;

/**
 * What a {@code PATCH /api/v1/sites/{name}} asks to change, parsed and checked whole before anything is applied:
 * a field that is absent (null here) stays as it is. Unknown fields are ignored.
 *
 * @param plan              the plan to move to
 * @param restartPolicy     what happens when its container exits by itself
 * @param httpsOnly         plain HTTP redirected to HTTPS
 * @param hsts              Strict-Transport-Security on HTTPS answers
 * @param maxBodyBytes      the largest request body (0: back to the edge's default)
 * @param sleepGiven        whether {@code sleepAfterSeconds} was given (null then means "never sleep")
 * @param sleepAfterSeconds the idle time after which the site sleeps
 */
public record SitePatch(String plan, RestartPolicy restartPolicy, Boolean httpsOnly, Boolean hsts, Long maxBodyBytes, boolean sleepGiven,
    Integer sleepAfterSeconds) {

  /** The largest request body a site may set: 4 GiB. */
  public static final long MAX_BODY_LIMIT = 4L << 30;
  /** The shortest idle time before a site sleeps. */
  public static final int MIN_SLEEP_AFTER = 1;

  public SitePatch {
    if (sleepGiven && sleepAfterSeconds != null && sleepAfterSeconds < MIN_SLEEP_AFTER) {
      throw PierException.invalid("Invalid sleep time", "sleepAfterSeconds=" + sleepAfterSeconds + " is out of range: give "
          + MIN_SLEEP_AFTER + " or more seconds, or null for never");
    }
    if (maxBodyBytes != null && (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_LIMIT)) {
      throw PierException.invalid("Invalid body limit", "maxBodyBytes=" + maxBodyBytes + " is out of range: give 1 to "
          + MAX_BODY_LIMIT + " bytes, or 0 for the default");
    }
  }

  /** Only the web settings (the panel's settings page). */
  public static SitePatch web(Boolean httpsOnly, Boolean hsts, Long maxBodyBytes, boolean sleepGiven, Integer sleepAfterSeconds) {
    return new SitePatch(null, null, httpsOnly, hsts, maxBodyBytes, sleepGiven, sleepAfterSeconds);
  }

  /** Parses a JSON object; a field of the wrong type, an unknown plan word's shape or a value out of range is refused. */
  public static SitePatch parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw PierException.invalid("Unreadable request", "the request body must be a JSON object, such as {\"plan\": \"large\"}");
    }
    String plan = text(body, "plan");
    String policy = text(body, "restartPolicy");
    RestartPolicy restartPolicy = null;
    if (policy != null) {
      try {
        restartPolicy = RestartPolicy.of(policy);
      } catch (IllegalArgumentException e) {
        throw PierException.invalid("Invalid restart policy", e);
      }
    }
    Long maxBody = null;
    JsonNode m = body.get("maxBodyBytes");
    if (m != null && !m.isNull()) {
      if (!m.isIntegralNumber() || !m.canConvertToLong()) {
        throw PierException.invalid("Invalid body limit", "maxBodyBytes must be a whole number of bytes, or 0 for the default");
      }
      maxBody = m.longValue();
    }
    boolean sleepGiven = body.has("sleepAfterSeconds");
    Integer sleep = null;
    JsonNode s = body.get("sleepAfterSeconds");
    if (s != null && !s.isNull()) {
      if (!s.isIntegralNumber() || !s.canConvertToInt()) {
        throw PierException.invalid("Invalid sleep time", "sleepAfterSeconds must be a whole number of seconds, or null for never");
      }
      sleep = s.intValue();
    }
    return new SitePatch(plan, restartPolicy, bool(body, "httpsOnly"), bool(body, "hsts"), maxBody, sleepGiven, sleep);
  }

  /** Whether any of the edge's settings change. */
  boolean changesWeb() {
    return httpsOnly != null || hsts != null || maxBodyBytes != null || sleepGiven;
  }

  /** The web settings after this change. */
  Site.Web applyTo(Site.Web w) {
    return new Site.Web(httpsOnly == null ? w.httpsOnly() : httpsOnly, hsts == null ? w.hsts() : hsts,
        maxBodyBytes == null ? w.maxBodyBytes() : maxBodyBytes == 0 ? null : maxBodyBytes,
        sleepGiven ? sleepAfterSeconds : w.sleepAfterSeconds());
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isString()) {
      throw PierException.invalid("Invalid " + field, field + " must be a string");
    }
    return v.asString();
  }

  private static Boolean bool(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw PierException.invalid("Invalid " + field, field + " must be true or false");
    }
    return v.booleanValue();
  }
}
