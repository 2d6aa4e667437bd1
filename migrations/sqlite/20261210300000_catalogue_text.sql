-- The text of a published practice is part of the catalogue: the public
-- search answers from an index of the texts held beside it
-- (internal/store/textindex.go), which follows the practices logged in
-- catalogue_log. A change of the title, the summary, the body or the
-- experience report of a published practice therefore bumps
-- catalogue_version and logs the practice, as a change of its filters did.
-- (An approved update always named kind and tool, so it was logged already;
-- this makes it so for any writer.)
DROP TRIGGER practices_catalogue_update;

CREATE TRIGGER practices_catalogue_update
AFTER UPDATE OF status, territory_code, kind, tool, published_at, title, summary, body, experience ON practices
WHEN old.status = 'published' OR new.status = 'published' BEGIN
    UPDATE catalogue_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO catalogue_log (version, practice_id) SELECT version, new.id FROM catalogue_version WHERE id = 1;
    DELETE FROM catalogue_log WHERE version < (SELECT version - 1000 FROM catalogue_version WHERE id = 1);
END;
