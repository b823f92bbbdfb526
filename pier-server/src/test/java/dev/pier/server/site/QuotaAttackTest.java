package dev.pier.server.site;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.TestHost;
import dev.pier.server.security.EmbeddedLdap;
import dev.pier.server.testing.PierTestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A tenant tries to take more than their share, as in the report: an admin's plan with outbound access, more sites
 * than their quota, sites made and deleted in a loop, disk the host does not have. Each is refused with a message
 * saying why, and nothing of it is left; what an admin granted works.
 */
@Tag("root")
class QuotaAttackTest {

  private static final String BIG = "{\"name\":\"big\",\"cpus\":2,\"memoryBytes\":2147483648,\"pids\":512,\"diskBytes\":21474836480,\"outbound\":true}";

  private PierTestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> create(String user, String name, String plan) throws Exception {
    return server.api(user, "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"" + (plan == null ? "" : ",\"plan\":\"" + plan + "\"") + "}");
  }

  @Test
  void aTenantGetsOnlyThePlansGrantedAndNoMoreSitesThanTheirQuota() throws Exception {
    server = new PierTestServer();
    assertThat(server.api("admin", "POST", "/api/v1/plans", BIG).statusCode()).isEqualTo(201);
    String mine = server.host.siteName("mine");

    HttpResponse<String> refused = create("alice", server.host.siteName("grab"), "big");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("plan \\\"big\\\" is not granted to you: you may use medium");
    assertThat(server.api("alice", "GET", "/api/v1/sites", null).body()).isEqualTo("[]");
    assertThat(create("alice", mine, null).statusCode()).isEqualTo(201);
    HttpResponse<String> moved = server.api("alice", "PATCH", "/api/v1/sites/" + mine, "{\"plan\":\"big\"}");
    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(403);
    assertThat(server.apiJson("alice", "GET", "/api/v1/sites/" + mine, null).path("plan").asString()).isEqualTo("medium");

    // Granted to a group she is in: now she may.
    server.context().getBean(EmbeddedLdap.class).addGroup("teachers", "alice");
    assertThat(server.api("admin", "PUT", "/api/v1/plans/big/grants/group:teachers", null).statusCode()).isEqualTo(201);
    assertThat(server.api("alice", "PATCH", "/api/v1/sites/" + mine, "{\"plan\":\"big\"}").statusCode()).isEqualTo(200);
    assertThat(create("bob", server.host.siteName("bobs"), "big").statusCode()).as("bob is no teacher").isEqualTo(403);

    // Three sites each, and no more than 30 GiB promised.
    assertThat(server.api("admin", "PUT", "/api/v1/quotas/everyone",
        "{\"maxSites\":3,\"maxDiskBytes\":32212254720,\"maxCreatesPerDay\":100}").statusCode()).isEqualTo(200);
    HttpResponse<String> disk = create("alice", server.host.siteName("second"), "big");
    assertThat(disk.statusCode()).isEqualTo(403);
    assertThat(disk.body()).contains("your sites would have 40 GiB of disk, more than the 30 GiB your quota allows");
    assertThat(create("alice", server.host.siteName("second"), null).statusCode()).isEqualTo(201);
    assertThat(create("alice", server.host.siteName("third"), null).statusCode()).isEqualTo(201);
    HttpResponse<String> fourth = create("alice", server.host.siteName("fourth"), null);
    assertThat(fourth.statusCode()).isEqualTo(403);
    assertThat(fourth.body()).contains("you have 3 site(s), the most your quota allows");
    assertThat(server.apiJson("alice", "GET", "/api/v1/quotas/mine", null).path("usage").path("sites").asInt()).isEqualTo(3);
    assertThat(create("bob", server.host.siteName("bobs"), null).statusCode()).as("another user's share").isEqualTo(201);
    assertThat(create("admin", server.host.siteName("admins"), "big").statusCode()).as("admins have no quota").isEqualTo(201);

    HttpResponse<String> partial = server.api("admin", "PUT", "/api/v1/quotas/user:alice", "{\"maxSites\":5}");
    assertThat(partial.statusCode()).as("a limit left out is no 0 that locks her out").isEqualTo(400);
    assertThat(partial.body()).contains("give all three limits");
    assertThat(server.api("admin", "PUT", "/api/v1/quotas/user:alice",
        "{\"maxSites\":5,\"maxDiskBytes\":32212254720,\"maxCreatesPerDay\":0}").statusCode()).isEqualTo(200);
    HttpResponse<String> none = create("alice", server.host.siteName("none"), null);
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.body()).contains("your quota allows no new site");

    // Made and deleted in a loop: deleted sites still count against the day's creations.
    assertThat(server.api("admin", "PUT", "/api/v1/quotas/user:bob",
        "{\"maxSites\":3,\"maxDiskBytes\":32212254720,\"maxCreatesPerDay\":2}").statusCode()).isEqualTo(200);
    String churn = server.host.siteName("churn");
    assertThat(create("bob", churn, null).statusCode()).isEqualTo(201);
    assertThat(server.api("bob", "DELETE", "/api/v1/sites/" + churn, null).statusCode()).isEqualTo(204);
    HttpResponse<String> again = create("bob", churn, null);
    assertThat(again.statusCode()).isEqualTo(429);
    assertThat(again.body()).contains("you created 2 sites in the last 24 hours, the most your quota allows: try again after ");
  }

  @Test
  void noSiteMayOverCommitTheHostsDataDisk() throws Exception {
    server = new PierTestServer(new TestHost(), "--pier.quota.disk-overcommit=0.000001");
    HttpResponse<String> refused = create("admin", server.host.siteName("huge"), null);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("would be promised 1 GiB to sites, more than 1.0E-6 times its size");
    assertThat(server.api("admin", "GET", "/api/v1/sites", null).body()).isEqualTo("[]");
  }
}
