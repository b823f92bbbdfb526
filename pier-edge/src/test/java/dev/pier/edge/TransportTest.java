package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

class TransportTest {

  @Test
  void theTransportAskedForIsTakenWhereThisHostHasItAndTheNextOneDownOtherwise() {
    assertThat(Transport.choose("nio")).isEqualTo(Transport.NIO);
    assertThat(Transport.choose(" EPOLL ")).isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
    assertThat(Transport.choose("io_uring"))
        .isEqualTo(IoUring.isAvailable() ? Transport.IO_URING : Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
  }

  @Test
  void anUnknownTransportIsAClearError() {
    assertThatThrownBy(() -> Transport.choose("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pier.edge.transport: \"kqueue\" is none of io_uring, epoll, nio");
  }
}
