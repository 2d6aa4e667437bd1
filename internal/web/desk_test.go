package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestLanding: after signing in without a page to go back to, a moderator
// lands on their desk, a contributor on their practices, a reader on the
// home page; a page asked for still wins.
func TestLanding(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		for _, tc := range []struct {
			who  *passerelle.User
			next string
			want string
		}{
			{who: w.NordMod, want: "/bureau"},
			{who: w.LilleAuthor, want: "/mes-fiches"},
			{who: w.Reader, want: "/"},
			{who: w.NordMod, next: "/themes", want: "/themes"},
		} {
			b := s.browser(t)
			b.post("/login", url.Values{"email": {tc.who.Email}, "password": {testenv.Password}, "next": {tc.next}}).
				expect(t, "login as "+tc.who.Email, http.StatusSeeOther, tc.want)
		}
		// The desk is the moderators'; a contributor is sent to theirs.
		b := s.browser(t)
		b.get("/bureau").expect(t, "anonymous desk", http.StatusSeeOther, "/login?next=%2Fbureau")
		b.login(w.LilleAuthor.Email, "/bureau", "/bureau")
		b.get("/bureau").expect(t, "contributor's desk", http.StatusSeeOther, "/mes-fiches")
	})
}

// TestDeskPage: the moderator's desk lists what waits in their territories
// with real durations, the menu counts it, and the sheet under review has
// its decision at the top, with shortcuts announced and the fields
// concerned flagged beside the fields, sent in the one decision form.
func TestDeskPage(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		s := newSite(t, dialect)
		w, svc := s.World, s.Service
		p, err := svc.CreatePractice(ctx, w.MoulinsAuthor, testenv.CompleteExperience("qpv-moulins", "Forum des Moulins"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		// Submitted three days ago.
		if _, err := s.DB.Bun.NewRaw("UPDATE practices SET submitted_at = ? WHERE id = ?", store.Now().AddDate(0, 0, -3), p.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		mod := s.browser(t)
		mod.login(w.NordMod.Email, "/bureau", "/bureau")
		res := mod.get("/bureau").expect(t, "desk", http.StatusOK)
		res.contains(t, "desk", "<h1>Mon bureau de modération</h1>", "Forum des Moulins", "En attente depuis 3 jours",
			`href="/bureau" aria-current="page"`, `<span class="count desk-count" aria-hidden="true">1</span>`,
			"En attente d’un relecteur")
		res.lacks(t, "desk", "il y a")

		// The Pas-de-Calais moderator sees nothing of it, nor a count.
		pas := s.browser(t)
		pas.login(w.PasMod.Email, "/bureau", "/bureau")
		pas.get("/bureau").expect(t, "other desk", http.StatusOK).lacks(t, "other desk", "Forum des Moulins", "desk-count")

		// The sheet: the decision first, the shortcuts announced, the flags.
		sheet := mod.get("/fiches/"+idString(p.ID)).expect(t, "sheet", http.StatusOK)
		body := sheet.Body
		form, lead := strings.Index(body, `id="decision-form"`), strings.Index(body, `class="lead"`)
		if form < 0 || lead < 0 || form > lead {
			t.Errorf("the decision form is not at the top of the sheet (%d, %d)", form, lead)
		}
		sheet.contains(t, "sheet", `aria-keyshortcuts="Alt+Shift+A"`, `aria-keyshortcuts="Alt+Shift+M"`, `aria-keyshortcuts="Alt+Shift+P"`,
			`id="shortcut-hint"`, `form="decision-form" name="fields" value="experience.results"`)
		if strings.Count(body, `action="/fiches/`+idString(p.ID)+`/decision"`) != 1 {
			t.Error("not exactly one decision form")
		}

		// Flags beside the fields go with the decision.
		mod.post("/fiches/"+idString(p.ID)+"/decision", url.Values{"decision": {"request_changes"}, "comment": {"Des chiffres ?"},
			"fields": {"experience.results", "summary"}, "version": {"1"}}).expect(t, "decide", http.StatusSeeOther)
		events, err := store.ListEvents(ctx, s.DB.Bun, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		if last.Action != passerelle.ActionRequestChanges || !slices.Equal(last.Fields, []string{"summary", "experience.results"}) {
			t.Errorf("decision recorded as %s on %v", last.Action, last.Fields)
		}
		mod.get("/bureau").expect(t, "desk after", http.StatusOK).lacks(t, "desk after", "Forum des Moulins", "desk-count")
	})
}
