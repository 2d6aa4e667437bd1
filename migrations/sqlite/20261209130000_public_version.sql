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

CREATE TABLE public_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO public_version (id, version) VALUES (1, 1);

CREATE TRIGGER practices_public_version_insert AFTER INSERT ON practices
WHEN new.status = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practices_public_version_update AFTER UPDATE ON practices
WHEN old.status = 'published' OR new.status = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practices_public_version_delete AFTER DELETE ON practices
WHEN old.status = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER users_public_version_rename AFTER UPDATE OF name ON users
WHEN old.name IS NOT new.name BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER themes_public_version_insert AFTER INSERT ON themes BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER themes_public_version_update AFTER UPDATE ON themes BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER themes_public_version_delete AFTER DELETE ON themes BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER territories_public_version_insert AFTER INSERT ON territories BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER territories_public_version_update AFTER UPDATE ON territories BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER territories_public_version_delete AFTER DELETE ON territories BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meetings_public_version_insert AFTER INSERT ON meetings BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meetings_public_version_update AFTER UPDATE ON meetings BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meetings_public_version_delete AFTER DELETE ON meetings BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_agenda_public_version_insert AFTER INSERT ON meeting_agenda BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_agenda_public_version_update AFTER UPDATE ON meeting_agenda BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_agenda_public_version_delete AFTER DELETE ON meeting_agenda BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_attachments_public_version_insert AFTER INSERT ON meeting_attachments BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_attachments_public_version_update AFTER UPDATE ON meeting_attachments BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_attachments_public_version_delete AFTER DELETE ON meeting_attachments BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_news_public_version_insert AFTER INSERT ON meeting_news BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_news_public_version_update AFTER UPDATE ON meeting_news BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_news_public_version_delete AFTER DELETE ON meeting_news BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_registrations_public_version_insert AFTER INSERT ON meeting_registrations BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_registrations_public_version_update AFTER UPDATE ON meeting_registrations BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_registrations_public_version_delete AFTER DELETE ON meeting_registrations BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_themes_public_version_insert AFTER INSERT ON meeting_themes BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_themes_public_version_update AFTER UPDATE ON meeting_themes BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER meeting_themes_public_version_delete AFTER DELETE ON meeting_themes BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_reuses_public_version_insert AFTER INSERT ON practice_reuses BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_reuses_public_version_update AFTER UPDATE ON practice_reuses BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_reuses_public_version_delete AFTER DELETE ON practice_reuses BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_themes_public_version_insert AFTER INSERT ON practice_themes
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_themes_public_version_update AFTER UPDATE ON practice_themes
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_themes_public_version_delete AFTER DELETE ON practice_themes
WHEN (SELECT status FROM practices WHERE id = old.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_audiences_public_version_insert AFTER INSERT ON practice_audiences
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_audiences_public_version_update AFTER UPDATE ON practice_audiences
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_audiences_public_version_delete AFTER DELETE ON practice_audiences
WHEN (SELECT status FROM practices WHERE id = old.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER attachments_public_version_insert AFTER INSERT ON attachments
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER attachments_public_version_update AFTER UPDATE ON attachments
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER attachments_public_version_delete AFTER DELETE ON attachments
WHEN (SELECT status FROM practices WHERE id = old.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_revisions_public_version_insert AFTER INSERT ON practice_revisions
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_revisions_public_version_update AFTER UPDATE ON practice_revisions
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_revisions_public_version_delete AFTER DELETE ON practice_revisions
WHEN (SELECT status FROM practices WHERE id = old.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_events_public_version_insert AFTER INSERT ON practice_events
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_events_public_version_update AFTER UPDATE ON practice_events
WHEN (SELECT status FROM practices WHERE id = new.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER practice_events_public_version_delete AFTER DELETE ON practice_events
WHEN (SELECT status FROM practices WHERE id = old.practice_id) = 'published' BEGIN
    UPDATE public_version SET version = version + 1 WHERE id = 1;
END;
