package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransportTest {

  @Test
  void theTransportAskedForIsTakenWhereTheHostHasItAndTheNextOneDownOtherwise() {
    assertThat(Transport.choose("io_uring", true, true)).isEqualTo(Transport.IO_URING);
    assertThat(Transport.choose("io_uring", false, true)).isEqualTo(Transport.EPOLL);
    assertThat(Transport.choose("io_uring", false, false)).isEqualTo(Transport.NIO);
    assertThat(Transport.choose(" EPOLL ", true, true)).as("epoll asked for: epoll, even with io_uring here").isEqualTo(Transport.EPOLL);
    assertThat(Transport.choose("epoll", true, false)).isEqualTo(Transport.NIO);
    assertThat(Transport.choose("nio", true, true)).isEqualTo(Transport.NIO);
  }

  @Test
  void anUnknownTransportIsAClearErrorWhenTheServerIsBuilt() {
    assertThatThrownBy(() -> Transport.choose("kqueue", true, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("edge transport \"kqueue\" is none of io_uring, epoll, nio");
    assertThatThrownBy(() -> EdgeServer.builder(EdgeConfig.onPort(0), RouteTable.empty("localhost")).transport("kqueue").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is none of io_uring, epoll, nio");
    assertThat(EdgeServer.TRANSPORTS).containsExactly("io_uring", "epoll", "nio");
  }
}
