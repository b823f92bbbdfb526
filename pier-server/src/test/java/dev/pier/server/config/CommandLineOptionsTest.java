package dev.pier.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandLineOptionsTest {

  @Test
  void shortOptionsBecomePierProperties() {
    CommandLineOptions o = CommandLineOptions.parse(new String[] {"--data-dir", "/srv/pier", "--domain=example.org", "--http-port", "80"});
    assertThat(o.springArgs()).containsExactly("--pier.data-dir=/srv/pier", "--pier.domain=example.org", "--pier.edge.http-port=80");
    assertThat(o.help()).isFalse();
  }

  @Test
  void springPropertiesPassThrough() {
    assertThat(CommandLineOptions.parse(new String[] {"--pier.engine.stop-grace=3s"}).springArgs()).containsExactly("--pier.engine.stop-grace=3s");
  }

  @Test
  void helpListsEveryOptionWithItsProperty() {
    assertThat(CommandLineOptions.parse(new String[] {"--help"}).help()).isTrue();
    assertThat(CommandLineOptions.usage()).contains("--data-dir DIR", "pier.data-dir", "--domain DOMAIN", "--http-port PORT", "pier.edge.http-port");
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertThatThrownBy(() -> CommandLineOptions.parse(new String[] {"--data-dri", "/x"})).hasMessage("unknown option \"--data-dri\"");
    assertThatThrownBy(() -> CommandLineOptions.parse(new String[] {"--domain"})).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> CommandLineOptions.parse(new String[] {"up"})).hasMessageContaining("unexpected argument");
  }
}
