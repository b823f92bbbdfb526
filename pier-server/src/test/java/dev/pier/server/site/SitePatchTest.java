package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.server.common.PierException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class SitePatchTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static SitePatch parse(String body) {
    return SitePatch.parse(JSON.readTree(body));
  }

  private static void refused(String body, String message) {
    assertThatThrownBy(() -> parse(body)).isInstanceOf(PierException.class).hasMessageContaining(message)
        .extracting(e -> ((PierException) e).kind()).isEqualTo(PierException.Kind.INVALID);
  }

  @Test
  void absentFieldsStayAsTheyAre() {
    SitePatch p = parse("{\"plan\":\"large\",\"unknown\":1}");
    assertThat(p.plan()).isEqualTo("large");
    assertThat(p.restartPolicy()).isNull();
    assertThat(p.changesWeb()).isFalse();
    Site.Web before = new Site.Web(true, false, 5L, 60);
    assertThat(p.applyTo(before)).isEqualTo(before);
  }

  @Test
  void webSettingsApplyOverTheCurrentOnes() {
    SitePatch p = parse("{\"hsts\":true,\"maxBodyBytes\":0,\"sleepAfterSeconds\":null,\"restartPolicy\":\"always\"}");
    assertThat(p.restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
    assertThat(p.changesWeb()).isTrue();
    assertThat(p.applyTo(new Site.Web(true, false, 5L, 60))).as("0: the default body limit; null: never sleep")
        .isEqualTo(new Site.Web(true, true, null, null));
  }

  @Test
  void anyBadFieldRefusesTheWholeBody() {
    refused("{\"plan\":\"large\",\"restartPolicy\":\"sometimes\"}", "restart policy \"sometimes\" is not one of never, on-failure, always");
    refused("{\"plan\":\"large\",\"maxBodyBytes\":-5}", "maxBodyBytes=-5 is out of range");
    refused("{\"maxBodyBytes\":\"big\"}", "maxBodyBytes must be a whole number");
    refused("{\"sleepAfterSeconds\":0}", "sleepAfterSeconds=0 is out of range");
    refused("{\"sleepAfterSeconds\":1.5}", "sleepAfterSeconds must be a whole number of seconds");
    refused("{\"httpsOnly\":\"yes\"}", "httpsOnly must be true or false");
    refused("{\"plan\":7}", "plan must be a string");
    refused("[1]", "must be a JSON object");
  }
}
