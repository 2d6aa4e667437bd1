-- The review loop in full: attachments, the conversation between an author
-- and the moderators, and claims on submissions.

-- Files attached to a practice. The file itself lives in the attachments
-- bucket under storage_key (random, never the uploader's file name); name is
-- the uploader's file name, cleaned, for display only. Deleting a practice
-- deletes its rows; the attachment_cleanup job then deletes the files.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id  INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    storage_key  TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX attachments_practice_idx ON attachments (practice_id, id);

-- Comments are history entries (action 'comment'); a comment or a decision
-- may name the fields of the sheet it is about, as a JSON array.
ALTER TABLE practice_events ADD COLUMN fields TEXT NOT NULL DEFAULT '';

-- A moderator's claim on a submission ("en cours de relecture"): at most one
-- per practice, valid until expires_at.
CREATE TABLE review_claims (
    practice_id  INTEGER PRIMARY KEY REFERENCES practices (id) ON DELETE CASCADE,
    moderator_id INTEGER NOT NULL REFERENCES users (id),
    claimed_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX review_claims_moderator_idx ON review_claims (moderator_id);
