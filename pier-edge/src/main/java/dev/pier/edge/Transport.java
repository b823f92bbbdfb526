package dev.pier.edge;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;

/**
 * The edge's I/O: Linux's io_uring where the kernel allows it and Netty's native transport loads (reads and writes
 * go to the kernel in batches, one system call per turn of the loop), else epoll, else Java NIO. One is asked for
 * by name ({@code io_uring}, {@code epoll} or {@code nio}); the next one down is taken where it is missing here.
 */
enum Transport {
  IO_URING, EPOLL, NIO;

  /** What is asked for when nothing is: the best there is. */
  static final String DEFAULT = "io_uring";

  /** The transport for {@code wanted} on this host. */
  static Transport choose(String wanted) {
    return choose(wanted, IoUring.isAvailable(), Epoll.isAvailable());
  }

  /** The transport for {@code wanted} where io_uring and epoll are (or are not) available. Pure. */
  static Transport choose(String wanted, boolean ioUring, boolean epoll) {
    Transport asked = parse(wanted);
    if (asked == IO_URING && ioUring) {
      return IO_URING;
    }
    if (asked != NIO && epoll) {
      return EPOLL;
    }
    return NIO;
  }

  /** The transport named {@code name}; a clear error for any other name. */
  static Transport parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (Transport t : values()) {
      if (t.toString().equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException("edge transport \"" + name + "\" is none of io_uring, epoll, nio");
  }

  /** Why the transports above {@code chosen} that were asked for are not used here, for the log; null if none. */
  static String whyNot(Transport asked, Transport chosen) {
    StringBuilder why = new StringBuilder();
    if (asked == IO_URING && chosen != IO_URING) {
      why.append("io_uring: ").append(cause(IoUring.unavailabilityCause()));
    }
    if (asked != NIO && chosen == NIO) {
      why.append(why.isEmpty() ? "" : "; ").append("epoll: ").append(cause(Epoll.unavailabilityCause()));
    }
    return why.isEmpty() ? null : why.toString();
  }

  private static String cause(Throwable t) {
    return t == null ? "not available" : t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  IoHandlerFactory ioHandlerFactory() {
    return switch (this) {
      case IO_URING -> IoUringIoHandler.newFactory();
      case EPOLL -> EpollIoHandler.newFactory();
      case NIO -> NioIoHandler.newFactory();
    };
  }

  Class<? extends ServerChannel> serverChannel() {
    return switch (this) {
      case IO_URING -> IoUringServerSocketChannel.class;
      case EPOLL -> EpollServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  Class<? extends SocketChannel> clientChannel() {
    return switch (this) {
      case IO_URING -> IoUringSocketChannel.class;
      case EPOLL -> EpollSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
