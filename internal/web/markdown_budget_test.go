package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/markdown"
	"github.com/passerelle/passerelle/internal/testenv"
)

// A body whose Markdown would cost more than the renderer's budget is
// refused when saved — 400 validation_failed naming the field through the
// API, a French message beside it in the form, what was typed kept — and a
// body within it is saved.
func TestMarkdownBudgetAtSave(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		api := s.api(t, "moulins@example.org")
		fieldsOf := func(r *response) map[string]string {
			t.Helper()
			var e struct {
				Error struct {
					Code   string            `json:"code"`
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(r.Body), &e); err != nil || e.Error.Code != "validation_failed" {
				t.Fatalf("want validation_failed: %s", r.Body)
			}
			return e.Error.Fields
		}
		nested := strings.Repeat(">", 50_000)
		unclosed := strings.Repeat("[a](", 1000) + strings.Repeat("x", 50_000)

		// Through the API: on creation and on an edit.
		r := api.call(http.MethodPost, "/api/v1/practices", map[string]any{"title": "Citations", "body": nested}, http.StatusBadRequest, nil)
		if f := fieldsOf(r); f["body"] != "too_complex" {
			t.Errorf("creation: fields %v, want body: too_complex", f)
		}
		var p struct {
			ID string `json:"id"`
		}
		api.call(http.MethodPost, "/api/v1/practices", map[string]any{"title": "Liens", "body": "Des [liens](https://example.org/)."}, http.StatusCreated, &p)
		r = api.call(http.MethodPatch, "/api/v1/practices/"+p.ID, map[string]any{"body": unclosed}, http.StatusBadRequest, nil)
		if f := fieldsOf(r); f["body"] != "too_complex" {
			t.Errorf("edit: fields %v, want body: too_complex", f)
		}

		// Through the form.
		b := s.browser(t)
		b.login("moulins@example.org", "", "/")
		form := completeForm("Forum aux crochets")
		form.Set("body", unclosed)
		res := b.post("/fiches/nouvelle", form).expect(t, "a body beyond the budget", http.StatusBadRequest)
		if got := res.fieldError("body"); !strings.Contains(got, "trop complexe à mettre en forme") {
			t.Errorf("body's error: %q", got)
		}
		if !strings.Contains(res.Body, strings.Repeat("[a](", 100)) {
			t.Error("the form lost what was typed")
		}
		form.Set("body", "## Le forum\n\n"+strings.Repeat("Des **entreprises** et des [habitants](https://example.org/). ", 500))
		b.post("/fiches/nouvelle", form).expect(t, "a body within the budget", http.StatusSeeOther)

		// A meeting's description, the same way.
		nord := s.api(t, "nord.mod@example.org")
		day := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
		r = nord.call(http.MethodPost, "/api/v1/meetings", map[string]any{"title": "Rencontre", "territory": "59", "themes": []string{"emploi"},
			"starts_at": day + "T09:30", "ends_at": day + "T12:00", "place": "Lille", "description": nested}, http.StatusBadRequest, nil)
		if f := fieldsOf(r); f["description"] != "too_complex" {
			t.Errorf("meeting: fields %v, want description: too_complex", f)
		}
	})
}

// A body is rendered once, when saved: the page shows the stored HTML
// without rendering it again; a body the current renderer did not render
// (stored before, or loaded in bulk) is rendered on view until
// RenderStaleBodies stores it — as plain text when it is beyond the budget.
func TestBodyRenderedOnce(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		s := newSite(t, dialect)
		w := s.World
		in := testenv.CompleteExperience("59350", "Forum de l'emploi")
		body := "## Le forum\n\nDes **entreprises** rencontrent des habitants."
		in.Body = &body
		p, err := s.Service.CreatePractice(ctx, w.LilleAuthor, in)
		if err != nil {
			t.Fatal(err)
		}
		if p.BodyRenderer != markdown.Version || !strings.Contains(p.BodyHTML, "<strong>entreprises</strong>") {
			t.Fatalf("stored rendering: version %d, %q", p.BodyRenderer, p.BodyHTML)
		}
		page := func() string {
			b := s.browser(t)
			b.login(w.LilleAuthor.Email, "", "/")
			return b.get("/fiches/"+idOf(p)).expect(t, "the page", http.StatusOK).Body
		}
		// The page shows what is stored, not a new rendering of the body.
		set := func(html string, version int) {
			t.Helper()
			if _, err := s.DB.Bun.NewRaw("UPDATE practices SET body_html = ?, body_renderer = ? WHERE id = ?", html, version, p.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		set("<p>rendu enregistré</p>", markdown.Version)
		if got := page(); !strings.Contains(got, "rendu enregistré") || strings.Contains(got, "<strong>entreprises</strong>") {
			t.Error("the page does not show the stored rendering")
		}
		// Rendered by another version: rendered on view, then again by
		// RenderStaleBodies.
		set("<p>rendu ancien</p>", markdown.Version-1)
		if got := page(); strings.Contains(got, "rendu ancien") || !strings.Contains(got, "<strong>entreprises</strong>") {
			t.Error("a body rendered by another version is not rendered on view")
		}
		// A body stored before the budget, beyond it.
		slow := strings.Repeat(">", 50_000)
		if _, err := s.DB.Bun.NewRaw("UPDATE practices SET body = ? WHERE id = ?", slow, p.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := s.Service.RenderStaleBodies(ctx)
		if err != nil || n != 1 {
			t.Fatalf("RenderStaleBodies: %d, %v; want 1", n, err)
		}
		got, err := s.Service.Practice(ctx, w.LilleAuthor, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.BodyRenderer != markdown.Version || strings.Contains(got.BodyHTML, "<blockquote") || !strings.HasPrefix(got.BodyHTML, "<p>&gt;&gt;&gt;") {
			t.Errorf("a body beyond the budget is stored as %.100q (version %d), want plain text", got.BodyHTML, got.BodyRenderer)
		}
		if n, err := s.Service.RenderStaleBodies(ctx); err != nil || n != 0 {
			t.Errorf("RenderStaleBodies again: %d, %v; want 0", n, err)
		}
	})
}
