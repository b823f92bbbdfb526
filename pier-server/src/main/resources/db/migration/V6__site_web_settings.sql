-- Per-site web settings the edge applies: HTTPS only (308 from HTTP), HSTS, and the largest request body
-- (NULL: the edge's default).
ALTER TABLE sites ADD COLUMN https_only BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE sites ADD COLUMN hsts BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE sites ADD COLUMN max_body_bytes BIGINT;
