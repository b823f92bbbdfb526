package dev.pier.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResendPolicyTest {

  @Test
  void aBodilessGetUnansweredOnAReusedConnectionIsSentAgainOnce() {
    ResendPolicy policy = new ResendPolicy("GET", false, -1);
    policy.sending(true);
    assertThat(policy.resendAfterClose(false, 0)).isTrue();
    assertThat(policy.resent()).isTrue();
    policy.sending(true);
    assertThat(policy.resendAfterClose(false, 0)).as("once only").isFalse();
  }

  @Test
  void notOnANewConnectionNorOnceAnsweredNorWithABody() {
    ResendPolicy fresh = new ResendPolicy("GET", false, -1);
    fresh.sending(false);
    assertThat(fresh.resendAfterClose(false, 0)).isFalse();
    ResendPolicy answered = new ResendPolicy("GET", false, 0);
    answered.sending(true);
    assertThat(answered.resendAfterClose(true, 0)).isFalse();
    ResendPolicy sentBody = new ResendPolicy("PUT", false, -1);
    sentBody.sending(true);
    assertThat(sentBody.resendAfterClose(false, 3)).isFalse();
    for (ResendPolicy withBody : new ResendPolicy[] {new ResendPolicy("PUT", true, -1), new ResendPolicy("PUT", false, 10)}) {
      withBody.sending(true);
      assertThat(withBody.resendAfterClose(false, 0)).isFalse();
    }
  }

  @Test
  void methodsASiteMayHaveActedOnAreNeverSentTwice() {
    for (String method : new String[] {"POST", "PATCH", "LOCK"}) {
      ResendPolicy policy = new ResendPolicy(method, false, -1);
      policy.sending(true);
      assertThat(policy.resendAfterClose(false, 0)).as(method).isFalse();
    }
    ResendPolicy delete = new ResendPolicy("DELETE", false, -1);
    delete.sending(true);
    assertThat(delete.resendAfterClose(false, 0)).isTrue();
  }
}
