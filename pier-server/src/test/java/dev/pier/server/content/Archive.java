package dev.pier.server.content;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zip archives for tests, made from names and contents. */
final class Archive {

  private final Map<String, byte[]> files = new LinkedHashMap<>();

  static Archive of(String... namesAndContents) {
    Archive a = new Archive();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      a.add(namesAndContents[i], namesAndContents[i + 1]);
    }
    return a;
  }

  Archive add(String name, String content) {
    files.put(name, content.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  Archive add(String name, byte[] content) {
    files.put(name, content);
    return this;
  }

  byte[] zip() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      for (var f : files.entrySet()) {
        z.putNextEntry(new ZipEntry(f.getKey()));
        z.write(f.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }
}
