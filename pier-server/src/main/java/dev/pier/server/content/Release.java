package dev.pier.server.content;

import java.time.Instant;

/**
 * One release of a site's content, as the API shows it.
 *
 * @param id        its number, unique across sites
 * @param dir       its directory under the site's {@code releases/}
 * @param createdBy who published it
 * @param source    how it came: {@code upload}, {@code git}, {@code sftp-snapshot}, {@code starter} (a new site's
 *                  page), {@code existing} (the web root of a site from before releases), {@code found} (on the
 *                  site's disk without a record, as a publish cut short by a crash leaves it)
 * @param files     how many files it holds
 * @param bytes     their bytes in all
 * @param active    whether it is the live one
 */
public record Release(long id, String site, String dir, Instant createdAt, String createdBy, String source, long files, long bytes,
    boolean active) {}
