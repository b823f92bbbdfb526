package dev.pier.edge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLException;

/**
 * Builds the pipeline of an accepted client connection: TLS (with the certificate for the name asked) and HTTP/2 where
 * the client and the edge agree on them, the idle timeout, and the {@link FrontendHandler}, which reads the requests
 * from the bytes itself ({@link RequestReader}: request line up to 8 KiB, headers up to 16 KiB). The channel must
 * have auto-read off.
 */
final class FrontendInitializer extends ChannelInitializer<Channel> {

  /** How long a client connection may be idle (between requests, or while sending one) before it is closed. */
  static final Duration CLIENT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  static final int MAX_HEADER_SIZE = RequestReader.MAX_HEADERS;

  private final Shared shared;
  private final EdgeConfig config;

  /** For an HTTPS listener: where the certificates come from; null for plain HTTP. */
  private final CertificateSource certificates;

  FrontendInitializer(Shared shared, CertificateSource certificates) {
    this.certificateWork = shared.certificateWork();
    this.shared = shared;
    this.config = shared.config();
    this.certificates = certificates;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (certificates != null) {
      // TLS first, with the certificate for the name the client asked for (SNI); then HTTP/2 or HTTP/1.1, as the
      // client and the edge agreed during the handshake (ALPN).
      ch.pipeline().addLast(new SniHandler(this::certificateFor, MAX_HEADER_SIZE, config.headerTimeout().toMillis()));
      ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
          ctx.read(); // auto-read is off: start reading the client's hello (the TLS handler reads on until done)
          super.channelActive(ctx);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
          if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            // HTTP/2 has flow control of its own per stream: the connection reads freely, each stream by request.
            ctx.channel().config().setAutoRead(true);
            http2(ctx.pipeline());
          } else {
            http1(ctx.pipeline());
          }
          ctx.read(); // auto-read is off: ask for what comes after the handshake
        }
      });
      return;
    }
    http1(ch.pipeline());
  }

  private final Semaphore certificateWork;

  /** The certificate for a client's SNI name: from memory on the event loop, else worked out off it. */
  private Future<SslContext> certificateFor(String name, Promise<SslContext> promise) {
    SslContext now = certificates.ready(name);
    if (now != null) {
      return promise.setSuccess(now);
    }
    if (!certificateWork.tryAcquire()) { // a flood of names nobody knows: refuse the handshake rather than queue
      return promise.setFailure(new SSLException("too many certificates being worked out at once"));
    }
    try {
      shared.blocking().execute(() -> {
        try {
          promise.trySuccess(certificates.forHost(name));
        } catch (Throwable t) {
          promise.tryFailure(t);
        } finally {
          certificateWork.release();
        }
      });
    } catch (RejectedExecutionException closing) {
      certificateWork.release();
      promise.tryFailure(closing);
    }
    return promise;
  }

  /**
   * HTTP/2 from a client: each stream gets its own child channel that turns frames into the bytes of an HTTP/1.1
   * request ({@link Http2Requests}) for a {@link FrontendHandler} of its own, so every stream is proxied like one
   * HTTP/1.1 exchange.
   */
  private void http2(ChannelPipeline p) {
    p.addLast(new IdleTimer(CLIENT_IDLE_TIMEOUT));
    p.addLast(Http2FrameCodecBuilder.forServer()
        .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(MAX_HEADER_SIZE).maxConcurrentStreams(128))
        .build());
    p.addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        stream.config().setAutoRead(false);
        stream.pipeline().addLast(
            new IdleTimer(CLIENT_IDLE_TIMEOUT),
            new Http2StreamFrameToHttpObjectCodec(true),
            new Http2Requests(),
            new FrontendHandler(shared, true, true));
      }
    }));
    p.addLast(new ChannelInboundHandlerAdapter() { // a silent HTTP/2 connection is closed (GOAWAY)
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
          ctx.close();
        } else {
          ctx.fireUserEventTriggered(evt);
        }
      }
    });
  }

  private void http1(ChannelPipeline p) {
    p.addLast(new IdleTimer(CLIENT_IDLE_TIMEOUT), new FrontendHandler(shared, certificates != null, false));
  }
}
