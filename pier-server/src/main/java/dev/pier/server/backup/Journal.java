package dev.pier.server.backup;

import dev.pier.engine.util.MoreFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A restore under way, kept in {@code DATA-DIR/restores/SITE.json} (written whole, then renamed) from its first change
 * of the site to its end: the release live before it, whether the site ran, and how far it went (publishing its
 * release, stopping the site, swapping its data, or swapped: whole).
 */
record Journal(String site, Long previous, boolean meantToRun, String phase) {

  static final String PUBLISHING = "publishing";
  /** Published; the site being stopped, the backup's data being copied beside its own. */
  static final String STOPPING = "stopping";
  /** The data's first rename is about to be made, or made. */
  static final String SWAPPING = "swapping";
  static final String SWAPPED = "swapped";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  Journal at(String next) {
    return new Journal(site, previous, meantToRun, next);
  }

  void write(Path dir) {
    try {
      Files.createDirectories(dir);
      MoreFiles.writeAtomically(dir.resolve(site + ".json"), JSON.writeValueAsString(this));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the journal of site " + site + "'s restore in " + dir, e);
    }
  }

  static Journal read(Path dir, String site) throws IOException {
    return JSON.readValue(Files.readString(dir.resolve(site + ".json")), Journal.class);
  }

  static void delete(Path dir, String site) {
    try {
      Files.deleteIfExists(dir.resolve(site + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the journal of site " + site + "'s restore", e);
    }
  }

  /** Every journal left in {@code dir}; one that does not read is logged and skipped. */
  static List<Journal> all(Path dir) {
    List<Journal> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
        try {
          out.add(JSON.readValue(Files.readString(f), Journal.class));
        } catch (IOException | RuntimeException e) {
          log.error("the restore journal {} does not read ({}): left for an admin to look at", f, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return out;
  }
}
