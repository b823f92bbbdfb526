package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdleTimerTest {

  private final List<Object> events = new ArrayList<>();

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // the test moves the clock
    ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() { // swallows flushes: nothing is really written
      @Override
      public void flush(ChannelHandlerContext ctx) {
      }
    }, new IdleTimer(Duration.ofSeconds(10)), new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
      }
    });
    return ch;
  }

  private void after(EmbeddedChannel ch, long seconds) {
    ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
  }

  @Test
  void readsAndFlushesKeepAConnectionAliveAndSilenceEndsIt() {
    EmbeddedChannel ch = channel();
    after(ch, 6);
    ch.writeInbound("a request");
    after(ch, 6); // 12 s since the start, 6 since the read
    assertThat(events).isEmpty();
    ch.flush(); // an answer going out
    after(ch, 9);
    assertThat(events).isEmpty();
    after(ch, 2); // 11 s of silence
    assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    after(ch, 10); // and once more per further timeout of silence, not at every check
    assertThat(events).hasSize(2);
    ch.close();
    after(ch, 30);
    assertThat(events).hasSize(2);
  }
}
