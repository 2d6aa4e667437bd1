-- French full-text search, and what the list filters and facets need.

-- unaccent is installed once per database (it is a trusted extension: the
-- database owner may create it). It goes into the public schema, whatever
-- the search_path, so that dropping an application schema never drops it
-- from under another; passerelle_unaccent calls it there by its full name.
-- to_tsvector needs an immutable function, which unaccent(text) is not (it
-- looks its dictionary up through the search_path), hence the wrapper.
DO $migration$
DECLARE
    ext_schema text;
BEGIN
    SELECT n.nspname INTO ext_schema
    FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
    WHERE e.extname = 'unaccent';
    IF ext_schema IS NULL THEN
        CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
        ext_schema := 'public';
    END IF;
    EXECUTE format(
        $f$CREATE FUNCTION passerelle_unaccent(text) RETURNS text
           LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
           AS $body$ SELECT %1$I.unaccent(%2$L::regdictionary, $1) $body$$f$,
        ext_schema, quote_ident(ext_schema) || '.unaccent');
END
$migration$;

-- The words of a sheet that are worth finding: the fields of an experience
-- report, the audience and duration of a tool, and its format in French.
CREATE FUNCTION passerelle_sheet_text(experience text, tool text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT concat_ws(' ',
        j.e ->> 'context', j.e ->> 'actions', j.e ->> 'results', j.e ->> 'lessons',
        (SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(
            CASE WHEN jsonb_typeof(j.e -> 'partners') = 'array' THEN j.e -> 'partners' END) AS v),
        (SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(
            CASE WHEN jsonb_typeof(j.t -> 'audience') = 'array' THEN j.t -> 'audience' END) AS v),
        j.t ->> 'duration',
        CASE j.t ->> 'format'
            WHEN 'kit' THEN 'kit mallette' WHEN 'game' THEN 'jeu' WHEN 'guide' THEN 'guide'
            WHEN 'video' THEN 'vidéo' WHEN 'training' THEN 'formation' END)
    FROM (SELECT experience::jsonb AS e, tool::jsonb AS t) AS j
$$;

-- The other forms of the words of a text (unaccented, lower case) that a
-- reader may mean and that the french stemmer, which expects accents, does
-- not bring together once they are gone: "diplomee(s)" also stands for
-- "diplome(s)", a verb in "-ent" ("rencontrent") also for its root. Queries
-- apply the same rules (internal/search.Variants) and match any form.
CREATE FUNCTION passerelle_variant_words(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT concat_ws(' ',
        (SELECT string_agg(m[1] || 'es', ' ') FROM regexp_matches(t, '\m([[:alnum:]]{2,})ees\M', 'g') AS m),
        (SELECT string_agg(m[1] || 'e', ' ') FROM regexp_matches(t, '\m([[:alnum:]]{2,})ee\M', 'g') AS m),
        (SELECT string_agg(m[1], ' ') FROM regexp_matches(t, '\m([a-z0-9]{4,})ent\M', 'g') AS m))
$$;

-- The words of a text for the french configuration: unaccented, then
-- stemmed, with their variants after them.
CREATE FUNCTION passerelle_french_vector(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('french', u) || to_tsvector('french', passerelle_variant_words(lower(u)))
    FROM (SELECT passerelle_unaccent(coalesce(t, '')) AS u) AS x
$$;

-- Title weighs most (A), then the summary (B), then the body and the sheet
-- (C). The text is unaccented before the french configuration stems it, on
-- both sides of the match, so "egalite" finds "égalité".
CREATE FUNCTION passerelle_search_vector(title text, summary text, body text, experience text, tool text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(passerelle_french_vector(title), 'A')
        || setweight(passerelle_french_vector(summary), 'B')
        || setweight(passerelle_french_vector(concat_ws(' ', body, passerelle_sheet_text(experience, tool))), 'C')
$$;

-- The search vector of every practice (lists filter by status), kept by the
-- trigger below. It lives beside practices rather than in it so that the
-- rows every list reads stay narrow.
CREATE TABLE practice_search (
    practice_id BIGINT PRIMARY KEY REFERENCES practices (id) ON DELETE CASCADE,
    search      tsvector NOT NULL
);

-- The audiences of a teaching tool, lower case and unaccented, for the
-- audience filter.
CREATE TABLE practice_audiences (
    practice_id BIGINT NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    audience    TEXT NOT NULL,
    PRIMARY KEY (practice_id, audience)
);
CREATE INDEX practice_audiences_audience_idx ON practice_audiences (audience, practice_id);

CREATE FUNCTION practices_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO practice_search (practice_id, search)
    VALUES (NEW.id, passerelle_search_vector(NEW.title, NEW.summary, NEW.body, NEW.experience, NEW.tool))
    ON CONFLICT (practice_id) DO UPDATE SET search = EXCLUDED.search;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM practice_audiences WHERE practice_id = NEW.id;
    END IF;
    INSERT INTO practice_audiences (practice_id, audience)
    SELECT DISTINCT NEW.id, lower(passerelle_unaccent(a))
    FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(NEW.tool::jsonb -> 'audience') = 'array'
                                        THEN NEW.tool::jsonb -> 'audience' END) AS a;
    RETURN NULL;
END
$$;

CREATE TRIGGER practices_search_sync
    AFTER INSERT OR UPDATE OF title, summary, body, experience, tool ON practices
    FOR EACH ROW EXECUTE FUNCTION practices_search_sync();

INSERT INTO practice_search (practice_id, search)
SELECT id, passerelle_search_vector(title, summary, body, experience, tool) FROM practices;
INSERT INTO practice_audiences (practice_id, audience)
SELECT DISTINCT p.id, lower(passerelle_unaccent(a))
FROM practices AS p, jsonb_array_elements_text(
    CASE WHEN jsonb_typeof(p.tool::jsonb -> 'audience') = 'array' THEN p.tool::jsonb -> 'audience' END) AS a;

CREATE INDEX practice_search_idx ON practice_search USING gin (search);

-- Public lists keep in memory, in each process, what they filter, sort and
-- count published practices by (internal/store/catalogue.go). Every
-- statement that changes what a list can see bumps catalogue_version and
-- records the practices it changed in catalogue_log under the new version,
-- so that a process catches up by reading only what changed since the
-- version it holds (or everything, when it is more than the last 1,000
-- versions behind). The version row is locked until the writing
-- transaction ends: versions become visible in the order they were taken,
-- so a reader that sees version n sees every change up to n.
CREATE TABLE catalogue_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 1);

CREATE TABLE catalogue_log (
    version     BIGINT NOT NULL,
    practice_id BIGINT NOT NULL,
    PRIMARY KEY (version, practice_id)
);

CREATE FUNCTION catalogue_note(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    UPDATE catalogue_version SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
    INSERT INTO catalogue_log (version, practice_id) SELECT DISTINCT v, unnest(ids);
    DELETE FROM catalogue_log WHERE version < v - 1000;
END
$$;

CREATE FUNCTION practices_catalogue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalogue_note(ARRAY(SELECT id FROM new_rows WHERE status = 'published'));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM catalogue_note(ARRAY(
            SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
            WHERE (o.status = 'published' OR n.status = 'published')
              AND (o.status, o.territory_code, o.kind, o.tool, o.published_at)
                  IS DISTINCT FROM (n.status, n.territory_code, n.kind, n.tool, n.published_at)));
    ELSE
        PERFORM catalogue_note(ARRAY(SELECT id FROM old_rows WHERE status = 'published'));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER practices_catalogue_insert AFTER INSERT ON practices
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION practices_catalogue();
CREATE TRIGGER practices_catalogue_update AFTER UPDATE ON practices
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION practices_catalogue();
CREATE TRIGGER practices_catalogue_delete AFTER DELETE ON practices
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION practices_catalogue();

CREATE FUNCTION practice_themes_catalogue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalogue_note(ARRAY(
            SELECT DISTINCT r.practice_id FROM new_rows AS r JOIN practices AS p ON p.id = r.practice_id
            WHERE p.status = 'published'));
    ELSE
        PERFORM catalogue_note(ARRAY(
            SELECT DISTINCT r.practice_id FROM old_rows AS r JOIN practices AS p ON p.id = r.practice_id
            WHERE p.status = 'published'));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER practice_themes_catalogue_insert AFTER INSERT ON practice_themes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION practice_themes_catalogue();
CREATE TRIGGER practice_themes_catalogue_delete AFTER DELETE ON practice_themes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION practice_themes_catalogue();

-- What the catalogue reads of every published practice, in list order,
-- from this index alone (an index-only scan): the rows themselves are wide.
CREATE INDEX practices_catalogue_idx ON practices (status, published_at DESC, id DESC)
    INCLUDE (territory_code, kind, tool);
