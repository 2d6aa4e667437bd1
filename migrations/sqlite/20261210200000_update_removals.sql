-- What an update takes away from the published sheet (internal/passerelle/update.go):
-- the files of the published practice its working revision removes
-- (update_removed_files), and its cover (update_removed_covers, the key of
-- the published cover removed). Nothing changes on the published sheet until
-- the update is approved; a working revision deleted takes its rows along.
CREATE TABLE update_removed_files (
    practice_id   INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    attachment_id INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    PRIMARY KEY (practice_id, attachment_id)
);
CREATE INDEX update_removed_files_attachment_idx ON update_removed_files (attachment_id);

CREATE TABLE update_removed_covers (
    practice_id INTEGER PRIMARY KEY REFERENCES practices (id) ON DELETE CASCADE,
    cover_key   TEXT NOT NULL
);
