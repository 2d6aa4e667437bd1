-- French full-text search, and what the list filters and facets need.
--
-- practice_search indexes every practice (lists filter by status): title,
-- summary, and the body followed by the fields of the sheet. SQLite has no
-- French stemmer, so what it indexes is not the practice's text but the
-- output of passerelle_search_text / passerelle_search_sheet: folded (lower
-- case, no accents), stop words left out, every word replaced by its
-- Snowball stem (internal/search). The application registers these
-- functions on every connection it opens; another SQLite client (the sqlite3
-- shell) can read, but writing a practice there fails with "no such
-- function" instead of leaving the index behind. The table keeps no copy of
-- the text (content=''): snippets are cut from the practices themselves.
CREATE VIRTUAL TABLE practice_search USING fts5(
    title, summary, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO practice_search (rowid, title, summary, body)
SELECT id, passerelle_search_text(title), passerelle_search_text(summary),
       passerelle_search_sheet(body, experience, tool)
FROM practices;

-- The audiences of a teaching tool, folded, for the audience filter.
CREATE TABLE practice_audiences (
    practice_id INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    audience    TEXT NOT NULL,
    PRIMARY KEY (practice_id, audience)
) WITHOUT ROWID;
CREATE INDEX practice_audiences_audience_idx ON practice_audiences (audience, practice_id);

INSERT OR IGNORE INTO practice_audiences (practice_id, audience)
SELECT p.id, passerelle_fold(a.value)
FROM practices AS p, json_each(CASE WHEN json_valid(p.tool) THEN p.tool ELSE '{}' END, '$.audience') AS a
WHERE a.type = 'text';

CREATE TRIGGER practices_search_insert AFTER INSERT ON practices BEGIN
    INSERT INTO practice_search (rowid, title, summary, body)
    VALUES (new.id, passerelle_search_text(new.title), passerelle_search_text(new.summary),
            passerelle_search_sheet(new.body, new.experience, new.tool));
    INSERT OR IGNORE INTO practice_audiences (practice_id, audience)
    SELECT new.id, passerelle_fold(a.value)
    FROM json_each(CASE WHEN json_valid(new.tool) THEN new.tool ELSE '{}' END, '$.audience') AS a
    WHERE a.type = 'text';
END;

CREATE TRIGGER practices_search_update AFTER UPDATE OF title, summary, body, experience, tool ON practices BEGIN
    DELETE FROM practice_search WHERE rowid = old.id;
    INSERT INTO practice_search (rowid, title, summary, body)
    VALUES (new.id, passerelle_search_text(new.title), passerelle_search_text(new.summary),
            passerelle_search_sheet(new.body, new.experience, new.tool));
    DELETE FROM practice_audiences WHERE practice_id = new.id;
    INSERT OR IGNORE INTO practice_audiences (practice_id, audience)
    SELECT new.id, passerelle_fold(a.value)
    FROM json_each(CASE WHEN json_valid(new.tool) THEN new.tool ELSE '{}' END, '$.audience') AS a
    WHERE a.type = 'text';
END;

CREATE TRIGGER practices_search_delete AFTER DELETE ON practices BEGIN
    DELETE FROM practice_search WHERE rowid = old.id;
END;

-- Public lists keep in memory, in each process, what they filter, sort and
-- count published practices by (internal/store/catalogue.go). Every change
-- that a list can see bumps catalogue_version and records the practice in
-- catalogue_log under the new version, so that a process catches up by
-- reading only what changed since the version it holds (or everything,
-- when it is more than the last 1,000 versions behind).
CREATE TABLE catalogue_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 1);

CREATE TABLE catalogue_log (
    version     INTEGER NOT NULL,
    practice_id INTEGER NOT NULL,
    PRIMARY KEY (version, practice_id)
) WITHOUT ROWID;

CREATE TRIGGER practices_catalogue_insert AFTER INSERT ON practices
WHEN new.status = 'published' BEGIN
    UPDATE catalogue_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO catalogue_log (version, practice_id) SELECT version, new.id FROM catalogue_version WHERE id = 1;
    DELETE FROM catalogue_log WHERE version < (SELECT version - 1000 FROM catalogue_version WHERE id = 1);
END;

CREATE TRIGGER practices_catalogue_update AFTER UPDATE OF status, territory_code, kind, tool, published_at ON practices
WHEN old.status = 'published' OR new.status = 'published' BEGIN
    UPDATE catalogue_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO catalogue_log (version, practice_id) SELECT version, new.id FROM catalogue_version WHERE id = 1;
    DELETE FROM catalogue_log WHERE version < (SELECT version - 1000 FROM catalogue_version WHERE id = 1);
END;

CREATE TRIGGER practices_catalogue_delete AFTER DELETE ON practices
WHEN old.status = 'published' BEGIN
    UPDATE catalogue_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO catalogue_log (version, practice_id) SELECT version, old.id FROM catalogue_version WHERE id = 1;
    DELETE FROM catalogue_log WHERE version < (SELECT version - 1000 FROM catalogue_version WHERE id = 1);
END;

CREATE TRIGGER practice_themes_catalogue_insert AFTER INSERT ON practice_themes
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE catalogue_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO catalogue_log (version, practice_id) SELECT version, new.practice_id FROM catalogue_version WHERE id = 1;
    DELETE FROM catalogue_log WHERE version < (SELECT version - 1000 FROM catalogue_version WHERE id = 1);
END;

CREATE TRIGGER practice_themes_catalogue_delete AFTER DELETE ON practice_themes
WHEN (SELECT status FROM practices WHERE id = old.practice_id) = 'published' BEGIN
    UPDATE catalogue_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO catalogue_log (version, practice_id) SELECT version, old.practice_id FROM catalogue_version WHERE id = 1;
    DELETE FROM catalogue_log WHERE version < (SELECT version - 1000 FROM catalogue_version WHERE id = 1);
END;

-- What the catalogue reads of every published practice, in list order,
-- from this index alone: the rows themselves are wide (body, sheet).
CREATE INDEX practices_catalogue_idx ON practices (status, published_at DESC, id DESC, territory_code, kind, tool);
