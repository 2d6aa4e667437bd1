-- "Mes favoris": the practices a reader keeps, with a note of their own.
-- Private to their owner (see passerelle.Bookmark).
CREATE TABLE bookmarks (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    practice_id INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, practice_id)
);
CREATE INDEX bookmarks_practice_idx ON bookmarks (practice_id);
