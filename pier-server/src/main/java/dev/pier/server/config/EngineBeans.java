package dev.pier.server.config;

import dev.pier.engine.container.EngineConfig;
import dev.pier.engine.container.EngineDrivers;
import dev.pier.engine.container.SiteEngine;
import dev.pier.engine.exec.CommandRunner;
import dev.pier.engine.exec.ProcessRunner;
import dev.pier.engine.host.RealHost;
import dev.pier.engine.image.DebianImages;
import dev.pier.engine.image.StaticImage;
import dev.pier.engine.network.AddressPool;
import dev.pier.engine.network.Ipv4Subnet;
import dev.pier.engine.runc.RuntimeChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the engine from the {@code pier.*} properties: its real drivers come from {@link RealHost}. */
@Configuration(proxyBeanMethods = false)
class EngineBeans {

  private static final Logger log = LoggerFactory.getLogger(EngineBeans.class);

  @Bean
  CommandRunner commandRunner() {
    return new ProcessRunner();
  }

  @Bean
  Ipv4Subnet containerSubnet(PierProperties p) {
    try {
      return Ipv4Subnet.parse(p.network().subnet(), p.network().gateway());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationProblem("pier.network: " + e.getMessage(), e);
    }
  }

  @Bean
  AddressPool addressPool(Ipv4Subnet subnet) {
    return new AddressPool(subnet);
  }

  /** The host's real drivers: runc or crun, iproute2 and nftables, the mount table, loop disks, cgroups. */
  @Bean
  EngineDrivers engineDrivers(CommandRunner runner, PierProperties p) {
    RuntimeChoice runtime;
    try {
      runtime = RuntimeChoice.host(p.engine().runtime(), p.dataDir().resolve("runtime"));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationProblem(e.getMessage(), e);
    }
    log.info("containers run with {}", runtime.why());
    return RealHost.drivers(runner, runtime.binary());
  }

  @Bean
  SiteEngine siteEngine(PierProperties p, Ipv4Subnet subnet, CommandRunner runner, EngineDrivers drivers) {
    EngineConfig config;
    Path dataDir;
    try {
      // Resolved through symbolic links, so paths compare with the kernel's table of mounts.
      dataDir = Files.createDirectories(p.dataDir()).toRealPath();
      // Pier's alone: the database, the log, the CA's and the SSH server's keys, every tenant's files. Whatever
      // was made in it with the default umask before this (the log, the database) is out of others' reach too.
      Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new ConfigurationProblem("pier.data-dir " + p.dataDir() + " cannot be used: " + e.getMessage(), e);
    }
    try {
      config = new EngineConfig(dataDir, p.network().bridge(), subnet, p.network().vethPrefix(),
          p.engine().cgroupParent(), p.engine().stopGrace(), p.engine().readyTimeout(), p.network().uplink(), p.instance(),
          p.engine().runDir() == null || p.engine().runDir().toString().isEmpty() ? null : p.engine().runDir());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationProblem(e.getMessage(), e);
    }
    Path images = p.images() == null || p.images().dir() == null || p.images().dir().toString().isEmpty()
        ? config.imagesDir() : p.images().dir().toAbsolutePath().normalize();
    return new SiteEngine(config, drivers, new StaticImage(), new DebianImages(runner, drivers.mounts(), images));
  }
}
