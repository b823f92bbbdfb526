package dev.pier.server.tls;

import io.netty.handler.ssl.SslContext;
import java.util.List;

/** Certificate providers in the order they are asked: the first that has a certificate for a name serves it. Pure. */
final class CertificateProviders {

  private final List<CertificateProvider> inOrder;

  CertificateProviders(List<CertificateProvider> inOrder) {
    if (inOrder.isEmpty()) {
      throw new IllegalArgumentException("no certificate provider: the edge needs at least one");
    }
    this.inOrder = List.copyOf(inOrder);
  }

  /** The providers, in the order they are asked. */
  List<CertificateProvider> inOrder() {
    return inOrder;
  }

  /** The first provider's certificate at hand for {@code asked}, or null. Never blocks. */
  SslContext ready(Asked asked) {
    for (CertificateProvider p : inOrder) {
      SslContext c = p.ready(asked);
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  /**
   * The first certificate a provider obtains for {@code asked}; those after it are not asked.
   *
   * @throws IllegalStateException naming the host when no provider has one (the last one, the internal CA, always has)
   */
  SslContext obtain(Asked asked) {
    for (CertificateProvider p : inOrder) {
      SslContext c = p.obtain(asked);
      if (c != null) {
        return c;
      }
    }
    throw new IllegalStateException("no certificate for \"" + asked.served() + "\" from any source");
  }

  /** Tells every provider that Pier serves {@code host} from now on. */
  void added(String host) {
    for (CertificateProvider p : inOrder) {
      p.added(host);
    }
  }
}
