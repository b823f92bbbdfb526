package dev.pier.engine.image;

/**
 * Which image a site runs: a name and, for Debian images, the build (version) it starts on.
 *
 * @param version the build to run; ignored for {@code static}, which is rebuilt from the host's binaries
 * @param php     whether the image serves PHP (decides the page a new site starts with)
 */
public record ImageRef(String name, String version, boolean php) {

  public static final ImageRef STATIC = new ImageRef(StaticImage.NAME, "", false);

  public boolean isStatic() {
    return name.equals(StaticImage.NAME);
  }
}
