-- Accounts and administration: invitations, password resets, named API
-- tokens, and the audit log of every administrative change.

-- An invitation to open an account with a role on a territory. The token is
-- chosen when the e-mail is sent (by the River job), so that it is never
-- stored in clear, not even in the job's arguments: only its SHA-256 is kept,
-- and it stays NULL until the e-mail goes out.
CREATE TABLE invitations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash       TEXT UNIQUE,
    email            TEXT NOT NULL,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL,
    territory_code   TEXT NOT NULL REFERENCES territories (code) ON UPDATE CASCADE,
    lang             TEXT NOT NULL DEFAULT 'fr',
    invited_by       INTEGER REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL,
    expires_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP,
    accepted_at      TIMESTAMP,
    accepted_user_id INTEGER REFERENCES users (id),
    revoked_at       TIMESTAMP
);
-- At most one open invitation per address; an expired one is revoked by the
-- service before a new one is written.
CREATE UNIQUE INDEX invitations_open_email_idx ON invitations (email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_created_idx ON invitations (created_at DESC, id DESC);

-- A password reset asked by e-mail; the token is chosen by the job that
-- sends it, like an invitation's.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

-- A label, so that people can tell their API tokens apart on "Mes jetons".
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';

-- Every administrative change (roles, invitations, accounts, territories,
-- themes, imports), written in the transaction of the change itself. A NULL
-- actor is the command line.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TIMESTAMP NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    action   TEXT NOT NULL,
    target   TEXT NOT NULL DEFAULT '',
    details  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
