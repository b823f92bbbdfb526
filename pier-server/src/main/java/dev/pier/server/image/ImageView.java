package dev.pier.server.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An image with what is on disk of it.
 *
 * @param current   the version new starts use (null: not built yet)
 * @param versions  every version on disk, oldest first: the current one and those running sites still use
 * @param lastBuild the latest build, null when none was made on this host (or for {@code static})
 * @param sites     how many sites use the image
 */
public record ImageView(String name, List<String> packages, boolean builtin, boolean php, String kind, String current,
    List<String> versions, ImageBuild lastBuild, int sites) {

  /** "ready", "building", "queued", "failed" (and not built) or "not built". */
  @JsonProperty("status")
  public String status() {
    if (lastBuild != null && lastBuild.active()) {
      return lastBuild.state().word();
    }
    if (current != null) {
      return "ready";
    }
    return lastBuild != null ? "failed" : "not built";
  }
}
