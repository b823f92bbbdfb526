package dev.pier.server.image;

import java.util.Set;

/** What the images need to know of the sites on them; the sites' repository answers. */
public interface ImageUsers {

  /** How many sites use the image. */
  int countUsingImage(String image);

  /** Versions of the image that sites run on or are starting or stopping on: not to be removed. */
  Set<String> versionsInUse(String image);
}
