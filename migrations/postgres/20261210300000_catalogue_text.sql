-- The text of a published practice is part of the catalogue: the public
-- search answers from an index of the texts held beside it
-- (internal/store/textindex.go), which follows the practices logged in
-- catalogue_log. A change of the title, the summary, the body or the
-- experience report of a published practice therefore bumps
-- catalogue_version and logs the practice, as a change of its filters did
-- (an approved update that changed only the text was not logged).
CREATE OR REPLACE FUNCTION practices_catalogue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM catalogue_note(ARRAY(SELECT id FROM new_rows WHERE status = 'published'));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM catalogue_note(ARRAY(
            SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
            WHERE (o.status = 'published' OR n.status = 'published')
              AND (o.status, o.territory_code, o.kind, o.tool, o.published_at, o.title, o.summary, o.body, o.experience)
                  IS DISTINCT FROM (n.status, n.territory_code, n.kind, n.tool, n.published_at, n.title, n.summary, n.body, n.experience)));
    ELSE
        PERFORM catalogue_note(ARRAY(SELECT id FROM old_rows WHERE status = 'published'));
    END IF;
    RETURN NULL;
END
$$;
