package dev.pier.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.engine.testing.RootRequired;
import dev.pier.server.testing.PierTestServer;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The panel in a real headless Chromium, driven as a person would, against a whole Pier server (real LDAP, real
 * runc containers, real edge). Chromium resolves every host name to loopback, so {@code pier.test} and
 * {@code NAME.pier.test} reach the edge on this machine and nothing leaves it. Screenshots of the main pages land
 * in {@code target/panel-browser/}.
 */
@Tag("root")
class PanelBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path SCREENSHOTS = Path.of("target", "panel-browser");

  private PierTestServer server;
  private Path profile;
  private ChromeDriverService service;
  private ChromeDriver driver;
  private WebDriverWait wait;

  @BeforeEach
  void start() throws Exception {
    RootRequired.check();
    server = new PierTestServer();
    profile = Files.createTempDirectory("pier-chromium-");
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", "--user-data-dir=" + profile, "--host-resolver-rules=MAP * 127.0.0.1",
        // Chromium here shares its host with the sites' veths, whose comings and goings it takes for network changes:
        // an HTTP/2 session is then dropped with its requests in flight (ERR_NETWORK_CHANGED). A user's browser is
        // elsewhere; HTTP/1.1 keeps the test's clicks from being lost to it.
        "--disable-http2");
    options.setAcceptInsecureCerts(true); // the panel is HTTPS only, with a certificate of the test server's own CA
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      try {
        if (service != null) {
          service.stop();
        }
      } finally {
        try {
          if (server != null) {
            server.close();
          }
        } finally {
          deleteTree(profile);
        }
      }
    }
  }

  @Test
  void aUserCreatesStartsVisitsStopsAndDeletesASite() throws Exception {
    String name = server.host.siteName("web");
    String siteUrl = "http://" + name + "." + PierTestServer.DOMAIN + ":" + server.edgePort() + "/";

    open(server.panelUrl());
    wait.until(ExpectedConditions.urlContains("/login"));
    assertThat(driver.getTitle()).isEqualTo("Pier");
    snap("login");
    logIn("alice", server.password("alice"));

    waitForText(By.tagName("h1"), "My sites");
    assertThat(driver.findElement(By.id("current-user")).getText()).isEqualTo("alice");
    assertThat(driver.findElements(By.id("admin-badge"))).isEmpty();
    assertThat(driver.findElement(By.id("no-sites")).getText()).isEqualTo("You have no sites yet.");
    assertThat(driver.findElement(By.id("name-hint")).getText()).isEqualTo("lowercase letters, digits and hyphens");
    snap("no-sites");

    // A name that is not a DNS label: the panel says why, and keeps what was typed.
    create("Bad_Name");
    waitForText(By.id("flash-error"), "\"Bad_Name\" is not valid");
    assertThat(driver.findElement(By.id("name")).getDomProperty("value")).isEqualTo("Bad_Name");
    assertThat(driver.findElement(By.id("name")).getDomAttribute("class")).contains("is-invalid");
    assertThat(driver.findElements(By.id("sites"))).isEmpty();
    snap("invalid-name");

    create(name);
    waitForText(By.id("flash-success"), "Site " + name + " created.");
    assertThat(state(name)).isEqualTo("STOPPED");
    assertThat(driver.findElement(By.id("name")).getDomProperty("value")).isEmpty();
    assertThat(driver.findElements(By.id("no-sites"))).isEmpty();
    assertThat(row(name).findElements(By.cssSelector(".site-stop"))).isEmpty();
    assertThat(row(name).findElement(By.cssSelector(".site-address")).getText()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    assertThat(driver.findElements(By.cssSelector("th"))).extracting(WebElement::getText).doesNotContain("Owner");

    row(name).findElement(By.cssSelector(".site-start")).click();
    waitForText(By.id("flash-success"), "Site " + name + " is running.");
    assertThat(state(name)).isEqualTo("RUNNING");
    assertThat(row(name).findElements(By.cssSelector(".site-start"))).isEmpty();
    WebElement link = row(name).findElement(By.cssSelector("a.site-link"));
    assertThat(link.getDomAttribute("href")).isEqualTo(siteUrl);
    assertThat(link.getText()).isEqualTo(siteUrl);
    snap("running");
    driver.manage().window().setSize(new Dimension(390, 844));
    snap("running-narrow");
    driver.manage().window().setSize(new Dimension(1280, 900));

    // Follow the link to the site itself: the container's default page names it.
    link.click();
    wait.until(ExpectedConditions.urlToBe(siteUrl));
    waitForText(By.tagName("h1"), name);
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo(name);
    snap("site");

    driver.navigate().back();
    waitForText(By.tagName("h1"), "My sites");
    row(name).findElement(By.cssSelector(".site-stop")).click();
    waitForText(By.id("flash-success"), "Site " + name + " is stopped.");
    assertThat(state(name)).isEqualTo("STOPPED");

    // The site's page may still be fresh in the browser's cache (it carries Last-Modified and no Cache-Control),
    // so reload it as a person would: the edge answers for the stopped site.
    driver.get(siteUrl);
    driver.navigate().refresh();
    waitForText(By.tagName("body"), "is stopped");
    assertThat(driver.findElement(By.tagName("body")).getText()).contains("The site " + name + " is stopped.");

    open(server.panelUrl());
    waitForText(By.tagName("h1"), "My sites");
    row(name).findElement(By.cssSelector(".site-delete")).click();
    waitForText(By.id("confirm-title"), "Delete site " + name + "?");
    assertThat(driver.findElement(By.tagName("main")).getText()).contains("for good");
    WebElement confirm = driver.findElement(By.id("confirm-delete"));
    assertThat(confirm.getText()).isEqualTo("Delete " + name);
    assertThat(confirm.getDomAttribute("class")).contains("btn-danger");
    snap("confirm-delete");

    // Cancel goes back without deleting; then delete for real.
    driver.findElement(By.id("cancel")).click();
    waitForText(By.tagName("h1"), "My sites");
    assertThat(state(name)).isEqualTo("STOPPED");
    row(name).findElement(By.cssSelector(".site-delete")).click();
    waitForText(By.id("confirm-title"), "Delete site " + name + "?");
    driver.findElement(By.id("confirm-delete")).click();

    waitForText(By.id("flash-success"), "Site " + name + " deleted.");
    assertThat(driver.findElement(By.id("no-sites")).getText()).isEqualTo("You have no sites yet.");
    assertThat(server.api("alice", "GET", "/api/v1/sites/" + name, null).statusCode()).isEqualTo(404);

    driver.findElement(By.id("logout")).click();
    waitForText(By.id("logged-out"), "You are logged out.");
    open(server.panelUrl());
    wait.until(ExpectedConditions.urlContains("/login"));
  }

  @Test
  void adminsSeeEverySiteWithItsOwnerAndUsersOnlyTheirOwn() throws Exception {
    String aliceSite = server.host.siteName("alice");
    String bobSite = server.host.siteName("bob");
    HttpResponse<String> a = server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + aliceSite + "\"}");
    assertThat(a.statusCode()).as(a.body()).isEqualTo(201);
    HttpResponse<String> b = server.api("bob", "POST", "/api/v1/sites", "{\"name\":\"" + bobSite + "\"}");
    assertThat(b.statusCode()).as(b.body()).isEqualTo(201);

    open(server.panelUrl());
    wait.until(ExpectedConditions.urlContains("/login"));
    logIn("alice", "not-" + server.password("alice"));
    waitForText(By.id("login-error"), "Wrong user name or password.");
    assertThat(driver.findElements(By.tagName("nav"))).isEmpty();
    snap("wrong-password");

    logIn("admin", server.password("admin"));
    waitForText(By.tagName("h1"), "All sites");
    assertThat(driver.findElement(By.id("current-user")).getText()).isEqualTo("admin");
    assertThat(driver.findElement(By.id("admin-badge")).getText()).isEqualTo("admin");
    assertThat(driver.findElements(By.cssSelector("#sites thead th"))).extracting(WebElement::getText).contains("Owner");
    assertThat(row(aliceSite).findElement(By.cssSelector(".site-owner")).getText()).isEqualTo("alice");
    assertThat(row(bobSite).findElement(By.cssSelector(".site-owner")).getText()).isEqualTo("bob");
    assertThat(state(aliceSite)).isEqualTo("STOPPED");
    assertThat(state(bobSite)).isEqualTo("STOPPED");
    snap("admin");

    driver.findElement(By.id("logout")).click();
    waitForText(By.id("logged-out"), "You are logged out.");

    logIn("bob", server.password("bob"));
    waitForText(By.tagName("h1"), "My sites");
    List<String> listed = driver.findElements(By.cssSelector("#sites tr[data-site]")).stream()
        .map(r -> r.getDomAttribute("data-site")).toList();
    assertThat(listed).containsExactly(bobSite);
    assertThat(driver.findElements(By.cssSelector("#sites thead th"))).extracting(WebElement::getText).doesNotContain("Owner");

    // Another user's site does not exist for bob, even by its address.
    open(server.panelUrl() + "sites/" + aliceSite + "/delete");
    waitForText(By.id("flash-error"), "\"" + aliceSite + "\" does not exist");
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("My sites");
    assertThat(server.api("alice", "GET", "/api/v1/sites/" + aliceSite, null).statusCode()).isEqualTo(200);
  }

  @Test
  void aUserPublishesRollsBackAndEditsTheirSiteOnItsPage() throws Exception {
    String name = server.host.siteName("page");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    Path zip = Files.createTempFile("pier-publish-", ".zip");
    zip.toFile().deleteOnExit();
    try (var out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (String[] f : new String[][] {{"mysite/index.html", "<h1>from the page</h1>"}, {"mysite/style.css", "h1{}"}}) {
        out.putNextEntry(new ZipEntry(f[0]));
        out.write(f[1].getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }

    open(server.panelUrl());
    wait.until(ExpectedConditions.urlContains("/login"));
    logIn("alice", server.password("alice"));
    // The site's name in the table leads to its page.
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#sites tr[data-site='" + name + "'] .site-name a"))).click();
    waitForText(By.id("site-title"), name);
    waitForTextReloading(By.id("sftp-command"), "sftp -P " + server.sshPort() + " alice@");
    waitForText(By.cssSelector("#release-rows"), "starter");

    // Publish an archive through the page's file input; the folder it wraps everything in is unwrapped.
    WebElement input = driver.findElement(By.id("archive-input"));
    driver.executeScript("arguments[0].classList.remove('d-none')", input);
    input.sendKeys(zip.toString());
    waitForText(By.id("published"), "Published release");
    snap("site-published");
    assertThat(server.visit(name).body()).isEqualTo("<h1>from the page</h1>");
    waitForText(By.cssSelector("#release-rows tr.table-success"), "upload");

    // Undo goes back to the release before.
    driver.findElement(By.id("publish-undo")).click();
    waitForText(By.id("publish-result"), "is live");
    assertThat(server.visit(name).body()).contains("This is the site <strong>" + name + "</strong>");
    waitForText(By.cssSelector("#release-rows tr.table-success"), "starter");
    // And Activate forward again.
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#release-rows .release-activate"))).click();
    waitForText(By.cssSelector("#release-rows tr.table-success"), "upload");
    assertThat(server.visit(name).body()).isEqualTo("<h1>from the page</h1>");

    // The file manager: edit index.html in the code editor and save; the edge serves the change.
    WebElement edit = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#file-rows tr[data-file='/index.html'] .file-edit")));
    edit.click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#editor .CodeMirror")));
    wait.until(d -> "<h1>from the page</h1>".equals(driver.executeScript("return document.querySelector('#editor .CodeMirror').CodeMirror.getValue()")));
    driver.executeScript("document.querySelector('#editor .CodeMirror').CodeMirror.setValue('<h1>edited in the browser</h1>')");
    snap("site-editor");
    driver.findElement(By.id("editor-save")).click();
    waitForText(By.id("editor-saved"), "Saved");
    assertThat(server.visit(name).body()).isEqualTo("<h1>edited in the browser</h1>");
    assertThat(driver.findElement(By.cssSelector("#file-rows tr[data-file='/style.css']")).getText()).contains("style.css");

    // A key on the Keys page.
    open(server.panelUrl() + "keys");
    driver.findElement(By.id("key-name")).sendKeys("laptop");
    driver.findElement(By.id("key-text")).sendKeys("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test@pier");
    driver.findElement(By.cssSelector("#add-key button[type=submit]")).click();
    waitForText(By.id("flash-success"), "Key laptop added (SHA256:");
    assertThat(driver.findElement(By.id("keys")).getText()).contains("laptop");
    Files.deleteIfExists(zip);
  }

  @Test
  void aUserBacksUpAndRestoresTheirSiteOnItsPageAndAnAdminSeesEveryBackup() throws Exception {
    String name = server.host.siteName("kept");
    server.api("alice", "POST", "/api/v1/sites", "{\"name\":\"" + name + "\"}");
    server.api("alice", "POST", "/api/v1/sites/" + name + "/start", null);
    open(server.panelUrl());
    wait.until(ExpectedConditions.urlContains("/login"));
    logIn("alice", server.password("alice"));
    waitForText(By.tagName("h1"), "My sites");
    open(server.panelUrl() + "sites/" + name);
    waitForText(By.id("site-title"), name);
    waitForTextReloading(By.id("backup-rows"), "No backup yet."); // (a fetch lost to a network change is asked again)

    driver.findElement(By.id("backup-now")).click();
    waitForText(By.id("backup-result"), "Backed up: ");
    WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#backup-rows tr[data-backup]")));
    String id = row.getAttribute("data-backup");
    assertThat(row.findElement(By.cssSelector(".backup-download")).getAttribute("href"))
        .endsWith("/api/v1/sites/" + name + "/backups/" + id + "/archive");
    snap("site-backups");

    // The site changes; the owner restores the backup from the page (a confirmation first), and it is back.
    var published = server.send("alice", "POST", "/api/v1/sites/" + name + "/releases", zipOf("index.html", "<h1>changed</h1>"), "application/zip");
    assertThat(published.statusCode()).isEqualTo(201);
    assertThat(server.visit(name).body()).isEqualTo("<h1>changed</h1>");
    WebElement restore = row.findElement(By.cssSelector(".backup-restore"));
    driver.executeScript("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", restore);
    wait.until(ExpectedConditions.elementToBeClickable(restore)).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    waitForText(By.id("backup-result"), "Restored the backup of");
    assertThat(server.visit(name).body()).contains("This is the site <strong>" + name + "</strong>");
    waitForText(By.cssSelector("#release-rows tr.table-success"), "restore of backup");
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#backup-rows tr[data-backup]"), 2)); // (the state before, too)

    // The admin's page: every site's last backup, the repository, a check and Pier's own backup.
    driver.executeScript("window.scrollTo({top: 0, behavior: 'instant'})");
    wait.until(ExpectedConditions.elementToBeClickable(By.id("logout"))).click();
    wait.until(ExpectedConditions.urlContains("/login"));
    logIn("admin", server.password("admin"));
    wait.until(ExpectedConditions.elementToBeClickable(By.id("nav-backups"))).click();
    waitForText(By.tagName("h1"), "Backups");
    WebElement site = driver.findElement(By.cssSelector("#backup-sites tr[data-site='" + name + "']"));
    assertThat(site.findElement(By.cssSelector(".last-backup")).getText()).endsWith("UTC");
    assertThat(site.getText()).contains("alice");
    assertThat(driver.findElement(By.id("repository-size")).getText()).matches("[0-9.]+ (KiB|MiB)");
    assertThat(driver.findElement(By.id("pier-backup")).getText()).contains("last backed up never");
    wait.until(ExpectedConditions.elementToBeClickable(By.id("check-backups"))).click();
    waitForText(By.id("flash-success"), "The backups passed their check, and site " + name + "'s last backup restored whole.");
    assertThat(driver.findElement(By.id("last-check")).getText()).contains("passed");
    wait.until(ExpectedConditions.elementToBeClickable(By.id("backup-pier"))).click();
    waitForText(By.id("flash-success"), "Pier itself backed up");
    assertThat(driver.findElement(By.id("pier-backup")).getText()).doesNotContain("never");
    snap("backups");
  }

  /** A zip holding one file. */
  private static byte[] zipOf(String name, String text) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new ZipOutputStream(bytes)) {
      out.putNextEntry(new ZipEntry(name));
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return bytes.toByteArray();
  }

  private void logIn(String user, String password) {
    WebElement username = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
    username.clear();
    username.sendKeys(user);
    WebElement pw = driver.findElement(By.id("password"));
    pw.clear();
    pw.sendKeys(password);
    driver.findElement(By.id("login")).click();
  }

  private void create(String name) {
    WebElement input = driver.findElement(By.id("name"));
    input.clear();
    input.sendKeys(name);
    driver.findElement(By.id("create")).click();
  }

  private WebElement row(String site) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#sites tr[data-site='" + site + "']")));
  }

  private String state(String site) {
    return row(site).findElement(By.cssSelector(".site-state")).getText();
  }

  /**
   * Opens a page. Chromium shares this host with the sites' veths and may take their comings and goings for a change
   * of network, failing the load with ERR_NETWORK_CHANGED: the page is loaded again then (a user's browser is elsewhere).
   */
  private void open(String url) {
    for (int attempt = 0; attempt < 4; attempt++) {
      driver.get(url);
      if (!driver.findElement(By.tagName("body")).getText().contains("ERR_NETWORK_CHANGED")) {
        return;
      }
    }
  }

  /**
   * {@link #waitForText}, loading the page again once if the text is not there within 15 s: the page's own calls to
   * the API can meet the network change {@link #open} is about, and a user would press reload.
   */
  private void waitForTextReloading(By by, String text) {
    try {
      new WebDriverWait(driver, Duration.ofSeconds(15)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    } catch (RuntimeException notYet) {
      System.err.println(Instant.now() + " reloading " + driver.getCurrentUrl() + " for " + text);
      driver.navigate().refresh();
      waitForText(by, text);
    }
  }

  private void waitForText(By by, String text) {
    System.err.println(Instant.now() + " waiting for " + text + " in " + by);
    try {
      wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    } catch (RuntimeException e) {
      snap("failed");
      throw new AssertionError("waited for \"" + text + "\" in " + by + " on " + driver.getCurrentUrl() + "; the page says:\n"
          + driver.findElement(By.tagName("body")).getText(), e);
    }
  }

  private void snap(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.move(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      System.err.println("screenshot " + name + " failed: " + e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
