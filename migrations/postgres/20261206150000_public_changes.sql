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
-- in the same transaction, with the database's clock.
ALTER TABLE practices ADD COLUMN public_changed_at TIMESTAMPTZ;

UPDATE practices SET public_changed_at = GREATEST(updated_at, published_at) WHERE published_at IS NOT NULL;

CREATE INDEX practices_public_changes_idx ON practices (public_changed_at, id) WHERE public_changed_at IS NOT NULL;

CREATE FUNCTION practices_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'published' AND NEW.public_changed_at IS NULL THEN
            NEW.public_changed_at := clock_timestamp();
        END IF;
    ELSIF (OLD.status = 'published' OR NEW.status = 'published')
      AND (OLD.status, OLD.kind, OLD.title, OLD.summary, OLD.body, OLD.territory_code, OLD.author_id,
           OLD.experience, OLD.tool, OLD.published_at)
          IS DISTINCT FROM (NEW.status, NEW.kind, NEW.title, NEW.summary, NEW.body, NEW.territory_code, NEW.author_id,
           NEW.experience, NEW.tool, NEW.published_at) THEN
        NEW.public_changed_at := clock_timestamp();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER practices_public_change BEFORE INSERT OR UPDATE ON practices
    FOR EACH ROW EXECUTE FUNCTION practices_public_change();

CREATE FUNCTION practice_themes_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE practices SET public_changed_at = clock_timestamp()
        WHERE id IN (SELECT practice_id FROM new_rows) AND status = 'published' AND public_changed_at IS NOT NULL;
    ELSE
        UPDATE practices SET public_changed_at = clock_timestamp()
        WHERE id IN (SELECT practice_id FROM old_rows) AND status = 'published' AND public_changed_at IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER practice_themes_public_insert AFTER INSERT ON practice_themes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION practice_themes_public_change();
CREATE TRIGGER practice_themes_public_delete AFTER DELETE ON practice_themes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION practice_themes_public_change();

CREATE FUNCTION themes_public_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.name IS DISTINCT FROM NEW.name THEN
        UPDATE practices SET public_changed_at = clock_timestamp()
        WHERE status = 'published' AND public_changed_at IS NOT NULL
          AND id IN (SELECT practice_id FROM practice_themes WHERE theme_slug = NEW.slug);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER themes_public_rename AFTER UPDATE ON themes
    FOR EACH ROW EXECUTE FUNCTION themes_public_rename();

-- A territory's new name shows in the records of its practices and of those
-- below it (their coverage lists the territories above them); a move changes
-- the sets of every record below it, withdrawn ones included.
CREATE FUNCTION territories_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved boolean := OLD.parent_code IS DISTINCT FROM NEW.parent_code;
BEGIN
    IF OLD.name IS DISTINCT FROM NEW.name OR moved THEN
        UPDATE practices SET public_changed_at = clock_timestamp()
        WHERE public_changed_at IS NOT NULL AND (status = 'published' OR moved)
          AND territory_code IN (
              WITH RECURSIVE below(code) AS (
                  SELECT NEW.code
                  UNION
                  SELECT t.code FROM territories AS t JOIN below AS b ON t.parent_code = b.code)
              SELECT code FROM below);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER territories_public_change AFTER UPDATE ON territories
    FOR EACH ROW EXECUTE FUNCTION territories_public_change();

CREATE FUNCTION users_public_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.name IS DISTINCT FROM NEW.name THEN
        UPDATE practices SET public_changed_at = clock_timestamp()
        WHERE author_id = NEW.id AND status = 'published' AND public_changed_at IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_public_rename AFTER UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION users_public_rename();

-- Settings the server chooses once and keeps, such as the OAI-PMH repository
-- identifier recorded from the first public address: identifiers harvesters
-- hold must not move when the site does.
CREATE TABLE server_settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
