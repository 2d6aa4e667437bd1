-- OpenID Connect sign-in (issue 17). identity_links ties an account to the
-- subject an OpenID provider (issuer) knows it by: the provider proves who,
-- Passerelle decides what (roles stay in role_grants). oidc_flows keeps the
-- state, nonce and PKCE verifier of each sign-in under way, server-side and
-- single-use; the browser holds the state in a short-lived cookie. An
-- account without a password keeps an empty password_hash.
CREATE TABLE identity_links (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issuer       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    email        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX identity_links_user_idx ON identity_links (user_id);

CREATE TABLE oidc_flows (
    state_hash  TEXT PRIMARY KEY,
    nonce       TEXT NOT NULL,
    verifier    TEXT NOT NULL,
    next        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX oidc_flows_expires_idx ON oidc_flows (expires_at);
