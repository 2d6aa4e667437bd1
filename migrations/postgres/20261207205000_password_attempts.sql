-- Password attempts, counted before the password is checked (issue 9): one
-- row per throttled key ("account:<e-mail>", "source:<address>"), shared by
-- every process of the installation. failures is the number of attempts in
-- a row not followed by a success; no attempt is checked before next_at.
-- Times are Unix milliseconds, so that one statement computes them alike on
-- both databases.
CREATE TABLE password_attempts (
    key      TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at  BIGINT NOT NULL,
    next_at  BIGINT NOT NULL
);
CREATE INDEX password_attempts_last_at_idx ON password_attempts (last_at);
