-- Network meetings ("rencontres"): the meetings, their themes, agenda,
-- registrations, files, the news followers hear of, and what notifications
-- and digests need to speak of them. The rules are in
-- internal/passerelle/meeting.go.
CREATE TABLE meetings (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    title                 TEXT NOT NULL,
    territory_code        TEXT NOT NULL REFERENCES territories (code) ON UPDATE CASCADE,
    description           TEXT NOT NULL DEFAULT '',
    starts_at             TIMESTAMP NOT NULL,
    ends_at               TIMESTAMP NOT NULL,
    place                 TEXT NOT NULL DEFAULT '',
    online_url            TEXT NOT NULL DEFAULT '',
    capacity              INTEGER NOT NULL DEFAULT 0,
    registration_deadline TIMESTAMP,
    status                TEXT NOT NULL,
    cancel_reason         TEXT NOT NULL DEFAULT '',
    organizer_id          INTEGER NOT NULL REFERENCES users (id),
    version               INTEGER NOT NULL DEFAULT 1,
    sequence              INTEGER NOT NULL DEFAULT 0,
    record                TEXT NOT NULL DEFAULT '',
    record_published_at   TIMESTAMP,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);
CREATE INDEX meetings_starts_idx ON meetings (starts_at, id);
CREATE INDEX meetings_territory_idx ON meetings (territory_code, starts_at);

CREATE TABLE meeting_themes (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    theme_slug TEXT NOT NULL REFERENCES themes (slug) ON UPDATE CASCADE,
    PRIMARY KEY (meeting_id, theme_slug)
);
CREATE INDEX meeting_themes_theme_idx ON meeting_themes (theme_slug, meeting_id);

-- One row per person and meeting; position orders the waiting list.
CREATE TABLE meeting_registrations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id    INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    attended      BOOLEAN,
    registered_at TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, user_id)
);
CREATE INDEX meeting_registrations_status_idx ON meeting_registrations (meeting_id, status, position);
CREATE INDEX meeting_registrations_user_idx ON meeting_registrations (user_id, meeting_id);

-- The practices presented: proposed by their authors, added or accepted
-- by an organiser.
CREATE TABLE meeting_agenda (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    practice_id INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL DEFAULT 0,
    speaker     TEXT NOT NULL DEFAULT '',
    starts_at   TIMESTAMP,
    status      TEXT NOT NULL,
    proposed_by INTEGER NOT NULL REFERENCES users (id),
    decided_by  INTEGER REFERENCES users (id),
    decided_at  TIMESTAMP,
    comment     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, practice_id)
);
CREATE INDEX meeting_agenda_practice_idx ON meeting_agenda (practice_id, status);

-- The files of a meeting (slides, photos, attendance sheet), in the
-- attachments bucket like those of practices.
CREATE TABLE meeting_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    key          TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX meeting_attachments_meeting_idx ON meeting_attachments (meeting_id, id);

-- What followers hear of (a meeting announced, a record published): the
-- instant fan-out works one row, digests list the rows after their
-- watermark.
CREATE TABLE meeting_news (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    actor_id   INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

ALTER TABLE subscriptions ADD COLUMN digest_news_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE digests ADD COLUMN meeting_news_ids TEXT NOT NULL DEFAULT '';
ALTER TABLE email_preferences ADD COLUMN meetings BOOLEAN NOT NULL DEFAULT TRUE;

-- Notifications about a meeting have no practice: practice_id and
-- event_id become optional, meeting_id is added, and ref keys the
-- notifications a job writes (one per recipient and ref), so that a retried
-- job never doubles them. SQLite cannot relax NOT NULL in place: the table
-- is rebuilt with every row.
CREATE TABLE notifications_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    practice_id INTEGER REFERENCES practices (id) ON DELETE CASCADE,
    event_id    INTEGER REFERENCES practice_events (id) ON DELETE CASCADE,
    meeting_id  INTEGER REFERENCES meetings (id) ON DELETE CASCADE,
    ref         TEXT,
    message     TEXT NOT NULL,
    read_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (event_id, user_id)
);
INSERT INTO notifications_new (id, user_id, type, practice_id, event_id, message, read_at, created_at)
SELECT id, user_id, type, practice_id, event_id, message, read_at, created_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE UNIQUE INDEX notifications_ref_idx ON notifications (ref, user_id);

-- A meeting is found by the words of its title, description and published
-- record, as a practice is (see 20261128210000_search.sql).
CREATE VIRTUAL TABLE meeting_search USING fts5(
    title, summary, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TRIGGER meetings_search_insert AFTER INSERT ON meetings BEGIN
    INSERT INTO meeting_search (rowid, title, summary, body)
    VALUES (new.id, passerelle_search_text(new.title), passerelle_search_text(new.description),
            passerelle_search_text(CASE WHEN new.record_published_at IS NULL THEN '' ELSE new.record END));
END;

CREATE TRIGGER meetings_search_update AFTER UPDATE OF title, description, record, record_published_at ON meetings BEGIN
    DELETE FROM meeting_search WHERE rowid = old.id;
    INSERT INTO meeting_search (rowid, title, summary, body)
    VALUES (new.id, passerelle_search_text(new.title), passerelle_search_text(new.description),
            passerelle_search_text(CASE WHEN new.record_published_at IS NULL THEN '' ELSE new.record END));
END;

CREATE TRIGGER meetings_search_delete AFTER DELETE ON meetings BEGIN
    DELETE FROM meeting_search WHERE rowid = old.id;
END;
