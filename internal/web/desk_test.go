package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

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
		// The charts, drawn on the server, each with its table.
		res.contains(t, "desk charts", `<svg class="chart"`, `role="img" aria-labelledby="chart-months-title chart-months-desc"`,
			"Soumissions et publications par mois", "Attente médiane d’une décision, par territoire", "Fiches publiées par thème",
			"Fiches publiées par niveau de territoire", `<caption id="chart-months-table">`)
		admin := s.browser(t)
		admin.login(w.Admin.Email, "/admin/chiffres", "/admin/chiffres")
		admin.get("/admin/chiffres").expect(t, "figures", http.StatusOK).contains(t, "figures", "<h1>Chiffres de la plateforme</h1>",
			`<svg class="chart"`, `href="/admin/chiffres" aria-current="page"`)
		mod.get("/admin/chiffres").expect(t, "figures for a moderator", http.StatusForbidden)

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

// TestFreshnessPages: a published sheet says "publiée le … · vérifiée le
// …"; once its author was asked (past the review period) it reads "à
// actualiser" on the sheet, on the cards and in the API (review_due) until
// its author confirms it from the sheet; an anonymous visitor who tries is
// sent to sign in and back to the sheet.
func TestFreshnessPages(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		s := newSite(t, dialect)
		w, svc := s.World, s.Service
		p, err := svc.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Forum de Lille"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Decide(ctx, w.NordMod, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		sheet := "/fiches/" + idString(p.ID)
		anon := s.browser(t)
		anon.get(sheet).expect(t, "fresh sheet", http.StatusOK).contains(t, "fresh sheet", "Publiée le", "vérifiée le")
		anon.get(sheet).lacks(t, "fresh sheet", "À actualiser")

		published := store.Now().AddDate(-3, 0, 0)
		if err := store.BackdatePublication(ctx, s.DB.Bun, p.ID, published); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB.Bun.NewRaw("UPDATE practices SET review_asked_at = ? WHERE id = ?", store.Now(), p.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		anon.get(sheet).expect(t, "stale sheet", http.StatusOK).contains(t, "stale sheet", "À actualiser",
			`<time datetime="`+published.In(parisTZ(t)).Format("2006-01-02")+`"`)
		anon.get(sheet).lacks(t, "stale sheet", `action="`+sheet+`/verifiee"`)
		anon.get("/territoires/59350").expect(t, "territory", http.StatusOK).contains(t, "territory", "À actualiser")
		if body := anon.get("/api/v1/practices/"+idString(p.ID)).expect(t, "api", http.StatusOK).Body; !strings.Contains(body, `"review_due":true`) {
			t.Errorf("API: %s", body)
		}
		anon.post(sheet+"/verifiee", nil).expect(t, "anonymous confirms", http.StatusSeeOther, "/login?next="+url.QueryEscape(sheet))

		author := s.browser(t)
		author.login(w.LilleAuthor.Email, sheet, sheet)
		author.get(sheet).expect(t, "author's sheet", http.StatusOK).contains(t, "author's sheet", `action="`+sheet+`/verifiee"`,
			"Confirmer que la fiche est à jour")
		author.post(sheet+"/verifiee", nil).expect(t, "confirm", http.StatusSeeOther, sheet)
		res := anon.get(sheet).expect(t, "confirmed sheet", http.StatusOK)
		res.lacks(t, "confirmed sheet", "À actualiser")
		res.contains(t, "confirmed sheet", "Fiche confirmée à jour")
		if body := anon.get("/api/v1/practices/" + idString(p.ID)).Body; !strings.Contains(body, `"review_due":false`) {
			t.Errorf("API after confirming: %s", body)
		}
	})
}

func parisTZ(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestFollow: one "Suivre ce territoire" button (no drop-down), the
// frequency chosen after the click; an anonymous visitor's choice goes
// through the login form (in its safe next) and comes back to the
// territory's page with the follow done.
func TestFollow(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		s := newSite(t, dialect)
		w, svc := s.World, s.Service
		anon := s.browser(t)
		res := anon.get("/territoires/59").expect(t, "territory", http.StatusOK)
		res.contains(t, "territory", `href="/suivre?territory=59"`, "Suivre ce territoire")
		res.lacks(t, "territory", `id="follow-frequency"`, "<select")
		anon.get("/themes/emploi").expect(t, "theme", http.StatusOK).contains(t, "theme", `href="/suivre?theme=emploi"`, "Suivre ce thème")
		anon.get("/suivre?territory=59").expect(t, "follow page", http.StatusOK).
			contains(t, "follow page", `value="daily"`, `value="weekly" checked`, "Se connecter pour suivre", "Suivre le territoire «\u00a0Nord\u00a0»")
		anon.get("/suivre?territory=nowhere").expect(t, "unknown territory", http.StatusNotFound)

		next := "/suivre?frequency=daily&territory=59"
		anon.post("/suivre", url.Values{"territory": {"59"}, "frequency": {"daily"}}).
			expect(t, "anonymous follows", http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		anon.get("/login?next="+url.QueryEscape(next)).expect(t, "login", http.StatusOK).
			contains(t, "login", `name="next" value="`+strings.ReplaceAll(next, "&", "&amp;")+`"`)
		anon.login(w.Reader.Email, next, "/territoires/59")
		subs, err := svc.Subscriptions(ctx, w.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) != 1 || subs[0].Territory != "59" || subs[0].Frequency != passerelle.FrequencyDaily {
			t.Fatalf("after signing in: %+v, want the Nord, daily", subs)
		}
		anon.get("/territoires/59").contains(t, "back on the territory", "vous serez prévenu")

		// Signed in: the same form, straight to the page; twice is no error.
		anon.get("/suivre?territory=59").contains(t, "follow page signed in", "Vous le suivez déjà", "Récapitulatif quotidien")
		anon.post("/suivre", url.Values{"territory": {"59"}, "frequency": {"daily"}}).expect(t, "again", http.StatusSeeOther, "/territoires/59")
		anon.post("/suivre", url.Values{"theme": {"emploi"}, "frequency": {"instant"}}).expect(t, "theme", http.StatusSeeOther, "/themes/emploi")
		anon.post("/suivre", url.Values{"theme": {"emploi"}, "frequency": {"hourly"}}).expect(t, "bad frequency", http.StatusBadRequest).
			contains(t, "bad frequency", `role="alert"`)
		if subs, _ = svc.Subscriptions(ctx, w.Reader); len(subs) != 2 {
			t.Errorf("subscriptions %+v, want the Nord and Emploi", subs)
		}
	})
}
