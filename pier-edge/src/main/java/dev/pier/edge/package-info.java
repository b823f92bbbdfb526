/**
 * Pier's edge: the Netty HTTP/1.1 reverse proxy in front of the panel and every site.
 *
 * <p>Other modules use four types: {@link dev.pier.edge.Route} (where one host name goes),
 * {@link dev.pier.edge.RouteTable} (an immutable snapshot of all routes),
 * {@link dev.pier.edge.EdgeConfig} (where to listen, upstream timeouts) and
 * {@link dev.pier.edge.EdgeServer} (the running proxy, whose route table is swapped atomically).
 * Everything else in this package is an implementation detail.
 */
package dev.pier.edge;
