-- PostgreSQL only: the search vector in PL/pgSQL rather than SQL.
--
-- A SQL function that cannot be inlined is planned again each time a
-- trigger calls it, and passerelle_search_vector called three more;
-- PL/pgSQL keeps its plans for the session. Writing a practice (and seeding
-- many) costs about half as much. The vector is the same as before.
CREATE OR REPLACE FUNCTION passerelle_search_vector(title text, summary text, body text, experience text, tool text)
RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    fields  text[] := ARRAY[title, summary, concat_ws(' ', body, passerelle_sheet_text(experience, tool))];
    weights "char"[] := ARRAY['A', 'B', 'C'];
    u       text;
    v       tsvector := '';
BEGIN
    FOR i IN 1..3 LOOP
        u := passerelle_unaccent(coalesce(fields[i], ''));
        v := v || setweight(to_tsvector('french', u) || to_tsvector('french', passerelle_variant_words(lower(u))), weights[i]);
    END LOOP;
    RETURN v;
END
$$;
