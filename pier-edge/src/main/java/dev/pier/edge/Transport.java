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
 * go to the kernel in batches, one system call per turn of the loop), else epoll, else Java NIO. The system
 * property {@code pier.edge.transport} ({@code io_uring}, {@code epoll} or {@code nio}) asks for one; the next one
 * down is taken when it is not available here.
 */
enum Transport {
  IO_URING, EPOLL, NIO;

  /** The transport of this JVM's edges. */
  static final Transport CHOSEN = choose(System.getProperty("pier.edge.transport", "io_uring"));

  static Transport choose(String wanted) {
    Transport asked;
    try {
      asked = valueOf(wanted.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("pier.edge.transport: \"" + wanted + "\" is none of io_uring, epoll, nio", e);
    }
    if (asked == IO_URING && IoUring.isAvailable()) {
      return IO_URING;
    }
    if (asked != NIO && Epoll.isAvailable()) {
      return EPOLL;
    }
    return NIO;
  }

  static IoHandlerFactory ioHandlerFactory() {
    return switch (CHOSEN) {
      case IO_URING -> IoUringIoHandler.newFactory();
      case EPOLL -> EpollIoHandler.newFactory();
      case NIO -> NioIoHandler.newFactory();
    };
  }

  static Class<? extends ServerChannel> serverChannel() {
    return switch (CHOSEN) {
      case IO_URING -> IoUringServerSocketChannel.class;
      case EPOLL -> EpollServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  static Class<? extends SocketChannel> clientChannel() {
    return switch (CHOSEN) {
      case IO_URING -> IoUringSocketChannel.class;
      case EPOLL -> EpollSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }
}
