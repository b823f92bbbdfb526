package dev.pier.engine.container;

/**
 * The page a new site starts with. It names the site, so its owner sees the right container answers. On an
 * image with PHP it is {@code index.php}, the brief's "site with a database": it counts visits in a SQLite file.
 */
public final class DefaultPage {

  /** Where the PHP page keeps its SQLite database, writable by www-data only; outside the served tree. */
  public static final String DATA_DIR = "var/www/data";

  private DefaultPage() {}

  public static String render(String name, String hostname) {
    return """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>%1$s</title></head>
        <body>
        <h1>%1$s</h1>
        <p>This is the site <strong>%1$s</strong>, served by Pier at %2$s.</p>
        <p>Upload your own content to replace this page.</p>
        </body>
        </html>
        """.formatted(name, hostname);
  }

  /** {@code index.php}: counts this visit in SQLite (one transaction, safe under concurrent requests) and shows the count. */
  public static String renderPhp(String name, String hostname) {
    return """
        <?php
        // The starter page Pier gives a new PHP site: a visit counter kept in SQLite.
        $db = new PDO('sqlite:/%3$s/counter.sqlite', null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $db->exec('PRAGMA busy_timeout = 5000');
        $db->exec('CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL)');
        $db->exec('BEGIN IMMEDIATE');
        $db->exec('INSERT OR IGNORE INTO visits (id, count) VALUES (1, 0)');
        $db->exec('UPDATE visits SET count = count + 1 WHERE id = 1');
        $count = (int) $db->query('SELECT count FROM visits WHERE id = 1')->fetchColumn();
        $db->exec('COMMIT');
        ?>
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>%1$s</title></head>
        <body>
        <h1>%1$s</h1>
        <p>This is the site <strong>%1$s</strong>, served by Pier at %2$s with PHP <?= htmlspecialchars(PHP_VERSION) ?> and SQLite.</p>
        <p>Visits so far: <strong id="visits"><?= $count ?></strong></p>
        <p>Upload your own content to replace this page.</p>
        </body>
        </html>
        """.formatted(name, hostname, DATA_DIR);
  }
}
