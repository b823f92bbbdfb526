package dev.pier.engine.host;

import dev.pier.engine.container.EngineConfig;
import dev.pier.engine.container.EngineDrivers;
import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.image.DebianImages;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.limits.CgroupStats;
import dev.pier.engine.network.HostNetwork;
import dev.pier.engine.network.PortProbe;
import dev.pier.engine.network.ResolvConf;
import dev.pier.engine.rootfs.IdmappedMounts;
import dev.pier.engine.rootfs.LoopDisks;
import dev.pier.engine.rootfs.ProcMountTable;
import dev.pier.engine.runc.Runc;
import java.nio.file.Path;

/**
 * The one place the engine's real drivers are wired: runc, iproute2 and nftables, the kernel's mount table,
 * loop-mounted ext4 disks, the cgroup file system, TCP connects and the host's resolv.conf, every program run
 * through the one runner given.
 */
public final class RealHost {

  private RealHost() {}

  /** The real drivers, every external program going through {@code runner}; containers run by runc. */
  public static EngineDrivers drivers(CommandRunner runner) {
    return drivers(runner, "runc");
  }

  /** The same, containers run by {@code runtime} ({@code runc} or {@code crun}: see {@link dev.pier.engine.runc.RuntimeChoice}). */
  public static EngineDrivers drivers(CommandRunner runner, String runtime) {
    ProcMountTable mounts = new ProcMountTable(runner);
    return new EngineDrivers(new Runc(runner, runtime, null), new HostNetwork(runner), mounts, new LoopDisks(runner, mounts),
        new CgroupStats(), PortProbe.TCP, ResolvConf.HOST, new IdmappedMounts());
  }

  /** The Debian images kept in {@code imagesDir}, built through {@code runner}. */
  public static DebianImages debianImages(CommandRunner runner, Path imagesDir) {
    return new DebianImages(runner, new ProcMountTable(runner), imagesDir);
  }

  /** An engine on this host, its Debian images in {@code imagesDir}. */
  public static SiteEngine siteEngine(EngineConfig config, CommandRunner runner, Path imagesDir) {
    return new SiteEngine(config, drivers(runner), new StaticImage(), debianImages(runner, imagesDir));
  }

  /** An engine on this host, its images in the data directory. */
  public static SiteEngine siteEngine(EngineConfig config, CommandRunner runner) {
    return siteEngine(config, runner, config.imagesDir());
  }

  /** An engine on this host running sites of the built-in image from {@code staticImage}'s binaries. */
  public static SiteEngine siteEngine(EngineConfig config, CommandRunner runner, StaticImage staticImage) {
    return new SiteEngine(config, drivers(runner), staticImage, debianImages(runner, config.imagesDir()));
  }
}
