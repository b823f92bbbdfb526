-- One row per site. state records the intent of the operation in progress (CREATING, STARTING, STOPPING,
-- DELETING) before any host work starts, so that a restart after a crash can finish or undo it.
CREATE TABLE sites (
  name        VARCHAR(63)   NOT NULL PRIMARY KEY,
  owner       VARCHAR(255)  NOT NULL,
  state       VARCHAR(16)   NOT NULL,
  ipv4        VARCHAR(15)   NOT NULL,
  image       VARCHAR(64)   NOT NULL,
  created_at  TIMESTAMP     NOT NULL,
  updated_at  TIMESTAMP     NOT NULL,
  last_error  VARCHAR(2000),
  CONSTRAINT sites_ipv4_unique UNIQUE (ipv4)
);
CREATE INDEX sites_owner ON sites (owner);
