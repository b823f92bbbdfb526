package dev.pier.server.site;

import dev.pier.edge.Route;
import dev.pier.engine.site.SiteName;
import java.time.Instant;

/**
 * One site as stored: what the host has ({@code state}) and what was asked for ({@code wish}; {@code wishSeq} counts the
 * wishes written, so that a pass can tell whether a newer one came).
 */
public record Site(SiteName name, String owner, SiteState state, String ipv4, String image, String imageVersion, String plan, Instant createdAt,
    Instant updatedAt, String lastError, RestartPolicy restartPolicy, int restarts, String lastExit, Web web, SiteWish wish, long wishSeq) {

  /**
   * How the edge serves the site.
   *
   * @param httpsOnly    plain HTTP requests are redirected (308) to HTTPS
   * @param hsts         HTTPS responses carry Strict-Transport-Security, so browsers use HTTPS only from then on
   * @param maxBodyBytes the largest request body the site accepts (null: the edge's default); larger ones get 413
   * @param sleepAfterSeconds after how long without a request the site is stopped until the next one (null: never)
   */
  public record Web(boolean httpsOnly, boolean hsts, Long maxBodyBytes, Integer sleepAfterSeconds) {

    public static final Web DEFAULT = new Web(false, false, null, null);

    public Web(boolean httpsOnly, boolean hsts, Long maxBodyBytes) {
      this(httpsOnly, hsts, maxBodyBytes, null);
    }

    /** The largest request body the site takes: its own limit, or the edge's default. Uploads to it keep to it too. */
    public long bodyLimit() {
      return maxBodyBytes == null ? Route.Policy.DEFAULT_MAX_BODY : maxBodyBytes;
    }
  }

  public Site(SiteName name, String owner, SiteState state, String ipv4, String image, String imageVersion, String plan, Instant createdAt,
      Instant updatedAt, String lastError, RestartPolicy restartPolicy, int restarts, String lastExit) {
    this(name, owner, state, ipv4, image, imageVersion, plan, createdAt, updatedAt, lastError, restartPolicy, restarts, lastExit, Web.DEFAULT);
  }

  /** A site whose wish is the one its state implies. */
  public Site(SiteName name, String owner, SiteState state, String ipv4, String image, String imageVersion, String plan, Instant createdAt,
      Instant updatedAt, String lastError, RestartPolicy restartPolicy, int restarts, String lastExit, Web web) {
    this(name, owner, state, ipv4, image, imageVersion, plan, createdAt, updatedAt, lastError, restartPolicy, restarts, lastExit, web,
        SiteWish.implied(state), 0);
  }

  /** A new site as create records it. */
  static Site created(SiteName name, String owner, String ipv4, String image, String plan, Instant now) {
    return new Site(name, owner, SiteState.CREATING, ipv4, image, null, plan, now, now, null, RestartPolicy.ON_FAILURE, 0, null);
  }
}
