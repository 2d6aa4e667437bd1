-- One row that /healthz rewrites, at most every few seconds, to prove that
-- the database still takes writes (a full disk, a read-only file system).
CREATE TABLE health_checks (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TIMESTAMPTZ NOT NULL
);

-- Every e-mail the mail server accepted (or the outbox wrote), by its key
-- (one event and one recipient): a job run again after a crash skips what
-- is recorded here instead of sending it twice.
CREATE TABLE email_sends (
    key        TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX email_sends_sent_at_idx ON email_sends (sent_at);
