-- A practice's body is rendered once, when it is saved (issue 9): body_html
-- is the sanitised HTML of body, as rendered by the renderer's version
-- body_renderer (internal/markdown.Version). Rows of another version —
-- those below, inserted before, and any after the renderer changes — are
-- rendered again at start-up; until then their pages render them on view.
ALTER TABLE practices ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
ALTER TABLE practices ADD COLUMN body_renderer INTEGER NOT NULL DEFAULT 0;
CREATE INDEX practices_body_renderer_idx ON practices (body_renderer);
