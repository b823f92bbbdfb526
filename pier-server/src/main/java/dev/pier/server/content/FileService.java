package dev.pier.server.content;

import dev.pier.engine.content.ContentException;
import dev.pier.engine.content.ContentPath;
import dev.pier.engine.content.WebFiles;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.site.SiteService;
import java.io.InputStream;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The file manager: a site's live files (its active release), browsed and changed one operation at a time under
 * the site's lock, in any state of the site. Changes are live at once; a publish or rollback swaps them as a whole.
 */
@Service
public class FileService {

  private static final Logger log = LoggerFactory.getLogger(FileService.class);

  private final Contents content;
  private final SiteService sites;
  private final Uploads uploads;

  FileService(Contents content, SiteService sites, Uploads uploads) {
    this.content = content;
    this.sites = sites;
    this.uploads = uploads;
  }

  /** Runs {@code work} on the site's live files. */
  public <T> T on(Caller caller, String site, Function<WebFiles, T> work) {
    return content.with(caller, site, (s, r) -> work.apply(new WebFiles(r)));
  }

  /**
   * {@link #on}, for work that replaces, moves or deletes files: what SFTP keeps open on the site is closed first, so
   * a transfer whose file goes does not write on into it unseen.
   */
  public <T> T changing(Caller caller, String site, Function<WebFiles, T> work) {
    return content.with(caller, site, (s, r) -> {
      content.closeKept(s.name());
      return work.apply(new WebFiles(r));
    });
  }

  /** What is at a path: a file, or a folder with its entries (folders first, then by name). */
  public record Listing(WebFiles.Entry entry, List<WebFiles.Entry> entries) {}

  /** What is at {@code path}, read in one call: for a folder, its entries too. */
  public Listing look(Caller caller, String site, String path) {
    ContentPath p = parse(path);
    return on(caller, site, f -> {
      WebFiles.Entry e = f.stat(p);
      return new Listing(e, e.kind() == WebFiles.Kind.FOLDER ? f.list(p) : List.of());
    });
  }

  /**
   * A copy of a file's bytes in {@code DATA-DIR/tmp}, made under the site's lock so that a slow download never holds
   * it; the caller closes it, which deletes it.
   */
  public Uploads.Spooled copy(Caller caller, String site, String path) {
    ContentPath p = parse(path);
    Uploads.Spooled copy = uploads.reserve(sites.get(caller, site), "download-"); // the wait for a turn holds no lock
    boolean done = false;
    try {
      on(caller, site, f -> {
        uploads.fill(copy, f.stat(p).size(), out -> {
          try (InputStream in = f.read(p)) {
            in.transferTo(out);
          }
        });
        return null;
      });
      done = true;
      return copy;
    } finally {
      if (!done) {
        copy.close();
      }
    }
  }

  /** A file written: whether it is new, and what it is now. */
  public record Written(boolean created, WebFiles.Entry entry) {}

  /** Writes the file (its folders made as needed): whether it is new, and what it is now. */
  public Written write(Caller caller, String site, String path, InputStream data) {
    ContentPath p = parse(path);
    return changing(caller, site, f -> {
      boolean created = f.write(p, data, f.freeBytes());
      log.info("site {}: {} {} {}", site, caller.user(), created ? "created" : "replaced", p);
      return new Written(created, f.stat(p));
    });
  }

  public WebFiles.Entry makeFolder(Caller caller, String site, String path) {
    ContentPath p = parse(path);
    return on(caller, site, f -> {
      f.makeFolder(p);
      return f.stat(p);
    });
  }

  public WebFiles.Entry move(Caller caller, String site, String from, String to) {
    ContentPath src = parse(from);
    ContentPath dst = parse(to);
    return changing(caller, site, f -> {
      f.move(src, dst);
      log.info("site {}: {} moved {} to {}", site, caller.user(), src, dst);
      return f.stat(dst);
    });
  }

  public void delete(Caller caller, String site, String path) {
    ContentPath p = parse(path);
    changing(caller, site, f -> {
      f.delete(p);
      log.info("site {}: {} deleted {}", site, caller.user(), p);
      return null;
    });
  }

  static ContentPath parse(String path) {
    try {
      return ContentPath.parse(path == null || path.isEmpty() ? "/" : path, true);
    } catch (ContentException e) {
      throw PierException.invalid("Invalid path", e.getMessage());
    }
  }
}
