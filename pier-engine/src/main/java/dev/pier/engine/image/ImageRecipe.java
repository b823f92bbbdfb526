package dev.pier.engine.image;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a Debian image is built from: its name and the packages installed on top of Debian's minimal base and
 * Apache httpd, which every Debian image serves with (the brief's packages.txt).
 *
 * @param name     the image's name: lowercase letters, digits and '-', 2 to 32 characters, starting with a letter
 * @param packages Debian package names added to the image, in the order given, without duplicates
 */
public record ImageRecipe(String name, List<String> packages) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}[a-z0-9]");
  private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]{1,62}");

  /** Installed in every Debian image: the web server sites are served with. */
  public static final List<String> BASE_PACKAGES = List.of("apache2");
  /** More packages than this is not a web site's image. */
  public static final int MAX_PACKAGES = 64;

  public static final ImageRecipe DEBIAN_APACHE = new ImageRecipe("debian-apache", List.of());
  public static final ImageRecipe DEBIAN_PHP = new ImageRecipe("debian-php", List.of("libapache2-mod-php", "php-sqlite3"));

  public ImageRecipe {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("image name \"" + name + "\" is not valid: use 2 to 32 lowercase letters, digits"
          + " and '-', starting with a letter and not ending with '-'");
    }
    if (name.equals(StaticImage.NAME)) {
      throw new IllegalArgumentException("image name \"" + StaticImage.NAME + "\" is the built-in busybox image");
    }
    if (packages.size() > MAX_PACKAGES) {
      throw new IllegalArgumentException("an image takes at most " + MAX_PACKAGES + " packages, not " + packages.size());
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String p : packages) {
      if (p == null || !PACKAGE.matcher(p).matches()) {
        throw new IllegalArgumentException("\"" + p + "\" is not a Debian package name: lowercase letters, digits, '+', '-'"
            + " and '.', 2 to 63 characters, starting with a letter or digit");
      }
      unique.add(p);
    }
    packages = List.copyOf(unique);
    if (String.join(" ", packages).length() > MAX_PACKAGES_TEXT) {
      throw new IllegalArgumentException("the package list is too long: at most " + MAX_PACKAGES_TEXT + " characters in all");
    }
  }

  /** The longest package list, names and spaces, that an image keeps. */
  public static final int MAX_PACKAGES_TEXT = 2000;

  /** Parses a package list as an admin types it: names separated by spaces, commas or new lines. */
  public static List<String> parsePackages(String text) {
    List<String> out = new ArrayList<>();
    if (text != null) {
      for (String w : text.split("[\\s,]+")) {
        if (!w.isBlank()) {
          out.add(w.strip());
        }
      }
    }
    return out;
  }

  /** Everything debootstrap installs beyond minbase: the base packages, then this image's own. */
  public List<String> allPackages() {
    LinkedHashSet<String> all = new LinkedHashSet<>(BASE_PACKAGES);
    all.addAll(packages);
    return List.copyOf(all);
  }

  /** Whether sites on this image run PHP pages: they then start with the visit-counter page. */
  public boolean php() {
    return packages.stream().anyMatch(p -> p.startsWith("libapache2-mod-php"));
  }
}
