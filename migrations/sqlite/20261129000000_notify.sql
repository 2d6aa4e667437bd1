-- Subscriptions, e-mail preferences, digests and the server's secrets.
CREATE TABLE subscriptions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    territory_code TEXT REFERENCES territories (code) ON UPDATE CASCADE,
    theme_slug     TEXT REFERENCES themes (slug) ON UPDATE CASCADE,
    kind           TEXT,
    frequency      TEXT NOT NULL,
    -- The last publication event a digest of this subscription covered:
    -- the next digest lists what was published after it.
    digest_event_id INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX subscriptions_unique_idx ON subscriptions (user_id, COALESCE(territory_code, ''), COALESCE(theme_slug, ''), COALESCE(kind, ''));
CREATE INDEX subscriptions_frequency_idx ON subscriptions (frequency, user_id);

-- Which e-mails a user wants; no row means every e-mail.
CREATE TABLE email_preferences (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reviews       BOOLEAN NOT NULL DEFAULT TRUE,
    decisions     BOOLEAN NOT NULL DEFAULT TRUE,
    new_practices BOOLEAN NOT NULL DEFAULT TRUE,
    digests       BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at    TIMESTAMP NOT NULL
);

-- One digest e-mail: what it lists is fixed when it is queued.
CREATE TABLE digests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    frequency    TEXT NOT NULL,
    practice_ids TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- Secrets created at first start (the key signing unsubscribe links).
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
