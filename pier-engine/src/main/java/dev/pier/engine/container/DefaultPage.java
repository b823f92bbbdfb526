package dev.pier.engine.container;

/** The index page a new site starts with: it names the site, so its owner sees the right container answers. */
public final class DefaultPage {

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
}
