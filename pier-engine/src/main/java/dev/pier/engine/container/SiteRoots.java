package dev.pier.engine.container;

import dev.pier.engine.image.Image;
import dev.pier.engine.network.Attachment;
import dev.pier.engine.rootfs.IdMap;
import dev.pier.engine.rootfs.IdMapping;
import dev.pier.engine.site.SiteName;
import dev.pier.engine.util.MoreFiles;
import dev.pier.engine.util.UndoStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * What a running site sees of the host's files, all through its user namespace's ids ({@link IdMap}): its image and
 * its own file system as id-mapped views (so the shared image and what Pier publishes keep their owners as the site
 * sees them: root's files are its root's, www-data's its www-data's), and its root file system, the overlay of the
 * image's view and its layer, whose files are kept in its host ids (overlayfs writes them so). A layer made before
 * (by an earlier Pier, or at another address) is moved over to the site's ids once, at its next start.
 */
final class SiteRoots {

  private final EngineDrivers host;
  private final SiteLayout layout;

  SiteRoots(EngineDrivers host, SiteLayout layout) {
    this.host = host;
    this.layout = layout;
  }

  /** Prepares the directory the root file systems are mounted under: root's, and any id may pass through it. */
  void init() {
    Path run = layout.runDir();
    try {
      if (!Files.isDirectory(run.getParent())) { // one Pier made: passable; one that was there is left as it is
        Files.createDirectories(run.getParent());
        Files.setPosixFilePermissions(run.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
      }
      Files.createDirectories(run);
      Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx--x--x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + run, e);
    }
  }

  /**
   * Mounts the site's views and its root file system, each with its undo on {@code undo}: its file system is mounted,
   * and its network attached ({@code net}), whose user namespace the views take their mapping from.
   */
  void mount(SiteName name, Image image, Attachment net, UndoStack undo) {
    ownLayer(name, net.ids());
    undo.push("unmount the root file system of " + name, () -> unmount(name));
    Path own = layout.siteRunDir(name);
    try {
      Files.createDirectories(own);
      Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
      host.ids().giveToRoot(own, net.ids());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + own, e);
    }
    host.ids().mount(net.usernsPath(), List.of(new IdMapping.View(image.rootfs(), layout.mappedImage(name), true),
        new IdMapping.View(layout.disk(name).mountPoint(), layout.mappedDisk(name), false)));
    layout.overlay(name).mount(host.mounts());
  }

  /** Unmounts what {@link #mount} made (and an earlier Pier's root file system), whichever is mounted. */
  void unmount(SiteName name) {
    host.mounts().unmountAll(layout.siteRunDir(name));
    host.mounts().unmountAll(layout.legacyRootfs(name));
    host.mounts().unmountAll(layout.mappedImage(name));
    host.mounts().unmountAll(layout.mappedDisk(name));
  }

  /** Unmounts, then removes the site's directory outside the data directory. */
  void remove(SiteName name) {
    unmount(name);
    MoreFiles.deleteRecursively(layout.siteRunDir(name)); // (empty mount points by then)
  }

  /**
   * Moves the files of the site's layer to its ids, once. The layer's record ({@link SiteLayout#layerIds}) says whose
   * they are: {@code BASE} (none: an earlier Pier's, the host's own 0 and up), or {@code FROM>TO} while a move is
   * under way, so a move cut short by a crash is finished from both ranges, even towards another range (a new
   * address). The record is written before the move and once it is done.
   */
  private void ownLayer(SiteName name, IdMap ids) {
    Path record = layout.layerIds(name);
    List<Integer> from = readRecord(name, record);
    if (from.size() == 1 && from.get(0) == ids.hostBase()) {
      return;
    }
    MoreFiles.writeAtomically(record, Integer.toUnsignedString(from.get(0)) + ">" + Integer.toUnsignedString(ids.hostBase()) + "\n");
    for (int f : from) {
      if (f != ids.hostBase()) {
        host.ids().shift(layout.layer(name), f, ids.hostBase());
      }
    }
    MoreFiles.writeAtomically(record, Integer.toUnsignedString(ids.hostBase()) + "\n");
  }

  /** The ranges the layer's files may be in: one, or two while a move was under way. */
  private static List<Integer> readRecord(SiteName name, Path record) {
    try {
      if (!Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
        return List.of(0);
      }
      String text = Files.readString(record).strip();
      List<Integer> bases = new ArrayList<>();
      for (String part : text.split(">", -1)) {
        int base = Integer.parseUnsignedInt(part);
        if (base != 0) {
          new IdMap(base); // throws unless it starts a site's range
        }
        bases.add(base);
      }
      if (bases.size() > 2) {
        throw new IllegalArgumentException("more than two ranges");
      }
      return bases;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot read " + record + ", the host ids the files of site \"" + name
          + "\" belong to (a number, or FROM>TO): " + e.getMessage(), e);
    }
  }
}
