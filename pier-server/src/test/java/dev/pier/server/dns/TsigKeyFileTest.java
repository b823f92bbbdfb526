package dev.pier.server.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.TSIG;

/** Key files as tsig-keygen writes them; a bad one says what is wrong, never quoting the secret. */
class TsigKeyFileTest {

  private static final String SECRET = "dXmGHxYqqLKqjVaz8OTBxhtIPjT6wXHY/luW2OrfY5Y=";

  @Test
  void readsWhatTsigKeygenWrites() {
    TsigKeyFile k = TsigKeyFile.parse("key \"pier-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + SECRET + "\";\n};\n");
    assertThat(k.name().toString(true)).isEqualTo("pier-key");
    assertThat(k.algorithm()).isEqualTo(TSIG.HMAC_SHA256);
    assertThat(k.secret()).hasSize(32);
    assertThat(k.toString()).doesNotContain(SECRET);
    assertThat(TsigKeyFile.parse("# made by hand\nkey ddns { algorithm HMAC-SHA512; secret \"" + SECRET + "\"; };").algorithm())
        .isEqualTo(TSIG.HMAC_SHA512);
  }

  @Test
  void aSecretHoldingTwoSlashesIsNoComment() {
    String secret = "ab//cdEFghIJklMNopQRstUVwxYZ0123456789+/ABCD";
    TsigKeyFile k = TsigKeyFile.parse("// a comment\nkey \"k\" { algorithm hmac-sha256; # another\n secret \"" + secret + "\"; };");
    assertThat(k.secret()).isEqualTo(java.util.Base64.getDecoder().decode(secret));
  }

  @Test
  void saysWhatIsWrong() {
    assertThatThrownBy(() -> TsigKeyFile.parse("hello")).hasMessageContaining("no key in it");
    assertThatThrownBy(() -> TsigKeyFile.parse("key k { secret \"" + SECRET + "\"; };")).hasMessageContaining("names no algorithm");
    assertThatThrownBy(() -> TsigKeyFile.parse("key k { algorithm hmac-md5; secret \"" + SECRET + "\"; };")).hasMessageContaining("use hmac-sha256");
    assertThatThrownBy(() -> TsigKeyFile.parse("key k { algorithm hmac-sha256; };")).hasMessageContaining("has no secret");
    assertThatThrownBy(() -> TsigKeyFile.parse("key k { algorithm hmac-sha256; secret \"c2hvcnQ=\"; };")).hasMessageContaining("too short")
        .hasMessageNotContaining("c2hvcnQ=");
  }
}
