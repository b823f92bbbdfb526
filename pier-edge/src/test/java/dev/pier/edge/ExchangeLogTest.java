package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeLogTest {

  private final List<String> lines = new ArrayList<>();
  private final AccessLog log = (site, line) -> lines.add(site + " " + line);

  @Test
  void aSitesExchangeIsWrittenOnceWithWhatWasAnswered() {
    ExchangeLog exchange = new ExchangeLog(0, "GET /a HTTP/1.1", "http://r/", "curl/8");
    exchange.site("blog");
    exchange.status(200);
    exchange.sent(10);
    exchange.sent(5);
    assertThat(exchange.writeTo(log, "192.0.2.1")).isEqualTo("blog");
    assertThat(exchange.writeTo(log, "192.0.2.1")).isNull();
    assertThat(lines).containsExactly(
        "blog 192.0.2.1 - - [01/Jan/1970:00:00:00 +0000] \"GET /a HTTP/1.1\" 200 15 \"http://r/\" \"curl/8\"");
  }

  @Test
  void nothingIsWrittenForNoSiteOrBeforeTheStatusIsKnown() {
    ExchangeLog panel = new ExchangeLog(0, "GET / HTTP/1.1", null, null);
    panel.status(200);
    assertThat(panel.writeTo(log, null)).isNull();
    ExchangeLog early = new ExchangeLog(0, "GET / HTTP/1.1", null, null);
    early.site("blog");
    assertThat(early.writeTo(log, null)).isNull();
    early.status(101);
    assertThat(early.writeTo(log, null)).isEqualTo("blog");
    assertThat(lines).containsExactly("blog - - - [01/Jan/1970:00:00:00 +0000] \"GET / HTTP/1.1\" 101 - \"-\" \"-\"");
  }
}
