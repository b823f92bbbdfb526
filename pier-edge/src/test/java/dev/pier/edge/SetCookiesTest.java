package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SetCookiesTest {

  @Test
  void theDomainAttributeGoesWhateverItsCaseOrSpacesAndTheRestStays() {
    assertThat(SetCookies.hostOnly("id=1; Domain=example.test; Path=/; Secure")).isEqualTo("id=1; Path=/; Secure");
    assertThat(SetCookies.hostOnly("id=1;domain=.example.test")).isEqualTo("id=1");
    assertThat(SetCookies.hostOnly("id=1; DOMAIN = example.test ;HttpOnly")).isEqualTo("id=1;HttpOnly");
    assertThat(SetCookies.hostOnly("id=1; Domain=a; Domain=b; SameSite=Lax")).isEqualTo("id=1; SameSite=Lax");
    assertThat(SetCookies.hostOnly("id=1; Domain")).isEqualTo("id=1");
  }

  @Test
  void cookiesWithoutADomainAreLeftAsTheyAre() {
    for (String v : new String[] {"id=1", "id=1; Path=/domain=x", "domain=1; Path=/", "id=1; Domains=x", "id=1; xdomain=y", ""}) {
      assertThat(SetCookies.hostOnly(v)).as(v).isSameAs(v);
      assertThat(SetCookies.hasDomain(v)).as(v).isFalse();
    }
    assertThat(SetCookies.hasDomain("id=1; Domain=x")).isTrue();
  }

  @Test
  void bothTheHttp1HeadAndTheHttp2ResponseGetTheCookieWithoutItsDomain() {
    byte[] raw = "HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Domain=localhost\r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    ByteBuf in = Unpooled.wrappedBuffer(raw);
    UpstreamHead head = UpstreamHead.parse(in, 0, raw.length);
    ByteBuf out = head.encode(ByteBufAllocator.DEFAULT, UpstreamHead.DROP_HOP_BY_HOP, "");
    try {
      assertThat(out.toString(StandardCharsets.ISO_8859_1)).contains("Set-Cookie: a=1\r\n").contains("set-cookie: b=2\r\n")
          .doesNotContainIgnoringCase("domain");
    } finally {
      out.release();
    }
    assertThat(head.toResponse().headers().getAll("set-cookie")).containsExactly("a=1", "b=2");
  }
}
