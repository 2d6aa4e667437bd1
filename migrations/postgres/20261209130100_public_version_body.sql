-- The rendering of a body stored again (body_html and body_renderer alone:
-- store.SetBodyHTML, the background re-rendering after the renderer changed
-- or a bulk insert) is not a change the public sees: the page of a body not
-- yet rendered renders it on view. So the public version moves on an update
-- of any other column of a published practice — which the web layer's cache
-- of public pages would otherwise re-render every page for, all through the
-- re-rendering of 100,000 bodies. A new column shown to the public goes in
-- this list (both trees).
DROP TRIGGER practices_public_version_update ON practices;

CREATE CONSTRAINT TRIGGER practices_public_version_update
AFTER UPDATE OF kind, title, summary, body, territory_code, author_id, status, revision, version, experience, tool,
    created_at, updated_at, submitted_at, published_at, public_changed_at, cover, reviewed_at, review_asked_at ON practices
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.status = 'published' OR NEW.status = 'published')
EXECUTE FUNCTION public_version_bump();
