-- The text index of the public search (internal/store/textindex.go) as a
-- process built it, with the catalogue version it reflects: a process
-- starts from it and catches up on the practices logged since, instead of
-- indexing every published text again (seconds at 100,000 practices). Like
-- catalogue_snapshot, it lives in the database: restored with it, never
-- newer than the data it describes.
CREATE TABLE text_index_snapshot (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
    format     INTEGER NOT NULL,
    data       BLOB NOT NULL,
    written_at TIMESTAMP NOT NULL
);
