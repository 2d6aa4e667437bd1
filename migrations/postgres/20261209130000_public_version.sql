-- What an anonymous visitor is shown of the site — published practices,
-- their themes, audiences, attachments, history and reuses, territories,
-- themes, meetings, authors' names — has one version, bumped by triggers in
-- every transaction that changes any of it, whatever path made the change
-- (the service, the command line, another process). The web layer keys its
-- cache of rendered public pages by it (with the policy version), so that
-- the next anonymous request after a commit renders again
-- (internal/web/pagecache.go). Bumping more often than needed only costs a
-- render; missing a change would show a stale page, so the triggers are
-- broad: any change to a published practice or what hangs on it, any change
-- to territories, themes, meetings and reuses, any rename of a user.

--
-- On PostgreSQL the triggers are deferred to the commit (constraint
-- triggers), and bump once per transaction: the row is locked for the
-- commit alone, after every other lock the transaction takes, so that it
-- can neither deadlock with catalogue_version nor hold writers up.
CREATE TABLE public_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO public_version (id, version) VALUES (1, 1);

CREATE FUNCTION public_version_bump() RETURNS trigger AS $$
BEGIN
    IF current_setting('passerelle.public_version_bumped', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('passerelle.public_version_bumped', 'on', true);
    UPDATE public_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- For the rows that hang on a practice: only when the practice is
-- published at commit (a draft's changes show nowhere public).
CREATE FUNCTION public_version_bump_of_practice() RETURNS trigger AS $$
DECLARE
    pid BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        pid := OLD.practice_id;
    ELSE
        pid := NEW.practice_id;
    END IF;
    IF current_setting('passerelle.public_version_bumped', true) = 'on'
       OR NOT EXISTS (SELECT 1 FROM practices WHERE id = pid AND status = 'published') THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('passerelle.public_version_bumped', 'on', true);
    UPDATE public_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER practices_public_version_insert AFTER INSERT ON practices
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (NEW.status = 'published')
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER practices_public_version_update AFTER UPDATE ON practices
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.status = 'published' OR NEW.status = 'published')
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER practices_public_version_delete AFTER DELETE ON practices
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.status = 'published')
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER users_public_version_rename AFTER UPDATE OF name ON users
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER themes_public_version AFTER INSERT OR UPDATE OR DELETE ON themes
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER territories_public_version AFTER INSERT OR UPDATE OR DELETE ON territories
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER meetings_public_version AFTER INSERT OR UPDATE OR DELETE ON meetings
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER meeting_agenda_public_version AFTER INSERT OR UPDATE OR DELETE ON meeting_agenda
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER meeting_attachments_public_version AFTER INSERT OR UPDATE OR DELETE ON meeting_attachments
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER meeting_news_public_version AFTER INSERT OR UPDATE OR DELETE ON meeting_news
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER meeting_registrations_public_version AFTER INSERT OR UPDATE OR DELETE ON meeting_registrations
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER meeting_themes_public_version AFTER INSERT OR UPDATE OR DELETE ON meeting_themes
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER practice_reuses_public_version AFTER INSERT OR UPDATE OR DELETE ON practice_reuses
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump();

CREATE CONSTRAINT TRIGGER practice_themes_public_version AFTER INSERT OR UPDATE OR DELETE ON practice_themes
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump_of_practice();

CREATE CONSTRAINT TRIGGER practice_audiences_public_version AFTER INSERT OR UPDATE OR DELETE ON practice_audiences
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump_of_practice();

CREATE CONSTRAINT TRIGGER attachments_public_version AFTER INSERT OR UPDATE OR DELETE ON attachments
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump_of_practice();

CREATE CONSTRAINT TRIGGER practice_revisions_public_version AFTER INSERT OR UPDATE OR DELETE ON practice_revisions
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump_of_practice();

CREATE CONSTRAINT TRIGGER practice_events_public_version AFTER INSERT OR UPDATE OR DELETE ON practice_events
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION public_version_bump_of_practice();
