package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

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
