package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The pool of idle upstream connections, with in-memory channels. */
class IdlePoolTest {

  private static final InetSocketAddress SITE = InetSocketAddress.createUnresolved("site", 80);
  private static final InetSocketAddress OTHER = InetSocketAddress.createUnresolved("other", 80);

  /** Counts the events it hears. */
  static final class Listener implements UpstreamListener {
    int parts;
    int closes;

    @Override
    public void responsePart(Object part) {
      parts++;
    }

    @Override
    public void readComplete() {}

    @Override
    public boolean switched(UpstreamHead head) {
      return false;
    }

    @Override
    public void timedOut() {}

    @Override
    public void closed() {
      closes++;
    }
  }

  private static EmbeddedChannel upstream(UpstreamListener listener) {
    return new EmbeddedChannel(new BackendHandler(listener));
  }

  @Test
  void aConnectionGivenBackIsTakenForTheSameAddressOnlyAndReportsToItsNewListener() {
    IdlePool pool = new IdlePool(256, 1);
    Listener first = new Listener();
    Listener second = new Listener();
    EmbeddedChannel ch = upstream(first);
    pool.give(ch, SITE, System.nanoTime());
    assertThat(pool.take(ch.eventLoop(), OTHER, second)).isNull();
    Channel taken = pool.take(ch.eventLoop(), SITE, second);
    assertThat(taken).isSameAs(ch);
    assertThat(pool.take(ch.eventLoop(), SITE, second)).as("taken out").isNull();
    ch.close();
    assertThat(first.closes).isZero();
    assertThat(second.closes).isEqualTo(1);
  }

  @Test
  void anIdleConnectionThatSpeaksIsClosedAndReportsToNobody() {
    IdlePool pool = new IdlePool(256, 1);
    Listener listener = new Listener();
    EmbeddedChannel ch = upstream(listener);
    pool.give(ch, SITE, System.nanoTime());
    ch.writeInbound(new io.netty.handler.codec.http.DefaultHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
        io.netty.handler.codec.http.HttpResponseStatus.OK));
    assertThat(ch.isOpen()).isFalse();
    assertThat(listener.parts).isZero();
    assertThat(listener.closes).isZero();
    assertThat(pool.take(ch.eventLoop(), SITE, listener)).isNull();
  }

  @Test
  void aConnectionIdleForTooLongIsClosedRatherThanUsed() {
    IdlePool pool = new IdlePool(256, 1);
    EmbeddedChannel stale = upstream(new Listener());
    pool.give(stale, SITE, System.nanoTime() - IdlePool.MAX_IDLE.toNanos() - 1);
    assertThat(stale.isOpen()).isFalse();
    assertThat(pool.take(stale.eventLoop(), SITE, new Listener())).isNull();
  }

  @Test
  void detachStopsAllReports() {
    Listener listener = new Listener();
    EmbeddedChannel ch = upstream(listener);
    BackendHandler.detach(ch);
    ch.close();
    assertThat(listener.closes).isZero();
  }
}
