package dev.pier.engine.content;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads archives as {@link ContentSource}s: zip (through its central directory, with Unix modes where the zip has
 * them), tar (ustar, pax and GNU long names) and gzip-compressed tar. A damaged or truncated archive is refused
 * with what the reader found wrong. Names are decoded as UTF-8; bytes that are not UTF-8 become a replacement
 * character, which {@link ContentPath} refuses.
 */
public final class Archives {

  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;

  private Archives() {}

  /** The entries of the archive in {@code file}, read in {@code format}. */
  public static ContentSource open(Path file, ArchiveFormat format) {
    return switch (format) {
      case ZIP -> sink -> readZip(file, sink);
      case TAR -> sink -> {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
          readTar(in, sink);
        }
      };
      case TAR_GZ -> sink -> {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
          InputStream in;
          try {
            in = GzipCompressorInputStream.builder().setInputStream(raw).setDecompressConcatenated(true).get();
          } catch (IOException e) {
            throw damaged("gzip", e);
          }
          readTar(new BufferedInputStream(in, 1 << 16), sink);
        }
      };
    };
  }

  private static void readZip(Path file, ContentSource.Sink sink) throws IOException {
    ZipFile zip;
    try {
      zip = ZipFile.builder().setPath(file).setUseUnicodeExtraFields(false).get();
    } catch (IOException e) {
      throw damaged("zip", e);
    }
    try (zip) {
      Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry e = entries.nextElement();
        String name = utf8(e.getRawName());
        int unix = e.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? e.getUnixMode() : 0;
        ContentSource.Kind kind;
        if (e.isUnixSymlink()) {
          kind = ContentSource.Kind.SYMLINK;
        } else if (e.isDirectory() || (unix & S_IFMT) == S_IFDIR) {
          kind = ContentSource.Kind.DIRECTORY;
        } else if ((unix & S_IFMT) == 0 || (unix & S_IFMT) == S_IFREG) {
          kind = ContentSource.Kind.FILE;
        } else {
          kind = ContentSource.Kind.SPECIAL;
        }
        long mtime = e.getTime();
        if (kind != ContentSource.Kind.FILE) {
          sink.accept(new ContentSource.Entry(name, kind, unix & 07777, mtime), InputStream.nullInputStream());
          continue;
        }
        InputStream data;
        try {
          data = zip.getInputStream(e);
        } catch (IOException | RuntimeException x) {
          throw damaged("zip", x);
        }
        try (InputStream in = new Reading(data, "zip")) {
          sink.accept(new ContentSource.Entry(name, kind, unix & 07777, mtime), in);
        }
      }
    }
  }

  private static void readTar(InputStream in, ContentSource.Sink sink) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
    while (true) {
      TarArchiveEntry e;
      try {
        e = tar.getNextEntry();
      } catch (IOException | RuntimeException x) {
        throw damaged("tar", x);
      }
      if (e == null) {
        return;
      }
      if (e.isGlobalPaxHeader() || e.isPaxHeader()) {
        continue;
      }
      ContentSource.Kind kind;
      if (e.isSymbolicLink()) {
        kind = ContentSource.Kind.SYMLINK;
      } else if (e.isLink()) {
        kind = ContentSource.Kind.HARDLINK;
      } else if (e.isDirectory()) {
        kind = ContentSource.Kind.DIRECTORY;
      } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        kind = ContentSource.Kind.SPECIAL;
      } else if (e.isFile()) {
        kind = ContentSource.Kind.FILE;
      } else {
        kind = ContentSource.Kind.SPECIAL;
      }
      long mtime = e.getModTime() == null ? -1 : e.getModTime().getTime();
      sink.accept(new ContentSource.Entry(e.getName(), kind, e.getMode() & 07777, mtime),
          kind == ContentSource.Kind.FILE ? new Reading(tar, "tar") : InputStream.nullInputStream());
    }
  }

  /** Strict UTF-8; what is not becomes U+FFFD. */
  private static String utf8(byte[] raw) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      return new String(raw, StandardCharsets.UTF_8);
    }
  }

  static ContentException damaged(String format, Throwable e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new ContentException(ContentException.Reason.INVALID, "the " + format + " archive is damaged or truncated: " + why, e);
  }

  /**
   * An entry's bytes: a read the archive's reader fails is a damaged archive; a close does not close the archive.
   */
  private static final class Reading extends InputStream {
    private final InputStream in;
    private final String format;

    Reading(InputStream in, String format) {
      this.in = in;
      this.format = format;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      try {
        return in.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        throw damaged(format, e);
      }
    }

    @Override
    public void close() throws IOException {
      if (format.equals("zip")) {
        in.close();
      }
    }
  }
}
