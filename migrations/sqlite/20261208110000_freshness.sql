-- Freshness of published practices: when each was last confirmed current
-- (NULL before its first confirmation: its publication counts), and when
-- its author was last asked to confirm it. A practice whose author was
-- asked and that nobody confirmed since is "à actualiser".
ALTER TABLE practices ADD COLUMN reviewed_at TIMESTAMP;
ALTER TABLE practices ADD COLUMN review_asked_at TIMESTAMP;

CREATE INDEX practices_freshness_idx ON practices (status, published_at, reviewed_at);
