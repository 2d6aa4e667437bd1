package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
	"github.com/passerelle/passerelle/internal/view"
	"github.com/passerelle/passerelle/internal/web"
)

// site is the whole application on a fresh database, served over HTTP.
type site struct {
	*testenv.Bundle
	World *testenv.World
	URL   string
	cat   *view.Catalog
}

func newSite(t *testing.T, dialect string) *site {
	t.Helper()
	b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
	w := testenv.NewWorld(t, b)
	engine, cat := newEngine(t, true)
	logger := quietLogger()
	srv := httptest.NewServer(testenv.CheckAPI(t, web.New(b.Service, engine, web.Options{BaseURL: "http://passerelle.test", Dialect: dialect, Logger: logger})))
	t.Cleanup(srv.Close)
	return &site{Bundle: b, World: w, URL: srv.URL, cat: cat}
}

// browser is one visitor: a cookie jar, and redirects left for the test to
// see.
type browser struct {
	t    *testing.T
	site *site
	c    *http.Client
}

func (s *site) browser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, site: s, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is an answer, its body read.
type response struct {
	Status int
	Header http.Header
	Body   string
}

func (r *response) Location() string { return r.Header.Get("Location") }

func (b *browser) do(req *http.Request) *response {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

// get fetches path; headers are name/value pairs.
func (b *browser) get(path string, headers ...string) *response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.site.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// post sends form to path as a browser form post would.
func (b *browser) post(path string, form url.Values, headers ...string) *response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.site.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// expect fails the test unless the answer has status (and, for a redirect,
// goes to location).
func (r *response) expect(t *testing.T, what string, status int, location ...string) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d\n%.3000s", what, r.Status, status, r.Body)
	}
	if len(location) > 0 && r.Location() != location[0] {
		t.Fatalf("%s: Location %q, want %q", what, r.Location(), location[0])
	}
	return r
}

// contains fails the test unless the body holds every one of want.
func (r *response) contains(t *testing.T, what string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.Body, w) {
			t.Errorf("%s: page lacks %q\n%.4000s", what, w, r.Body)
		}
	}
}

func (r *response) lacks(t *testing.T, what string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(r.Body, u) {
			t.Errorf("%s: page shows %q", what, u)
		}
	}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// fieldError returns the text of the error shown next to an input.
func (r *response) fieldError(field string) string {
	m := regexp.MustCompile(`(?s)<p class="field-error" id="` + regexp.QuoteMeta(field) + `-error">(.*?)</p>`).FindStringSubmatch(r.Body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(m[1], "")))
}

// value returns what an input or textarea holds.
func (r *response) value(name string) string {
	q := regexp.QuoteMeta(name)
	if m := regexp.MustCompile(`<input[^>]* name="` + q + `" value="([^"]*)"`).FindStringSubmatch(r.Body); m != nil {
		return html.UnescapeString(m[1])
	}
	if m := regexp.MustCompile(`(?s)<textarea[^>]* name="` + q + `"[^>]*>\n?(.*?)</textarea>`).FindStringSubmatch(r.Body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

var actionRE = regexp.MustCompile(`action="/fiches/(\d+)/modifier"`)

// login signs in through the form and checks where it leads.
// login signs in; without next, "/" stands for wherever the account lands
// (service.Landing: the desk, one's practices or the home page), which
// TestLanding checks.
func (b *browser) login(email, next, wantLocation string) {
	b.t.Helper()
	r := b.post("/login", url.Values{"email": {email}, "password": {testenv.Password}, "next": {next}})
	if wantLocation == "/" {
		r.expect(b.t, "login as "+email, http.StatusSeeOther)
		if l := r.Location(); l != "/" && l != "/bureau" && l != "/mes-fiches" {
			b.t.Fatalf("login as %s: Location %q, want a landing page", email, l)
		}
		return
	}
	r.expect(b.t, "login as "+email, http.StatusSeeOther, wantLocation)
}

func sessionCookie(t *testing.T, b *browser) *http.Cookie {
	u, _ := url.Parse(b.site.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "passerelle_session" {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func completeForm(title string) url.Values {
	return url.Values{
		"kind": {"experience"}, "title": {title},
		"summary":   {"Un forum de recrutement avec CV anonymes."},
		"body":      {"# Le forum\n\nDes **entreprises** rencontrent les habitants.\n\n<script>alert(1)</script>"},
		"territory": {"qpv-moulins"}, "themes": {"emploi", "education"},
		"context": {"Chômage élevé des jeunes."}, "actions": {"Un forum par an."},
		"results": {"42 embauches."}, "partners": {"Mission locale, France Travail\nCentre social"},
		"started_on": {"2024-01-15"}, "ended_on": {"2024-06-30"},
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // room for a busy machine under -race
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPagesCoreLoop: a contributor writes a practice through the forms, a
// moderator reviews it through the pages, and it shows on the public pages.
func TestPagesCoreLoop(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		title := "Forum <emploi> des Moulins"

		// Anonymous on a page that needs an account: off to the login form,
		// to come back afterwards.
		author := s.browser(t)
		author.get("/fiches/nouvelle").expect(t, "anonymous new practice", http.StatusSeeOther, "/login?next=%2Ffiches%2Fnouvelle")
		author.get("/login?next=%2Ffiches%2Fnouvelle").expect(t, "login page", http.StatusOK).
			contains(t, "login page", `name="next" value="/fiches/nouvelle"`)

		res := author.post("/login", url.Values{"email": {w.MoulinsAuthor.Email}, "password": {"wrong password!"}, "next": {"/fiches/nouvelle"}})
		res.expect(t, "wrong password", http.StatusUnauthorized)
		res.contains(t, "wrong password", "Adresse électronique ou mot de passe incorrect.", `role="alert"`)
		if got := res.value("email"); got != w.MoulinsAuthor.Email {
			t.Errorf("e-mail after a failed login = %q", got)
		}
		author.login(w.MoulinsAuthor.Email, "/fiches/nouvelle", "/fiches/nouvelle")

		res = author.get("/fiches/nouvelle").expect(t, "new practice form", http.StatusOK)
		res.contains(t, "new practice form", `<option value="qpv-moulins"`, "Vous êtes connecté·e.", "Moussa Moulins", `href="/mes-fiches"`)
		res.lacks(t, "new practice form", `<option value="59512"`, `<option value="59350"`, `href="/relecture"`)

		// Nothing is saved without a title; what was typed stays.
		form := url.Values{"kind": {"experience"}, "summary": {"Résumé tapé"}, "territory": {"qpv-moulins"}, "action": {"save"}}
		res = author.post("/fiches/nouvelle", form).expect(t, "no title", http.StatusBadRequest)
		if got := res.fieldError("title"); got != "Erreur\u00a0: Saisissez un titre." {
			t.Errorf("title error = %q", got)
		}
		if got := res.value("summary"); got != "Résumé tapé" {
			t.Errorf("summary after refusal = %q", got)
		}
		res.contains(t, "no title", `<title>Erreur`, `<a href="#title">Saisissez un titre.</a>`, `aria-describedby="title-error"`)
		if actionRE.MatchString(res.Body) {
			t.Error("a draft was saved without a title")
		}

		// "Save and submit" with only a title: the draft is saved, the
		// submission refused, the missing fields named next to their inputs.
		form = url.Values{"kind": {"experience"}, "title": {title}, "territory": {"qpv-moulins"}, "action": {"submit"}}
		res = author.post("/fiches/nouvelle", form).expect(t, "incomplete submission", http.StatusBadRequest)
		if got := res.value("title"); got != title {
			t.Errorf("title after refusal = %q, want %q", got, title)
		}
		for field, want := range map[string]string{
			"summary": "Renseignez le champ «\u00a0Résumé\u00a0».",
			"themes":  "Choisissez au moins un thème.",
			"context": "Renseignez le champ «\u00a0Contexte\u00a0».",
			"results": "Renseignez le champ «\u00a0Résultats\u00a0».",
		} {
			if got := res.fieldError(field); !strings.HasSuffix(got, want) {
				t.Errorf("%s error = %q, want %q", field, got, want)
			}
		}
		res.contains(t, "incomplete submission", `<div class="flash" role="status"><p>Votre brouillon est enregistré`, "6 erreurs à corriger")
		m := actionRE.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("the refused submission does not show the draft's edit form:\n%s", res.Body)
		}
		id := m[1]
		practice := "/fiches/" + id

		// Completed and submitted from the edit form.
		form = completeForm(title)
		form.Set("version", res.value("version"))
		form.Set("action", "submit")
		author.post(practice+"/modifier", form).expect(t, "submit", http.StatusSeeOther, practice)
		res = author.get(practice).expect(t, "submitted practice", http.StatusOK)
		res.contains(t, "submitted practice", "Votre fiche est soumise à la relecture.", "En relecture",
			"<h2>Le forum</h2>", "<strong>entreprises</strong>", "<li>Mission locale</li>", "<li>France Travail</li>", "<li>Centre social</li>",
			"Moussa Moulins a soumis la fiche à la relecture")
		res.lacks(t, "submitted practice", "<script>alert", "<h1>Le forum", `action="`+practice+`/decision"`)
		author.get(practice+"/modifier").expect(t, "edit while submitted", http.StatusConflict)

		// Not for a contributor elsewhere, nor for readers.
		roubaix := s.browser(t)
		roubaix.login(w.RoubaixAuthor.Email, "", "/")
		roubaix.get(practice).expect(t, "Roubaix on the Moulins draft", http.StatusNotFound).
			contains(t, "404", "Erreur 404", "Cette page n’existe pas")
		roubaix.get("/relecture").expect(t, "queue for a contributor", http.StatusForbidden)
		s.browser(t).get(practice).expect(t, "anonymous on the draft", http.StatusNotFound)

		// The moderator of Nord finds it in the queue and decides.
		mod := s.browser(t)
		mod.login(w.NordMod.Email, "/relecture", "/relecture")
		res = mod.get("/relecture").expect(t, "queue", http.StatusOK)
		res.contains(t, "queue", html.EscapeString(title), `href="`+practice+`"`)
		mod.get(practice).expect(t, "practice for the moderator", http.StatusOK).
			contains(t, "practice for the moderator", `action="`+practice+`/decision"`)

		res = mod.post(practice+"/decision", url.Values{"decision": {"request_changes"}, "comment": {"  "}})
		res.expect(t, "request changes without a comment", http.StatusBadRequest)
		if got := res.fieldError("comment"); !strings.Contains(got, "un commentaire est obligatoire") {
			t.Errorf("comment error = %q", got)
		}
		res.contains(t, "refused decision", `value="request_changes" checked`, `role="alert"`)

		mod.post(practice+"/decision", url.Values{"decision": {"approve"}, "comment": {"Bravo"}}).
			expect(t, "approve", http.StatusSeeOther, "/bureau")
		mod.get("/relecture").expect(t, "queue after approval", http.StatusOK).
			contains(t, "queue after approval", "La fiche est publiée.", "Aucune fiche n’attend de relecture.")
		mod.post(practice+"/decision", url.Values{"decision": {"reject"}, "comment": {"Trop tard"}}).
			expect(t, "second decision", http.StatusConflict)

		// Public now: its territory and every territory above list it.
		reader := s.browser(t)
		for _, path := range []string{"/territoires/qpv-moulins", "/territoires/59", "/territoires/32", "/", practice} {
			reader.get(path).expect(t, path, http.StatusOK).contains(t, path, html.EscapeString(title))
		}
		reader.get("/territoires/59").contains(t, "Nord", `<a href="/territoires/32">Hauts-de-France</a>`,
			`<a href="/territoires/59350">Lille</a>`, "1 fiche publiée pour Nord")
		reader.get("/territoires/62").lacks(t, "Pas-de-Calais", html.EscapeString(title))
		reader.get("/territoires/nulle-part").expect(t, "unknown territory", http.StatusNotFound)
		reader.get("/territoires/59?page=zero").expect(t, "bad page number", http.StatusBadRequest)

		// The author is told, and reads the moderator's comment.
		waitFor(t, "the author's notification", func() bool {
			items, _, err := s.Service.Notifications(context.Background(), w.MoulinsAuthor)
			return err == nil && len(items) == 1
		})
		res = author.get("/notifications").expect(t, "notifications", http.StatusOK)
		res.contains(t, "notifications", `href="`+practice+`"`, "Non lue", `action="/notifications/lues"`)
		author.post("/notifications/lues", nil).expect(t, "mark read", http.StatusSeeOther, "/notifications")
		author.get("/notifications").lacks(t, "notifications read", "Non lue", `action="/notifications/lues"`)
		author.get("/mes-fiches").expect(t, "my practices", http.StatusOK).
			contains(t, "my practices", html.EscapeString(title), "Publiée", "Bravo")
		author.get(practice).contains(t, "author's view", "Commentaire de la modération", "Bravo")
	})
}

func TestPagesLogout(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		b := s.browser(t)
		b.login(s.World.LilleAuthor.Email, "/mes-fiches", "/mes-fiches")
		b.get("/mes-fiches").expect(t, "signed in", http.StatusOK)
		old := sessionCookie(t, b)

		b.post("/logout", nil).expect(t, "logout", http.StatusSeeOther, "/")
		b.get("/").expect(t, "home after logout", http.StatusOK).
			contains(t, "home after logout", "Vous êtes déconnecté·e.", `href="/login?next=%2f"`)

		// The old cookie, replayed, is worth nothing: the session is gone
		// server-side.
		replay := s.browser(t)
		u, _ := url.Parse(s.URL)
		replay.c.Jar.SetCookies(u, []*http.Cookie{{Name: old.Name, Value: old.Value, Path: "/"}})
		replay.get("/mes-fiches").expect(t, "old cookie", http.StatusSeeOther, "/login?next=%2Fmes-fiches")
	})
}

func TestPagesLoginSecurity(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		email := s.World.LilleAuthor.Email

		// A cross-site form post is refused before anything else.
		evil := s.browser(t)
		evil.post("/login", url.Values{"email": {email}, "password": {testenv.Password}}, "Origin", "https://evil.example").
			expect(t, "cross-site login", http.StatusForbidden)
		evil.post("/logout", nil, "Sec-Fetch-Site", "cross-site").expect(t, "cross-site logout", http.StatusForbidden)

		// Only local paths are followed after login.
		for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""} {
			b := s.browser(t)
			b.login(email, next, "/")
		}
		s.browser(t).login(email, "/territoires/59?page=1", "/territoires/59?page=1")

		// Empty fields are named.
		res := s.browser(t).post("/login", url.Values{"email": {""}, "password": {""}}).expect(t, "empty login", http.StatusBadRequest)
		if got := res.fieldError("email"); !strings.HasSuffix(got, "Saisissez votre adresse électronique.") {
			t.Errorf("email error = %q", got)
		}

		// A few failures in a row, then 429 with Retry-After — even with the
		// right password (the delay: TestPasswordsThrottled).
		b := s.browser(t)
		for i := range passerelle.AccountThrottle.Free {
			b.post("/login", url.Values{"email": {email}, "password": {"not the password"}}).expect(t, "failure "+strconv.Itoa(i), http.StatusUnauthorized)
		}
		res = b.post("/login", url.Values{"email": {email}, "password": {testenv.Password}}).expect(t, "rate limited", http.StatusTooManyRequests)
		if res.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		res.contains(t, "rate limited", "Trop de tentatives de connexion")
	})
}

func TestPagesStaleEdit(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		ctx := context.Background()
		w := s.World
		p, err := s.Service.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Jardins partagés"))
		if err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.login(w.LilleAuthor.Email, "", "/")
		path := "/fiches/" + idOf(p)
		res := b.get(path+"/modifier").expect(t, "edit form", http.StatusOK)
		if res.value("title") != "Jardins partagés" || res.value("partners") != "Mission locale\nFrance Travail" || res.value("started_on") != "2024-01-15" {
			t.Errorf("edit form: title %q, partners %q, started_on %q", res.value("title"), res.value("partners"), res.value("started_on"))
		}
		version := res.value("version")

		// Meanwhile, in another tab.
		other := "Jardins partagés (autre onglet)"
		if _, err := s.Service.UpdatePractice(ctx, w.LilleAuthor, p.ID, service.PracticeInput{Title: &other}); err != nil {
			t.Fatal(err)
		}
		form := completeForm("Jardins partagés et compost")
		form.Set("territory", "59350")
		form.Set("summary", "Mon résumé à ne pas perdre.")
		form.Set("version", version)
		res = b.post(path+"/modifier", form).expect(t, "stale edit", http.StatusConflict)
		res.contains(t, "stale edit", "Cette fiche a été modifiée ailleurs", `role="alert"`)
		if res.value("title") != "Jardins partagés et compost" || res.value("summary") != "Mon résumé à ne pas perdre." {
			t.Errorf("typed text lost: title %q, summary %q", res.value("title"), res.value("summary"))
		}
		if res.value("version") == version {
			t.Error("the form is still based on the stale version")
		}

		// Saving again, knowingly, replaces the other version.
		form.Set("version", res.value("version"))
		b.post(path+"/modifier", form).expect(t, "save again", http.StatusSeeOther, path)
		b.get(path).contains(t, "saved", "Vos modifications sont enregistrées.", "Jardins partagés et compost", "Brouillon")

		// Someone else's draft cannot be edited, nor seen.
		roubaix := s.browser(t)
		roubaix.login(w.RoubaixAuthor.Email, "", "/")
		roubaix.get(path+"/modifier").expect(t, "edit by another contributor", http.StatusNotFound)
		roubaix.post(path+"/modifier", form).expect(t, "post by another contributor", http.StatusNotFound)
		roubaix.post(path+"/soumettre", nil).expect(t, "submit by another contributor", http.StatusNotFound)
		// A moderator sees the draft, but it is not theirs to edit.
		mod := s.browser(t)
		mod.login(w.NordMod.Email, "", "/")
		mod.get(path+"/modifier").expect(t, "edit by a moderator", http.StatusForbidden)

		// Submitted from its page.
		b.post(path+"/soumettre", nil).expect(t, "submit from the page", http.StatusSeeOther, path)
		b.post(path+"/soumettre", nil).expect(t, "submit twice", http.StatusConflict)

		// An edit posted after the submission (from a tab left open) is
		// refused, and the text is kept.
		form.Set("summary", "Écrit dans un vieil onglet.")
		res = b.post(path+"/modifier", form).expect(t, "edit after submission", http.StatusConflict)
		if got := res.value("summary"); got != "Écrit dans un vieil onglet." {
			t.Errorf("summary after a refused edit = %q", got)
		}
		res.contains(t, "edit after submission", "Cette action n’est pas possible dans l’état actuel de la fiche")
	})
}

func TestPagesLanguage(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		b := s.browser(t)
		res := b.get("/?lang=en").expect(t, "home in English", http.StatusOK)
		res.contains(t, "home in English", `<html lang="en">`, "Share what works")
		if got := res.Header.Get("Set-Cookie"); !strings.Contains(got, "lang=en") || !strings.Contains(got, "SameSite=Lax") || !strings.Contains(got, "Max-Age=31536000") {
			t.Errorf("Set-Cookie %q", got)
		}
		// The choice sticks, whatever the browser says.
		b.get("/login", "Accept-Language", "fr-FR").contains(t, "login in English", `<html lang="en">`, "Sign in")
		b.get("/territoires/nulle-part").expect(t, "404 in English", http.StatusNotFound).contains(t, "404 in English", "Error 404")
		b.get("/?lang=fr").contains(t, "back to French", `<html lang="fr">`, "Partager ce qui marche")

		// Without a choice, the browser's language.
		s.browser(t).get("/", "Accept-Language", "en-GB,en;q=0.8").contains(t, "negotiated", `<html lang="en">`)
		s.browser(t).get("/?lang=xx", "Accept-Language", "de").contains(t, "default", `<html lang="fr">`)
	})
}

func TestPagesErrors(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		b := s.browser(t)
		b.get("/nulle-part").expect(t, "unknown page", http.StatusNotFound).contains(t, "unknown page", "Erreur 404", `<html lang="fr">`)
		b.get("/fiches/abc").expect(t, "bad id", http.StatusNotFound)
		b.get("/fiches/999999").expect(t, "missing practice", http.StatusNotFound)
		b.get("/logout").expect(t, "GET logout", http.StatusMethodNotAllowed)
		head, err := http.NewRequest(http.MethodHead, s.URL+"/territoires/59", nil)
		if err != nil {
			t.Fatal(err)
		}
		b.do(head).expect(t, "HEAD", http.StatusOK)
		b.post("/fiches/1/decision", url.Values{"decision": {"approve"}}).expect(t, "anonymous decision", http.StatusSeeOther, "/login?next=%2Ffiches%2F1")
		b.get("/relecture").expect(t, "anonymous queue", http.StatusSeeOther, "/login?next=%2Frelecture")

		reader := s.browser(t)
		reader.login(s.World.Reader.Email, "", "/")
		reader.get("/relecture").expect(t, "queue for a reader", http.StatusForbidden).
			contains(t, "403", "Erreur 403", "Vous n’avez pas accès")
		reader.get("/fiches/nouvelle").expect(t, "form for a reader", http.StatusForbidden)
		reader.post("/fiches/nouvelle", completeForm("x")).expect(t, "post for a reader", http.StatusForbidden)
		res := reader.get("/")
		res.lacks(t, "reader's menu", `href="/relecture"`, `href="/fiches/nouvelle"`)
		res.contains(t, "reader's menu", `href="/notifications"`, `action="/logout"`)

		// The admin sees every menu entry.
		admin := s.browser(t)
		admin.login(s.World.Admin.Email, "", "/")
		admin.get("/").contains(t, "admin's menu", `href="/relecture"`, `href="/fiches/nouvelle"`, `href="/mes-fiches"`)
	})
}

// TestPagesToolForm: a teaching tool through the form, with its lists and
// selects.
func TestPagesToolForm(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		b := s.browser(t)
		b.login(s.World.LilleAuthor.Email, "", "/")
		form := url.Values{
			"kind": {"tool"}, "title": {"Jeu « Mon quartier demain »"}, "summary": {"Un jeu coopératif."},
			"body": {"| Étape | Durée |\n|---|---|\n| Accueil | 10 min |"}, "territory": {"59350"}, "themes": {"education"},
			"audience": {"Conseils citoyens\nCollégiens, lycéens"}, "format": {"game"}, "license": {"CC-BY-SA-4.0"},
			"duration": {"2 heures"}, "languages": {"français, arabe"}, "action": {"save"},
			// Typed in the experience group, hidden for a tool: not saved.
			"context": {"ignored"},
		}
		res := b.post("/fiches/nouvelle", form).expect(t, "create tool", http.StatusSeeOther)
		path := res.Location()
		res = b.get(path).expect(t, "tool page", http.StatusOK)
		res.contains(t, "tool page", "Votre brouillon est enregistré.", "Outil pédagogique", ">Collégiens</a></li>", ">lycéens</a></li>", // audiences link to the tools for them
			"<li>arabe</li>", "Jeu", "Creative Commons Attribution, partage dans les mêmes conditions", "<table>", "<td>10 min</td>", `href="`+path+`/modifier"`)
		res.lacks(t, "tool page", "ignored")

		// A title is enough for a draft; without a kind it is an
		// experience report.
		res = b.post("/fiches/nouvelle", url.Values{"title": {"Idée à creuser"}, "action": {"save"}}).expect(t, "title only", http.StatusSeeOther)
		b.get(res.Location()).contains(t, "title-only draft", "Idée à creuser", "Retour d’expérience", "Brouillon")

		form.Set("format", "poster")
		form.Set("version", "0")
		res = b.post(path+"/modifier", form).expect(t, "unknown format", http.StatusBadRequest)
		if got := res.fieldError("format"); !strings.Contains(got, "Format") {
			t.Errorf("format error = %q", got)
		}
		res.contains(t, "unknown format", `<option value="CC-BY-SA-4.0" selected>`)
	})
}

func idOf(p *passerelle.Practice) string { return strconv.FormatInt(p.ID, 10) }
