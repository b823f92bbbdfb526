/**
 * Pier's edge: the Netty HTTP/1.1 (and HTTP/2 over TLS) reverse proxy in front of the panel and every site.
 *
 * <p>Other modules use these types: {@link dev.pier.edge.Route} (where one host name goes),
 * {@link dev.pier.edge.RouteTable} (an immutable snapshot of all routes), {@link dev.pier.edge.EdgeConfig} (where
 * to listen, timeouts), {@link dev.pier.edge.EdgeServer} (the running proxy, made with
 * {@link dev.pier.edge.EdgeServer#builder}, whose route table is swapped atomically) and the hooks it calls:
 * {@link dev.pier.edge.CertificateSource}, {@link dev.pier.edge.AccessLog}, {@link dev.pier.edge.Waker},
 * {@link dev.pier.edge.AcmeChallenges}. Everything else is an implementation detail, package-private (one package,
 * so that none of it has to be public):
 *
 * <ul>
 *   <li>the client connection: {@code FrontendInitializer} builds its pipeline (TLS and HTTP/2 where agreed,
 *       {@code IdleTimer}, {@code FrontendHandler}); the {@code FrontendHandler} reads the requests from the bytes
 *       itself, a part at a time when its exchange asks ({@code RequestPump}), strictly ({@code RequestReader}: lines,
 *       limits, body framing; {@code ClientRequest}: one head, checked once and kept as its bytes;
 *       {@code HeaderBytes}: the byte grammar); an HTTP/2 stream's request becomes such bytes first
 *       ({@code Http2Requests}). It makes an {@code Exchange} per request and carries out what the pure
 *       {@code RouteDecision} decided (from a {@code RequestHead} and the route table), answering with
 *       {@code Pages} itself or handing the request to the {@code Forwarder};</li>
 *   <li>per request: {@code BodyGuard} (body limit, slow body), {@code ResendPolicy} (sent again once after a
 *       stale kept-alive connection), {@code ExchangeLog} (its access log entry, {@code AccessLogEntry}, formatted
 *       as bytes where it is written);</li>
 *   <li>the upstream side: {@code Forwarder} sends the request (its head written again from the client's bytes,
 *       with the lines {@code Forwarding} makes, {@code ProxyHeaders}) and relays the response, hearing from the
 *       upstream connection through {@code UpstreamListener}; {@code UpstreamConnector} opens connections,
 *       {@code IdlePool} keeps the idle ones, each going back to it when its response ended; on the connection,
 *       {@code ResponseReader} reads responses as bytes ({@code UpstreamHead}), {@code BackendHandler} reports
 *       them, and {@code ClientHead} makes the head the client gets, changing only what the edge must change;</li>
 *   <li>after a WebSocket upgrade: {@code WebSocketSwitch} puts a {@code Relay} on both connections.</li>
 * </ul>
 */
package dev.pier.edge;
