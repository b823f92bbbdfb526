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
 *   <li>the client connection: {@code FrontendInitializer} builds its pipeline ({@code IdleTimer},
 *       {@code HeadScanner}, Netty's request decoder, {@code ClientResponseEncoder}, {@code SplitWholeRequests},
 *       {@code OneMessagePerRead}, {@code FrontendHandler}); the {@code FrontendHandler} makes an {@code Exchange}
 *       per request and carries out what the pure {@code RouteDecision} decided (from a {@code RequestHead} and the
 *       route table), answering with {@code Pages} itself or handing the request to the {@code Forwarder};</li>
 *   <li>per request: {@code BodyGuard} (body limit, slow body), {@code ResendPolicy} (sent again once after a
 *       stale kept-alive connection), {@code ExchangeLog} (its access log line);</li>
 *   <li>the upstream side: {@code Forwarder} sends the request and relays the response, hearing from the upstream
 *       connection through {@code UpstreamListener}; {@code UpstreamConnector} opens connections,
 *       {@code IdlePool} keeps the idle ones; on the connection, {@code ResponseReader} reads responses as bytes
 *       ({@code UpstreamHead}), {@code BackendHandler} reports them, and {@code ClientHead} makes the head the
 *       client gets, changing only what the edge must change; {@code UpstreamRequest} makes the request's from the
 *       client's bytes, when they are what the decoder validated ({@code ProxyHeaders} does the same to a decoded
 *       request, for HTTP/2 streams; {@code UpstreamRequestEncoder} encodes those);</li>
 *   <li>after a WebSocket upgrade: {@code WebSocketSwitch} puts a {@code Relay} on both connections.</li>
 * </ul>
 */
package dev.pier.edge;
