-- Images sites run on. static is built from the host's busybox; the others are Debian images built with
-- debootstrap from their package list (Apache httpd is always in). Built versions live on disk, under the
-- images directory; a site records the version it runs, which it keeps until its next start.
CREATE TABLE images (
  name        VARCHAR(64)   NOT NULL PRIMARY KEY,
  packages    VARCHAR(4000) NOT NULL,
  builtin     BOOLEAN       NOT NULL,
  created_by  VARCHAR(255),
  created_at  TIMESTAMP     NOT NULL
);
INSERT INTO images (name, packages, builtin, created_by, created_at) VALUES
  ('static', '', TRUE, NULL, CURRENT_TIMESTAMP),
  ('debian-apache', '', TRUE, NULL, CURRENT_TIMESTAMP),
  ('debian-php', 'libapache2-mod-php php-sqlite3', TRUE, NULL, CURRENT_TIMESTAMP);
ALTER TABLE sites ADD COLUMN image_version VARCHAR(40);
ALTER TABLE sites ADD CONSTRAINT sites_image_fk FOREIGN KEY (image) REFERENCES images (name);
