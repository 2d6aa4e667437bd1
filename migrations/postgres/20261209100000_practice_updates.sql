-- Updates of published practices (internal/passerelle/update.go): a working
-- revision is a practice of its own that updates a published one
-- (update_of), never published itself; a published practice has at most one
-- working revision under way. revised_at is when an approved update last
-- replaced the content of a published practice ("mise à jour le").
ALTER TABLE practices ADD COLUMN update_of BIGINT REFERENCES practices (id) ON DELETE CASCADE;
ALTER TABLE practices ADD COLUMN revised_at TIMESTAMPTZ;

CREATE UNIQUE INDEX practices_open_update_idx ON practices (update_of)
WHERE update_of IS NOT NULL AND status IN ('draft', 'submitted', 'changes_requested');
