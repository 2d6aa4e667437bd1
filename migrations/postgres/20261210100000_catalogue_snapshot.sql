-- A copy of the catalogue (internal/store/catalogue_snapshot.go) as some
-- process last held it, at catalogue_version "version": a process starts
-- from it and catches up on the practices logged in catalogue_log since,
-- instead of reading every published practice (seconds at 100,000). One
-- row; "format" names the encoding (a process ignores a format it does not
-- know, and loads the catalogue in full). Stored as it is written: the
-- encoding is already compact, PostgreSQL's compression would only cost
-- time on each read.
CREATE TABLE catalogue_snapshot (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    BIGINT NOT NULL,
    format     INTEGER NOT NULL,
    data       BYTEA NOT NULL,
    written_at TIMESTAMPTZ NOT NULL
);
ALTER TABLE catalogue_snapshot ALTER COLUMN data SET STORAGE EXTERNAL;
