-- Supervision: what to do when a site's container exits by itself, how often it was restarted, and why it
-- last stopped.
ALTER TABLE sites ADD COLUMN restart_policy VARCHAR(16) DEFAULT 'on-failure' NOT NULL;
ALTER TABLE sites ADD COLUMN restarts INT DEFAULT 0 NOT NULL;
ALTER TABLE sites ADD COLUMN last_exit VARCHAR(200);
