package dev.pier.server.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.server.security.LoginThrottle;
import dev.pier.server.testing.PierTestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Pier's SSH server with OpenSSH's own sftp, ssh and git clients, on real sites. */
@Tag("root")
class SftpTest {

  @TempDir
  Path tmp;

  private PierTestServer server;
  private SshClients clients;
  private String web;
  private String calm;
  private String bobs;

  @BeforeEach
  void start() throws Exception {
    server = new PierTestServer();
    clients = new SshClients(tmp, server.sshPort());
    web = server.host.siteName("web");
    calm = server.host.siteName("calm");
    bobs = server.host.siteName("bobs");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + web + "\"}");
    server.api("alice", "POST", "/api/v1/sites/" + web + "/start", null);
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + calm + "\"}");
    server.api("bob", "POST", "/api/v1/sites", "{\"name\":\"" + bobs + "\"}");
    String key = "{\"name\":\"laptop\",\"key\":\"" + clients.publicKey() + "\"}";
    assertThat(server.api("alice", "POST", "/api/v1/keys", key).statusCode()).isEqualTo(201);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void aUserSeesTheirSitesAndPutsFilesLiveWithTheirKey() throws Exception {
    Path local = Files.createDirectories(tmp.resolve("local/assets"));
    Files.writeString(tmp.resolve("local/index.html"), "<h1>by sftp</h1>");
    Files.writeString(local.resolve("app.js"), "console.log(1)");
    SshClients.Result r = clients.sftp("alice", "ls -1", "cd " + web, "put " + tmp.resolve("local/index.html"), "put -r " + local, "ls -1 assets");
    assertThat(r.ok()).as(r.toString()).isTrue();
    assertThat(r.out()).contains(web).contains(calm).doesNotContain(bobs).contains("app.js");
    assertThat(server.visit(web).body()).as("live at once").isEqualTo("<h1>by sftp</h1>");
    assertThat(server.visit(web, "/assets/app.js").body()).isEqualTo("console.log(1)");

    JsonNode ssh = server.apiJson("alice", "GET", "/api/v1/ssh", null);
    SshClients.Result known = SshClients.run(tmp, Map.of(), "ssh-keygen", "-l", "-f", tmp.resolve("known_hosts").toString());
    assertThat(known.out()).as("the host key the client saw is the one Pier shows").contains(ssh.path("hostKeyFingerprint").asString());

    // A stopped site takes files too, and shows them when started.
    assertThat(clients.sftp("alice", "cd " + calm, "put " + tmp.resolve("local/index.html")).ok()).isTrue();
    assertThat(server.apiJson("alice", "GET", "/api/v1/sites/" + calm, null).path("state").asString()).isEqualTo("STOPPED");
    server.api("alice", "POST", "/api/v1/sites/" + calm + "/start", null);
    assertThat(server.visit(calm).body()).isEqualTo("<h1>by sftp</h1>");
  }

  /**
   * A transfer keeps its file open between requests (no path walk and no open per write); a stop, a start or a publish
   * meanwhile must not be blocked by it (the site's disk unmounts), and must never let it write where the site no
   * longer serves. Driven with MINA's own SFTP client: OpenSSH's sftp cannot pause between two writes of one file.
   */
  @Test
  void aFileOpenOverSftpNeitherBlocksAStopNorWritesIntoAReleaseNoLongerLive() throws Exception {
    try (SshClient ssh = SshClient.setUpDefaultClient()) {
      ssh.start();
      try (ClientSession session = login(ssh, "alice"); SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
        byte[] first = "<h1>written before the stop, ".getBytes(StandardCharsets.UTF_8);
        byte[] second = "and after it</h1>".getBytes(StandardCharsets.UTF_8);
        SftpClient.CloseableHandle h = sftp.open(web + "/index.html", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Truncate);
        sftp.write(h, 0, first);

        HttpResponse<String> stopped = server.api("alice", "POST", "/api/v1/sites/" + web + "/stop", null);
        assertThat(stopped.statusCode()).as("the open file did not keep the site's disk from unmounting: " + stopped.body()).isEqualTo(200);
        assertThat(PierTestServer.json(stopped).path("state").asString()).isEqualTo("STOPPED");
        sftp.write(h, first.length, second);
        h.close();
        assertThat(server.api("alice", "POST", "/api/v1/sites/" + web + "/start", null).statusCode()).isEqualTo(200);
        assertThat(server.visit(web).body()).as("the transfer went on across the stop")
            .isEqualTo("<h1>written before the stop, and after it</h1>");

        SftpClient.CloseableHandle replaced = sftp.open(web + "/page.html", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create);
        sftp.write(replaced, 0, "<p>by sftp".getBytes(StandardCharsets.UTF_8));
        assertThat(server.send("alice", "PUT", "/api/v1/sites/" + web + "/files/page.html", "<p>by the file manager</p>".getBytes(StandardCharsets.UTF_8),
            "application/octet-stream").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> sftp.write(replaced, 10, "</p>".getBytes(StandardCharsets.UTF_8)))
            .as("the file manager replaced the file: the transfer is told, not written on into a file nobody sees")
            .hasMessageContaining("was replaced, moved or deleted");
        replaced.close();
        assertThat(server.visit(web, "/page.html").body()).isEqualTo("<p>by the file manager</p>");

        SftpClient.CloseableHandle late = sftp.open(web + "/late.html", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create);
        sftp.write(late, 0, "<p>old".getBytes(StandardCharsets.UTF_8));
        Path zip = tmp.resolve("site.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
          z.putNextEntry(new ZipEntry("index.html"));
          z.write("<h1>published</h1>".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(server.send("alice", "POST", "/api/v1/sites/" + web + "/releases", Files.readAllBytes(zip), "application/zip").statusCode())
            .isEqualTo(201);
        assertThatThrownBy(() -> sftp.write(late, 6, " and more</p>".getBytes(StandardCharsets.UTF_8)))
            .as("the file belongs to the release before: the transfer is refused, not written where nobody sees it")
            .hasMessageContaining("live content changed");
        late.close();
        assertThat(server.visit(web).body()).isEqualTo("<h1>published</h1>");
        assertThat(server.visit(web, "/late.html").statusCode()).isEqualTo(404);
      }
    }
  }

  /** Every open handle holds a file open on its site: one user cannot take all of Pier's file descriptors. */
  @Test
  void aUsersOpenFilesAndSessionsAreCapped() throws Exception {
    try (SshClient ssh = SshClient.setUpDefaultClient()) {
      ssh.start();
      try (ClientSession s1 = login(ssh, "alice"); SftpClient one = SftpClientFactory.instance().createSftpClient(s1);
          ClientSession s2 = login(ssh, "alice"); SftpClient two = SftpClientFactory.instance().createSftpClient(s2);
          ClientSession s3 = login(ssh, "alice"); SftpClient three = SftpClientFactory.instance().createSftpClient(s3)) {
        List<SftpClient.CloseableHandle> open = new ArrayList<>();
        for (int i = 0; i < SshServerLifecycle.MAX_HANDLES_PER_SESSION; i++) {
          open.add(one.open(web + "/f" + i + ".html", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create));
        }
        assertThatThrownBy(() -> one.open(web + "/more.html", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create))
            .hasMessageContaining("Too many open handles");
        for (int i = SshServerLifecycle.MAX_HANDLES_PER_SESSION; i < SiteFileSystemProvider.MAX_OPEN_FILES_PER_USER; i++) {
          open.add(two.open(web + "/f" + i + ".html", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create));
        }
        assertThatThrownBy(() -> three.open(web + "/more.html", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create))
            .as("the user's sessions together").hasMessageContaining("Too many open files");
        assertThatThrownBy(() -> three.open(web + "/absent.html", SftpClient.OpenMode.Read)).as("a failed open gives its turn back")
            .hasMessageContaining("Too many open files");
        open.getFirst().close();
        three.open(web + "/more.html", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create).close();
        assertThatThrownBy(() -> three.open(web + "/absent.html", SftpClient.OpenMode.Read)).hasMessageNotContaining("Too many");
        three.open(web + "/more.html", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create).close();
      }
      List<ClientSession> sessions = new ArrayList<>(); // bob's: alice's may still be closing on the server's side
      try {
        for (int i = 0; i < SshServerLifecycle.MAX_SESSIONS_PER_USER; i++) {
          sessions.add(login(ssh, "bob"));
        }
        assertThatThrownBy(() -> login(ssh, "bob")).as("one session more than a user may have").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> login(ssh, "Bob")).as("nor under another spelling").isInstanceOf(IOException.class);
        login(ssh, "admin").close();
      } finally {
        for (ClientSession s : sessions) {
          s.close();
        }
      }
    }
  }

  private ClientSession login(SshClient ssh, String user) throws IOException {
    ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    ClientSession session = ssh.connect(user, "127.0.0.1", server.sshPort()).verify(Duration.ofSeconds(30)).getSession();
    try {
      session.addPasswordIdentity(server.password(user));
      session.auth().verify(Duration.ofSeconds(30));
      return session;
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  @Test
  void anAdminSeesTheirOwnSitesAndEverySiteUnderAllSites() throws Exception {
    String key = "{\"name\":\"laptop\",\"key\":\"" + clients.publicKey() + "\"}";
    assertThat(server.api("admin", "POST", "/api/v1/keys", key).statusCode()).isEqualTo(201);
    SshClients.Result r = clients.sftp("admin", "ls -1", "cd " + SiteFileSystemProvider.ALL_SITES, "ls -1");
    assertThat(r.ok()).as(r.toString()).isTrue();
    assertThat(r.out()).contains(SiteFileSystemProvider.ALL_SITES).contains(web).contains(calm).contains(bobs);
    assertThat(clients.sftp("alice", "cd " + SiteFileSystemProvider.ALL_SITES).ok()).as("not for users").isFalse();
  }

  @Test
  void nothingOutsideTheUsersSitesIsReachable() throws Exception {
    SshClients.Result climb = clients.sftp("alice", "cd " + web, "cd ../../..", "pwd", "ls -1");
    assertThat(climb.ok()).as(climb.toString()).isTrue();
    assertThat(climb.out()).as("climbing stops at the session's root").contains("Remote working directory: /").contains(web)
        .doesNotContain("etc").doesNotContain("bin");
    assertThat(clients.sftp("alice", "get /etc/passwd " + tmp.resolve("stolen")).ok()).isFalse();
    assertThat(clients.sftp("alice", "get ../../../../etc/passwd " + tmp.resolve("stolen")).ok()).isFalse();
    assertThat(tmp.resolve("stolen")).doesNotExist();
    SshClients.Result other = clients.sftp("alice", "cd " + bobs);
    assertThat(other.ok()).as("another user's site is not found").isFalse();
    SshClients.Result link = clients.sftp("alice", "cd " + web, "symlink /etc/passwd passwd");
    assertThat(link.ok()).as("no links: " + link).isFalse();
    assertThat(server.visit(web, "/passwd").statusCode()).isEqualTo(404);
    assertThat(clients.sftp("alice", "mkdir new-folder").ok()).as("the session's root is read-only").isFalse();

    SshClients.Result shell = clients.ssh("alice", "cat", "/etc/passwd");
    assertThat(shell.ok()).isFalse();
    assertThat(shell.out()).doesNotContain("root:");
    assertThat(shell.err()).contains("sftp, git push and git clone only");
    SshClients.Result forward = clients.ssh("alice", "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9");
    assertThat(forward.ok()).as("no port forwarding: " + forward).isFalse();
    assertThat(forward.err()).contains("forwarding failed");
  }

  @Test
  void passwordsWorkAndRepeatedWrongOnesAreThrottled() throws Exception {
    SshClients.Result ok = clients.sftpWithPassword("bob", server.password("bob"), "ls -1");
    assertThat(ok.ok()).as(ok.toString()).isTrue();
    assertThat(ok.out()).contains(bobs).doesNotContain(web);
    for (int i = 0; i < LoginThrottle.FREE; i++) {
      assertThat(clients.sftpWithPassword("bob", "wrong-" + i, "ls").ok()).isFalse();
    }
    SshClients.Result throttled = clients.sftpWithPassword("bob", server.password("bob"), "ls -1");
    assertThat(throttled.ok()).as("the right password is not even checked while throttled").isFalse();
  }

  @Test
  void gitPushPublishesTheTreeAndARefusedTreeChangesNothing() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(work.resolve("index.html"), "<h1>pushed</h1>");
    Files.createDirectories(work.resolve("css"));
    Files.writeString(work.resolve("css/site.css"), "h1{}");
    assertThat(clients.git(work, "init", "-q").ok()).isTrue();
    assertThat(clients.git(work, "add", ".").ok()).isTrue();
    assertThat(clients.git(work, "commit", "-q", "-m", "first").ok()).isTrue();
    String url = "ssh://alice@127.0.0.1:" + server.sshPort() + "/" + web + ".git";
    SshClients.Result push = clients.git(work, "push", url, "main");
    assertThat(push.ok()).as(push.toString()).isTrue();
    assertThat(push.err()).contains("Published release").contains("http://" + web + "." + PierTestServer.DOMAIN);
    assertThat(server.visit(web).body()).isEqualTo("<h1>pushed</h1>");
    assertThat(server.visit(web, "/css/site.css").body()).isEqualTo("h1{}");
    assertThat(server.apiJson("alice", "GET", "/api/v1/sites/" + web + "/releases", null).get(0).path("source").asString()).isEqualTo("git");

    Files.createSymbolicLink(work.resolve("secrets"), Path.of("/etc/shadow"));
    Files.writeString(work.resolve("index.html"), "<h1>never</h1>");
    clients.git(work, "add", ".");
    clients.git(work, "commit", "-q", "-m", "with a link");
    SshClients.Result refused = clients.git(work, "push", url, "main");
    assertThat(refused.ok()).as(refused.toString()).isFalse();
    assertThat(refused.err()).contains("Not published").contains("\"secrets\" is a symbolic link");
    assertThat(server.visit(web).body()).as("the site stays as it was").isEqualTo("<h1>pushed</h1>");

    SshClients.Result other = clients.git(work, "push", url, "HEAD~1:refs/heads/feature");
    assertThat(other.ok()).as("only the published branch is kept: " + other).isFalse();
    assertThat(other.err()).contains("only main (or master) is taken");

    SshClients.Result bobPush = clients.git(work, "push", "ssh://alice@127.0.0.1:" + server.sshPort() + "/" + bobs + ".git", "main");
    assertThat(bobPush.ok()).isFalse();
    assertThat(bobPush.err()).contains("site \"" + bobs + "\" does not exist");
  }
}
