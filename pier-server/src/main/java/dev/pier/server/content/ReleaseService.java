package dev.pier.server.content;

import dev.pier.engine.content.Archives;
import dev.pier.engine.content.ArchiveFormat;
import dev.pier.engine.content.ContentSource;
import dev.pier.engine.content.Releases;
import dev.pier.engine.content.Unpacker;
import dev.pier.server.common.Caller;
import dev.pier.server.common.PierException;
import dev.pier.server.site.Site;
import dev.pier.server.site.SiteService;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Publishing: one pipeline for every way content comes (an uploaded archive, a git push): unpacked and checked
 * apart from the live files, kept as a release, then made live in one rename; a failure at any step leaves the
 * live site as it was and nothing of the attempt behind. Rolling back (or forward) is the same rename. Works on
 * running, stopped and sleeping sites alike (a sleeping site stays asleep); one change of a site's content at a
 * time, under the site's lock.
 */
@Service
public class ReleaseService {

  private static final Logger log = LoggerFactory.getLogger(ReleaseService.class);
  /** Left free on a site's disk by a publish, so the site's own programs still find room to write. */
  static final long HEADROOM = 1L << 20;

  private final SiteService sites;
  private final Contents content;
  private final ReleaseRepository repo;
  private final ContentProperties props;
  private final ObjectProvider<BeforePublish> before;
  /** One change of a site's releases at a time: a publish, a rollback, a restore ({@link #serialised}). */
  private final Map<String, ReentrantLock> changes = new ConcurrentHashMap<>();

  ReleaseService(SiteService sites, Contents content, ReleaseRepository repo, ContentProperties props, ObjectProvider<BeforePublish> before) {
    this.before = before;
    this.sites = sites;
    this.content = content;
    this.repo = repo;
    this.props = props;
  }

  /** Publishes the archive in {@code file} as a new live release of the site. */
  public Release publish(Caller caller, String site, Path file, ArchiveFormat format, String source) {
    return publish(caller, site, Archives.open(file, format), source);
  }

  /**
   * Publishes what {@code source} gives as a new live release of the site, made by {@code how}; the site is backed up
   * just before ({@link BeforePublish}).
   */
  public Release publish(Caller caller, String site, ContentSource source, String how) {
    sites.get(caller, site); // (404 first: no lock is made for a name that is not the caller's site)
    return serialised(site, () -> {
      before.ifAvailable(b -> b.before(caller, site));
      return publishNow(caller, site, source, how);
    });
  }

  /** Publishes as {@link #publish} does, without the backup first: for a restore, which made its own. */
  public Release publishRestored(Caller caller, String site, ContentSource source, String how) {
    sites.get(caller, site);
    return serialised(site, () -> publishNow(caller, site, source, how));
  }

  /**
   * Runs {@code work} as the site's one change of its releases: a publish, a rollback or a restore waits for the one
   * under way (which may take a while: a backup, an upload's unpacking), never interleaves with it. Reentrant.
   */
  public <T> T serialised(String site, Supplier<T> work) {
    ReentrantLock lock = changes.computeIfAbsent(site.toLowerCase(Locale.ROOT), k -> new ReentrantLock());
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  private Release publishNow(Caller caller, String site, ContentSource source, String how) {
    return content.with(caller, site, (s, r) -> {
      sync(s, r);
      Releases.Staged staged = r.stage(source, new Unpacker.Limits(Math.max(0, r.freeBytes() - HEADROOM), props.maxFiles()));
      String dir = r.keep(staged);
      long id = repo.insert(s.name(), dir, Instant.now(), caller.user(), how, staged.files(), staged.bytes());
      content.closeKept(s.name());
      r.activate(dir);
      repo.setActive(s.name(), dir);
      log.info("site {}: {} published release {} ({} files, {} bytes) from {}", s.name(), caller.user(), id, staged.files(), staged.bytes(), how);
      prune(s, r);
      return repo.find(s.name(), id).orElseThrow();
    });
  }

  /** Makes release {@code id} of the site live again (a rollback, or forward). */
  public Release activate(Caller caller, String site, long id) {
    sites.get(caller, site);
    return serialised(site, () -> content.with(caller, site, (s, r) -> {
      sync(s, r);
      Release rel = repo.find(s.name(), id).orElseThrow(() -> notFound(s, id));
      content.closeKept(s.name());
      r.activate(rel.dir());
      repo.setActive(s.name(), rel.dir());
      log.info("site {}: {} made release {} live", s.name(), caller.user(), id);
      prune(s, r);
      return repo.find(s.name(), id).orElseThrow();
    }));
  }

  /**
   * The site's releases, newest first, the live one marked. Read from the database; a site whose releases were
   * never read (a new site's starter page, a site from before releases) has its disk read once first.
   */
  public List<Release> list(Caller caller, String site) {
    List<Release> known = repo.of(sites.get(caller, site).name());
    if (!known.isEmpty()) {
      return known;
    }
    return content.with(caller, site, (s, r) -> {
      sync(s, r);
      return repo.of(s.name());
    });
  }

  /**
   * Brings the site's rows to what its disk holds: a release directory without a row (a crash between the two)
   * gets one, a row whose directory is gone goes, and the live release is the one the html link points at; and
   * empties {@code staging}, where a publish or a file operation cut short left its pieces.
   */
  void sync(Site s, Releases r) {
    r.clearStaging();
    Map<String, Release> rows = new HashMap<>();
    for (Release rel : repo.of(s.name())) {
      rows.put(rel.dir(), rel);
    }
    Set<String> onDisk = new HashSet<>(r.ids());
    for (Release rel : rows.values()) {
      if (!onDisk.contains(rel.dir())) {
        repo.delete(rel.id());
      }
    }
    for (String dir : onDisk) {
      if (!rows.containsKey(dir)) {
        long[] filesAndBytes = r.measure(dir);
        String source = dir.equals("starter") || dir.equals("existing") ? dir : "found";
        repo.insert(s.name(), dir, Instant.now(), s.owner(), source, filesAndBytes[0], filesAndBytes[1]);
      }
    }
    repo.setActive(s.name(), r.active().orElse(null));
  }

  /** Removes the oldest releases beyond the number kept; never the live one. */
  private void prune(Site s, Releases r) {
    List<Release> all = repo.of(s.name());
    int room = props.keepReleases() - (all.stream().anyMatch(Release::active) ? 1 : 0);
    for (Release rel : all) {
      if (rel.active()) {
        continue;
      }
      if (room > 0) {
        room--;
        continue;
      }
      try {
        r.delete(rel.dir());
        repo.delete(rel.id());
      } catch (RuntimeException e) {
        log.warn("site {}: could not remove old release {}: {}", s.name(), rel.id(), e.getMessage());
      }
    }
  }

  private static PierException notFound(Site s, long id) {
    return PierException.notFound("Release not found", "site \"" + s.name() + "\" has no release " + id);
  }
}
