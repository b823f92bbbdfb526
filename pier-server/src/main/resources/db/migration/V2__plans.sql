-- Resource plans (the brief's cgroup "models"). Admins manage them; every site has one.
CREATE TABLE plans (
  name          VARCHAR(32)  NOT NULL PRIMARY KEY,
  cpus          DOUBLE PRECISION NOT NULL,
  memory_bytes  BIGINT       NOT NULL,
  pids          INT          NOT NULL,
  disk_bytes    BIGINT       NOT NULL,
  outbound      BOOLEAN      NOT NULL
);
INSERT INTO plans (name, cpus, memory_bytes, pids, disk_bytes, outbound) VALUES
  ('small',  0.25,  67108864,  32,  536870912, FALSE),
  ('medium', 0.5,  134217728,  64, 1073741824, FALSE),
  ('large',  1.0,  536870912, 256, 5368709120, FALSE);
ALTER TABLE sites ADD COLUMN plan VARCHAR(32) DEFAULT 'medium' NOT NULL;
ALTER TABLE sites ADD CONSTRAINT sites_plan_fk FOREIGN KEY (plan) REFERENCES plans (name);
