-- The core loop: territories, themes, accounts, roles, practices and their
-- history, notifications.
CREATE TABLE territories (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    parent_code TEXT REFERENCES territories (code),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX territories_parent_idx ON territories (parent_code);

CREATE TABLE themes (
    slug       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    lang          TEXT NOT NULL DEFAULT 'fr',
    disabled_at   TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE role_grants (
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role           TEXT NOT NULL,
    territory_code TEXT NOT NULL REFERENCES territories (code) ON UPDATE CASCADE,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, role, territory_code)
);
CREATE INDEX role_grants_territory_idx ON role_grants (territory_code, role);

-- One row whose counter is bumped by every change to roles, territories,
-- themes or accounts, so that every process reloads its policy on its next
-- request.
CREATE TABLE policy_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO policy_version (id, version) VALUES (1, 1);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

CREATE TABLE practices (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL DEFAULT '',
    territory_code TEXT REFERENCES territories (code) ON UPDATE CASCADE,
    author_id      INTEGER NOT NULL REFERENCES users (id),
    status         TEXT NOT NULL,
    revision       INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    experience     TEXT,
    tool           TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    submitted_at   TIMESTAMP,
    published_at   TIMESTAMP
);
CREATE INDEX practices_published_idx ON practices (status, published_at DESC, id DESC);
CREATE INDEX practices_territory_idx ON practices (territory_code, status, published_at DESC);
CREATE INDEX practices_author_idx ON practices (author_id, updated_at DESC);
CREATE INDEX practices_queue_idx ON practices (status, submitted_at);

CREATE TABLE practice_themes (
    practice_id INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    theme_slug  TEXT NOT NULL REFERENCES themes (slug) ON UPDATE CASCADE,
    PRIMARY KEY (practice_id, theme_slug)
);
CREATE INDEX practice_themes_theme_idx ON practice_themes (theme_slug, practice_id);

CREATE TABLE practice_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER NOT NULL REFERENCES users (id),
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX practice_events_practice_idx ON practice_events (practice_id, id);

CREATE TABLE practice_revisions (
    practice_id  INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    content      TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (practice_id, number)
);

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    practice_id INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    event_id    INTEGER NOT NULL REFERENCES practice_events (id) ON DELETE CASCADE,
    message     TEXT NOT NULL,
    read_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (event_id, user_id)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
