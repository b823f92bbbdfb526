package dev.pier.engine.limits;

/**
 * What a site's cgroup has used: CPU time since the container started, memory in use now (without the page
 * cache the kernel may drop at will), and processes now.
 */
public record Usage(long cpuNanos, long memoryBytes, long processes) {}
