package dev.pier.server.backup;

import dev.pier.engine.container.SiteContents;
import dev.pier.engine.content.Releases;
import dev.pier.engine.content.WebRoot;
import dev.pier.engine.util.MoreFiles;
import dev.pier.server.site.Site;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** What a site's backup holds, written into a folder: {@code manifest.json}, {@code release/} and {@code data/}. */
final class BackupFolder {

  static final String FORMAT = "pier-site-backup-1";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private BackupFolder() {}

  /** Writes the backup's folder: the manifest, the live release's files, and the data, the site frozen meanwhile. */
  static void write(Site s, Releases releases, Path dir, SiteContents contents) {
    try {
      Files.createDirectories(dir);
      WebRoot root = releases.root();
      String live = releases.active().orElse(null);
      if (live != null) {
        MoreFiles.copyTree(root.release(live), dir.resolve("release"));
      }
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("format", FORMAT);
      manifest.put("site", s.name().value());
      manifest.put("owner", s.owner());
      manifest.put("image", s.image());
      manifest.put("plan", s.plan());
      manifest.put("web", s.web());
      manifest.put("release", live);
      manifest.put("releases", releases.ids());
      manifest.put("time", Instant.now().toString());
      Files.writeString(dir.resolve("manifest.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
      contents.frozen(s.name(), () -> {
        MoreFiles.copyTree(root.data(), dir.resolve("data"));
        return null;
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage the backup of site " + s.name() + " in " + dir, e);
    }
  }
}
