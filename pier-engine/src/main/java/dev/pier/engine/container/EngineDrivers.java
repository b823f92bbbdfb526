package dev.pier.engine.container;

import dev.pier.engine.limits.Cgroups;
import dev.pier.engine.network.PortProbe;
import dev.pier.engine.network.ResolvConf;
import dev.pier.engine.network.SiteNetwork;
import dev.pier.engine.rootfs.IdMapping;
import dev.pier.engine.rootfs.MountTable;
import dev.pier.engine.rootfs.SiteDisks;
import dev.pier.engine.runc.ContainerRuntime;
import java.util.Objects;

/**
 * Every side effect on the host that {@link SiteEngine} orchestrates, one driver per kind. The real set is wired
 * in {@code dev.pier.engine.host.RealHost}; tests pass the in-memory one of {@code dev.pier.engine.testing.FakeHost}.
 *
 * @param runtime   containers (runc)
 * @param network   the bridge, namespaces and veth pairs (iproute2, nftables)
 * @param mounts    the mount table (overlays and loop mounts)
 * @param disks     the sites' own file systems
 * @param cgroups   containers' usage as the kernel counts it
 * @param probe     whether a site accepts connections
 * @param resolvers the host's upstream DNS resolvers
 * @param ids       sites' user namespaces: id-mapped views of their files, owners of their layers
 */
public record EngineDrivers(ContainerRuntime runtime, SiteNetwork network, MountTable mounts, SiteDisks disks, Cgroups cgroups,
    PortProbe probe, ResolvConf resolvers, IdMapping ids) {

  public EngineDrivers {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(mounts, "mounts");
    Objects.requireNonNull(disks, "disks");
    Objects.requireNonNull(cgroups, "cgroups");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(resolvers, "resolvers");
    Objects.requireNonNull(ids, "ids");
  }
}
