-- "Contacter l'équipe": messages from readers to the authors of published
-- practices, sent through the platform (neither side sees an address).
-- The River job notify_contact reads the message by id.
CREATE TABLE contact_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    practice_id  INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    sender_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX contact_messages_recipient_idx ON contact_messages (recipient_id, id DESC);
