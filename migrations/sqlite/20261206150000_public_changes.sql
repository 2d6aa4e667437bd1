-- When what the public sees of a practice last changed: its content, its
-- status, the names of its themes, of its territory and of the territories
-- above it, its author's name, or (for a record already withdrawn from the
-- public) the sets it belongs to. This is the datestamp of its OAI-PMH record
-- and the "updated" of its feed entries, so that an incremental harvest
-- (from=) sees every change. NULL for a practice that was never published;
-- once set it stays set, and the practice stays in the OAI-PMH repository as
-- a deleted record after it is archived or withdrawn.
--
-- Triggers keep it, so that every path that changes those facts — the
-- service, the command line, a territory import, another process — moves it
-- in the same transaction. The timestamps are the database's clock written
-- exactly as bun writes a time (UTC, no trailing zeros in the fraction,
-- "+00:00"): SQLite compares them as text with the values bun sends, and
-- "48.120" would sort after an equal "48.12".
ALTER TABLE practices ADD COLUMN public_changed_at TIMESTAMP;

UPDATE practices SET public_changed_at = CASE WHEN updated_at > published_at THEN updated_at ELSE published_at END
WHERE published_at IS NOT NULL;

CREATE INDEX practices_public_changes_idx ON practices (public_changed_at, id) WHERE public_changed_at IS NOT NULL;

CREATE TRIGGER practices_public_insert AFTER INSERT ON practices
WHEN new.status = 'published' AND new.public_changed_at IS NULL BEGIN
    UPDATE practices SET public_changed_at = rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now'), '0'), '.') || '+00:00' WHERE id = new.id;
END;

CREATE TRIGGER practices_public_update
AFTER UPDATE OF status, kind, title, summary, body, territory_code, author_id, experience, tool, published_at ON practices
WHEN (old.status = 'published' OR new.status = 'published')
 AND (old.status IS NOT new.status OR old.kind IS NOT new.kind OR old.title IS NOT new.title
      OR old.summary IS NOT new.summary OR old.body IS NOT new.body OR old.territory_code IS NOT new.territory_code
      OR old.author_id IS NOT new.author_id OR old.experience IS NOT new.experience OR old.tool IS NOT new.tool
      OR old.published_at IS NOT new.published_at) BEGIN
    UPDATE practices SET public_changed_at = rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now'), '0'), '.') || '+00:00' WHERE id = new.id;
END;

CREATE TRIGGER practice_themes_public_insert AFTER INSERT ON practice_themes BEGIN
    UPDATE practices SET public_changed_at = rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now'), '0'), '.') || '+00:00'
    WHERE id = new.practice_id AND status = 'published' AND public_changed_at IS NOT NULL;
END;

CREATE TRIGGER practice_themes_public_delete AFTER DELETE ON practice_themes BEGIN
    UPDATE practices SET public_changed_at = rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now'), '0'), '.') || '+00:00'
    WHERE id = old.practice_id AND status = 'published' AND public_changed_at IS NOT NULL;
END;

CREATE TRIGGER themes_public_rename AFTER UPDATE OF name ON themes
WHEN old.name IS NOT new.name BEGIN
    UPDATE practices SET public_changed_at = rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now'), '0'), '.') || '+00:00'
    WHERE status = 'published' AND public_changed_at IS NOT NULL
      AND id IN (SELECT practice_id FROM practice_themes WHERE theme_slug = new.slug);
END;

-- A territory's new name shows in the records of its practices and of those
-- below it (their coverage lists the territories above them); a move changes
-- the sets of every record below it, withdrawn ones included.
CREATE TRIGGER territories_public_change AFTER UPDATE OF name, parent_code ON territories
WHEN old.name IS NOT new.name OR old.parent_code IS NOT new.parent_code BEGIN
    UPDATE practices SET public_changed_at = rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now'), '0'), '.') || '+00:00'
    WHERE public_changed_at IS NOT NULL AND (status = 'published' OR old.parent_code IS NOT new.parent_code)
      AND territory_code IN (
          WITH RECURSIVE below(code) AS (
              SELECT new.code
              UNION
              SELECT t.code FROM territories AS t JOIN below AS b ON t.parent_code = b.code)
          SELECT code FROM below);
END;

CREATE TRIGGER users_public_rename AFTER UPDATE OF name ON users
WHEN old.name IS NOT new.name BEGIN
    UPDATE practices SET public_changed_at = rtrim(rtrim(strftime('%Y-%m-%d %H:%M:%f', 'now'), '0'), '.') || '+00:00'
    WHERE author_id = new.id AND status = 'published' AND public_changed_at IS NOT NULL;
END;

-- Settings the server chooses once and keeps, such as the OAI-PMH repository
-- identifier recorded from the first public address: identifiers harvesters
-- hold must not move when the site does.
CREATE TABLE server_settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
