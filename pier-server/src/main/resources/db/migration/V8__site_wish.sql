-- What was asked for each site (RUNNING, STOPPED, SLEEPING, DELETED), apart from what the host has (state): the
-- site's worker brings the host to it. Existing rows get the wish their state implies.
ALTER TABLE sites ADD COLUMN wish VARCHAR(16) DEFAULT 'STOPPED' NOT NULL;
UPDATE sites SET wish = 'RUNNING' WHERE state IN ('RUNNING', 'STARTING');
UPDATE sites SET wish = 'SLEEPING' WHERE state = 'SLEEPING';
UPDATE sites SET wish = 'DELETED' WHERE state = 'DELETING';
-- Each wish written counts up wish_seq, so that a pass undoing a wish it could not fulfil never undoes a newer one.
ALTER TABLE sites ADD COLUMN wish_seq BIGINT DEFAULT 0 NOT NULL;
