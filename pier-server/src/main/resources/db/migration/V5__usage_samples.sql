-- The last hour of each running site's usage, sampled every pier.engine.usage-interval; kept across restarts of Pier.
CREATE TABLE usage_samples (
  site          VARCHAR(63)      NOT NULL,
  at            TIMESTAMP        NOT NULL,
  cpu_cores     DOUBLE PRECISION,
  memory_bytes  BIGINT           NOT NULL,
  processes     BIGINT           NOT NULL,
  disk_bytes    BIGINT           NOT NULL
);
CREATE INDEX usage_samples_site_at ON usage_samples (site, at);
CREATE INDEX usage_samples_at ON usage_samples (at);
