-- Sites that sleep when idle: stopped after this many seconds without a request, started again by the next one
-- (NULL: never sleeps). SLEEPING is a state of its own.
ALTER TABLE sites ADD COLUMN sleep_after_seconds INT;
