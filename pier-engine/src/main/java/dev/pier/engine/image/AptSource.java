package dev.pier.engine.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Debian images come from: the archive and release the host itself installs packages from, read from its
 * apt sources ({@code /etc/apt/sources.list} and {@code /etc/apt/sources.list.d/*.list} or {@code *.sources}).
 * Pier names no mirror of its own. Parsing is pure; {@link #fromHost()} reads the files.
 *
 * @param uri   the archive, such as the one in the host's {@code URIs:} line
 * @param suite the release, such as {@code bookworm}
 */
public record AptSource(String uri, String suite) {

  private static final Pattern URI = Pattern.compile("(https?|file)://[^\\s\"'\\\\]+");
  /** apt's mirror method: {@code mirror+file:///etc/apt/mirrors/debian.list} names a file listing archives. */
  private static final Pattern MIRROR_LIST = Pattern.compile("mirror\\+file:(/[^\\s\"'\\\\]+)");
  private static final Pattern SUITE = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");
  private static final List<String> SIDE_SUITES = List.of("-updates", "-security", "-backports", "-proposed", "-proposed-updates");

  public AptSource {
    if (!URI.matcher(uri).matches()) {
      throw new IllegalArgumentException("apt source \"" + uri + "\" is not an http, https or file address");
    }
    if (!SUITE.matcher(suite).matches()) {
      throw new IllegalArgumentException("apt suite \"" + suite + "\" is not a release name");
    }
  }

  /** The host's primary source: see {@link #primary(Map)}. */
  public static AptSource fromHost() {
    Path etc = Path.of("/etc/apt");
    Map<String, String> files = new LinkedHashMap<>();
    try {
      Path list = etc.resolve("sources.list");
      if (Files.isRegularFile(list)) {
        files.put(list.toString(), Files.readString(list));
      }
      Path dir = etc.resolve("sources.list.d");
      if (Files.isDirectory(dir)) {
        try (var entries = Files.list(dir)) {
          for (Path p : entries.sorted().toList()) {
            if (Files.isRegularFile(p)) {
              files.put(p.toString(), Files.readString(p));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the host's apt sources in " + etc, e);
    }
    return primary(files, AptSource::readMirrorList).orElseThrow(() -> new IllegalStateException(
        "no Debian or Ubuntu release found in the host's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d):"
            + " Debian images are built from the archive the host installs from"));
  }

  /**
   * The first enabled binary ({@code deb}) source whose suite is a release itself, not its updates, security or
   * backports, and that carries the {@code main} component. Files are taken in the order given; only names ending
   * in {@code .list} (one-line format) or {@code .sources} (deb822) are read, as apt does.
   */
  public static Optional<AptSource> primary(Map<String, String> files) {
    return primary(files, path -> "");
  }

  /** The first archive a mirror list file names (one per line; anything after a tab or space is apt's metadata). */
  static String firstMirror(String listText) {
    for (String line : listText.split("\n")) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        return t.split("\\s+")[0];
      }
    }
    return "";
  }

  private static String readMirrorList(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The same, reading {@code mirror+file:} lists through {@code readList} (a path to the list's text). */
  static Optional<AptSource> primary(Map<String, String> files, Function<String, String> readList) {
    for (Map.Entry<String, String> f : files.entrySet()) {
      List<Entry> entries;
      if (f.getKey().endsWith(".list")) {
        entries = oneLine(f.getValue());
      } else if (f.getKey().endsWith(".sources")) {
        entries = deb822(f.getValue());
      } else {
        continue;
      }
      for (Entry e : entries) {
        if (e.types.contains("deb") && e.components.contains("main")) {
          for (String listed : e.uris) {
            Matcher mirror = MIRROR_LIST.matcher(listed);
            String uri = mirror.matches() ? firstMirror(readList.apply(mirror.group(1))) : listed;
            for (String suite : e.suites) {
              if (SIDE_SUITES.stream().noneMatch(suite::endsWith) && URI.matcher(uri).matches() && SUITE.matcher(suite).matches()) {
                return Optional.of(new AptSource(uri, suite));
              }
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private record Entry(List<String> types, List<String> uris, List<String> suites, List<String> components) {}

  private static List<Entry> oneLine(String text) {
    List<Entry> out = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.replaceFirst("#.*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      // Options in brackets come after the type: deb [signed-by=... arch=amd64] URI SUITE COMPONENT...
      line = line.replaceFirst("^(\\S+)\\s+\\[[^\\]]*\\]", "$1");
      String[] w = line.split("\\s+");
      if (w.length < 4) {
        continue;
      }
      out.add(new Entry(List.of(w[0]), List.of(w[1]), List.of(w[2]), List.of(w).subList(3, w.length)));
    }
    return out;
  }

  private static List<Entry> deb822(String text) {
    List<Entry> out = new ArrayList<>();
    for (String paragraph : text.split("\n\\s*\n")) {
      Map<String, String> fields = new LinkedHashMap<>();
      String last = null;
      for (String line : paragraph.split("\n")) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        if (Character.isWhitespace(line.charAt(0)) && last != null) {
          fields.merge(last, " " + line.strip(), String::concat);
          continue;
        }
        int colon = line.indexOf(':');
        if (colon > 0) {
          last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
          fields.put(last, line.substring(colon + 1).strip());
        }
      }
      if ("no".equalsIgnoreCase(fields.getOrDefault("enabled", "yes"))) {
        continue;
      }
      out.add(new Entry(words(fields.get("types")), words(fields.get("uris")), words(fields.get("suites")), words(fields.get("components"))));
    }
    return out;
  }

  private static List<String> words(String s) {
    return s == null || s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
  }
}
