-- Practices that travel ("essaimage"): a contributor records that a
-- published practice was reused in one of their territories. One reuse per
-- practice and territory.
CREATE TABLE practice_reuses (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id    INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    territory_code TEXT NOT NULL REFERENCES territories (code) ON UPDATE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    note           TEXT NOT NULL DEFAULT '',
    -- The history entry of the practice that tells of the reuse (and that
    -- the author's notification points to).
    event_id       INTEGER NOT NULL REFERENCES practice_events (id) ON DELETE CASCADE,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (practice_id, territory_code)
);
CREATE INDEX practice_reuses_territory_idx ON practice_reuses (territory_code, id DESC);
