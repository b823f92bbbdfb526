-- Which plans users may put sites on besides the default plan (admins: any). A grantee is "everyone",
-- "user:NAME" or "group:NAME" (an LDAP group under the group base).
CREATE TABLE plan_grants (
  plan     VARCHAR(32)  NOT NULL,
  grantee  VARCHAR(100) NOT NULL,
  PRIMARY KEY (plan, grantee),
  CONSTRAINT plan_grants_plan_fk FOREIGN KEY (plan) REFERENCES plans (name) ON DELETE CASCADE
);
-- What a user may have: their own row, else the most generous of their groups' rows, else everyone's. Admins: no limit.
CREATE TABLE quotas (
  grantee              VARCHAR(100) NOT NULL PRIMARY KEY,
  max_sites            INT          NOT NULL,
  max_disk_bytes       BIGINT       NOT NULL,
  max_creates_per_day  INT          NOT NULL
);
INSERT INTO quotas (grantee, max_sites, max_disk_bytes, max_creates_per_day) VALUES ('everyone', 10, 21474836480, 20);
-- Each site's creation, kept a day after the site is gone: the creation rate counts deleted sites too.
CREATE TABLE site_creations (
  owner       VARCHAR(255) NOT NULL,
  created_at  TIMESTAMP    NOT NULL
);
CREATE INDEX site_creations_owner ON site_creations (owner, created_at);
