package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
	"github.com/passerelle/passerelle/internal/view"
	"github.com/passerelle/passerelle/internal/web"
	"github.com/passerelle/passerelle/ui"
)

// extraServer starts another server over the site's application — its own
// rate limiter, the same database — optionally with https cookies.
func (s *site) extraServer(t *testing.T, secure bool) string {
	t.Helper()
	engine, err := view.New(ui.FS, s.cat)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://passerelle.test"
	if secure {
		base = "https://passerelle.test"
	}
	srv := httptest.NewServer(testenv.CheckAPI(t, web.New(s.Service, engine, web.Options{BaseURL: base, Secure: secure, Dialect: s.Dialect,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})))
	t.Cleanup(srv.Close)
	return srv.URL
}

// on returns a browser of the site that talks to another of its servers.
func (s *site) browserOn(t *testing.T, serverURL string) *browser {
	other := *s
	other.URL = serverURL
	return other.browser(t)
}

// api sends a JSON request (body may be nil) with an optional bearer token.
func (b *browser) callAPI(method, path, token string, body any) *response {
	b.t.Helper()
	var r io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			b.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, b.site.URL+path, r)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return b.do(req)
}

// token signs in through the API.
func (b *browser) signInAPI(email string) string {
	b.t.Helper()
	res := b.callAPI(http.MethodPost, "/api/v1/tokens", "", map[string]string{"email": email, "password": testenv.Password}).
		expect(b.t, "token for "+email, http.StatusCreated)
	var body struct{ Token string }
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		b.t.Fatal(err)
	}
	return body.Token
}

// lastInvitation returns the newest invitation to email.
func lastInvitation(t *testing.T, s *site, email string) *passerelle.Invitation {
	t.Helper()
	inv, err := store.OpenInvitation(context.Background(), s.DB.Read, email)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// invitationPath waits for the invitation e-mail to email and returns the
// path of its link.
func invitationPath(t *testing.T, s *site, email string) string {
	t.Helper()
	inv := lastInvitation(t, s, email)
	link := testenv.WaitMail(t, s.Outbox, "invitation-"+strconv.FormatInt(inv.ID, 10)).Link(t, "/invitations/")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// TestPagesInvitation: an administrator invites a moderator, a moderator
// invites a contributor through the form; each accepts from the link of the
// e-mail, chooses a password and is signed in with the role offered.
func TestPagesInvitation(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World

		mod := s.browser(t)
		mod.login(w.NordMod.Email, "/admin/invitations", "/admin/invitations")
		page := mod.get("/admin/invitations").expect(t, "moderator's invitation form", http.StatusOK)
		page.contains(t, "moderator's form", `<option value="contributor" selected>`, `value="59512"`, `value="qpv-moulins"`)
		page.lacks(t, "moderator's form", `<option value="moderator"`, `value="62193"`, `value="32"`)
		mod.get("/admin/utilisateurs").expect(t, "moderator on the accounts page", http.StatusForbidden)
		mod.get("/admin").expect(t, "moderator on the administration", http.StatusForbidden)

		// Refusals keep what was typed and say why.
		res := mod.post("/admin/invitations", url.Values{"name": {"Inès Nouvelle"}, "email": {"ines@example.org"}, "role": {"contributor"}, "territory": {"62193"}}).
			expect(t, "outside the territory", http.StatusForbidden)
		res.contains(t, "outside", "sur les territoires que vous modérez", `value="Inès Nouvelle"`)
		res = mod.post("/admin/invitations", url.Values{"name": {"Inès"}, "email": {w.Reader.Email}, "role": {"contributor"}, "territory": {"59512"}}).
			expect(t, "an account exists", http.StatusConflict)
		if got := res.fieldError("email"); !strings.Contains(got, "existe déjà") {
			t.Errorf("email error = %q", got)
		}
		mod.post("/admin/invitations", url.Values{"name": {"Inès Nouvelle"}, "email": {"ines@example.org"}, "role": {"contributor"}, "territory": {"59512"}}).
			expect(t, "invite", http.StatusSeeOther, "/admin/invitations")
		mod.get("/admin/invitations").contains(t, "list", "ines@example.org", "En attente")

		link := invitationPath(t, s, "ines@example.org")
		guest := s.browser(t)
		guest.get(link).expect(t, "invitation page", http.StatusOK).contains(t, "invitation", "Inès Nouvelle", "ines@example.org", "Roubaix", "Nora Nord")
		res = guest.post(link, url.Values{"password": {"court"}, "confirm": {"court"}}).expect(t, "weak password", http.StatusBadRequest)
		if got := res.fieldError("password"); !strings.Contains(got, "12 caractères") {
			t.Errorf("password error = %q", got)
		}
		res = guest.post(link, url.Values{"password": {testenv.Password}, "confirm": {"something else"}}).expect(t, "mismatch", http.StatusBadRequest)
		if got := res.fieldError("confirm"); !strings.Contains(got, "pas identiques") {
			t.Errorf("confirm error = %q", got)
		}
		guest.post(link, url.Values{"password": {testenv.Password}, "confirm": {testenv.Password}}).expect(t, "accept", http.StatusSeeOther, "/")
		guest.get("/").contains(t, "welcome", "Bienvenue sur Passerelle")
		guest.get("/fiches/nouvelle").expect(t, "the new contributor writes", http.StatusOK)
		// The link works once.
		s.browser(t).get(link).expect(t, "used link", http.StatusConflict).contains(t, "used", "déjà servi")
		s.browser(t).get("/invitations/inv_nothing").expect(t, "unknown link", http.StatusNotFound).contains(t, "unknown", "n’est pas valide")

		// An administrator invites a regional moderator through the API.
		admin := s.browser(t)
		token := admin.signInAPI(w.Admin.Email)
		admin.callAPI(http.MethodPost, "/api/v1/invitations", token, map[string]string{"email": "regine@example.org", "name": "Régine", "role": "moderator", "territory": "32"}).
			expect(t, "API invitation", http.StatusCreated).contains(t, "API invitation", `"status":"pending"`, `"role":"moderator"`)
		key := strings.TrimPrefix(invitationPath(t, s, "regine@example.org"), "/invitations/")
		admin.callAPI(http.MethodPost, "/api/v1/invitations/"+key+"/accept", "", map[string]string{"password": "short"}).
			expect(t, "API weak password", http.StatusBadRequest).contains(t, "weak", `"password":"too_short"`)
		admin.callAPI(http.MethodPost, "/api/v1/invitations/"+key+"/accept", "", map[string]string{"password": testenv.Password}).
			expect(t, "API accept", http.StatusCreated).contains(t, "accepted", `"email":"regine@example.org"`, `{"role":"moderator","territory":"32"}`)
		admin.callAPI(http.MethodPost, "/api/v1/invitations/"+key+"/accept", "", map[string]string{"password": testenv.Password}).
			expect(t, "API accept again", http.StatusConflict).contains(t, "again", `"token":"used"`)
		admin.login(w.Admin.Email, "/admin/journal", "/admin/journal")
		admin.get("/admin/journal?action=invitation.accept").expect(t, "journal", http.StatusOK).contains(t, "journal", "regine@example.org", "ines@example.org")
	})
}

func TestPagesPasswordReset(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		b := s.browser(t)
		b.get("/login").contains(t, "login", `href="/mot-de-passe/oublie"`)
		b.get("/mot-de-passe/oublie").expect(t, "form", http.StatusOK)
		unknown := b.post("/mot-de-passe/oublie", url.Values{"email": {"nobody@example.org"}}).expect(t, "unknown address", http.StatusOK)
		known := b.post("/mot-de-passe/oublie", url.Values{"email": {w.LilleAuthor.Email}}).expect(t, "known address", http.StatusOK)
		unknown.contains(t, "unknown", "Si un compte utilise cette adresse")
		known.contains(t, "known", "Si un compte utilise cette adresse")
		if strings.ReplaceAll(unknown.Body, "nobody@example.org", "X") != strings.ReplaceAll(known.Body, w.LilleAuthor.Email, "X") {
			t.Error("the answer differs whether the address has an account or not")
		}
		id := waitResetID(t, s, w.LilleAuthor.Email)
		link := testenv.WaitMail(t, s.Outbox, "password-reset-"+strconv.FormatInt(id, 10)).Link(t, "/mot-de-passe/reinitialiser/")
		u, _ := url.Parse(link)
		signedIn := s.browser(t)
		signedIn.login(w.LilleAuthor.Email, "/mes-fiches", "/mes-fiches")

		b.get(u.Path).expect(t, "new password form", http.StatusOK)
		b.post(u.Path, url.Values{"password": {"un nouveau mot de passe"}, "confirm": {"autre chose"}}).expect(t, "mismatch", http.StatusBadRequest)
		b.post(u.Path, url.Values{"password": {"un nouveau mot de passe"}, "confirm": {"un nouveau mot de passe"}}).
			expect(t, "reset", http.StatusSeeOther, "/login")
		b.get("/login").contains(t, "flash", "Connectez-vous avec le nouveau")
		b.post("/login", url.Values{"email": {w.LilleAuthor.Email}, "password": {"un nouveau mot de passe"}}).expect(t, "login with the new password", http.StatusSeeOther, "/mes-fiches") // a contributor's landing page
		signedIn.get("/mes-fiches").expect(t, "a session from before the reset", http.StatusSeeOther)
		b.get(u.Path).expect(t, "used link", http.StatusConflict).contains(t, "used", "déjà servi")
	})
}

func TestPagesAccountAndTokens(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		here, elsewhere := s.browser(t), s.browser(t)
		here.login(w.RoubaixAuthor.Email, "/compte", "/compte")
		elsewhere.login(w.RoubaixAuthor.Email, "/compte", "/compte")
		here.get("/compte").expect(t, "account", http.StatusOK).contains(t, "account", w.RoubaixAuthor.Email, "Roubaix", "/compte/jetons")
		res := here.post("/compte/mot-de-passe", url.Values{"current_password": {"wrong"}, "new_password": {"un nouveau mot de passe"}, "confirm": {"un nouveau mot de passe"}}).
			expect(t, "wrong current password", http.StatusBadRequest)
		if got := res.fieldError("current_password"); !strings.Contains(got, "incorrect") {
			t.Errorf("current_password error = %q", got)
		}
		here.post("/compte/mot-de-passe", url.Values{"current_password": {testenv.Password}, "new_password": {"court"}, "confirm": {"court"}}).
			expect(t, "weak new password", http.StatusBadRequest)
		here.post("/compte/mot-de-passe", url.Values{"current_password": {testenv.Password}, "new_password": {"un nouveau mot de passe"}, "confirm": {"un nouveau mot de passe"}}).
			expect(t, "change", http.StatusSeeOther, "/compte")
		here.get("/compte").expect(t, "this session stays", http.StatusOK).contains(t, "flash", "Vos autres sessions sont fermées")
		elsewhere.get("/compte").expect(t, "the other session ended", http.StatusSeeOther, "/login?next=%2Fcompte")
		s.browser(t).get("/compte").expect(t, "anonymous", http.StatusSeeOther, "/login?next=%2Fcompte")

		// Mes jetons: create one, see it once, use it, revoke it.
		here.get("/compte/jetons").expect(t, "tokens", http.StatusOK).contains(t, "tokens", "aucun jeton")
		res = here.post("/compte/jetons", url.Values{"name": {"export mensuel"}}).expect(t, "create token", http.StatusCreated)
		token := ""
		if m := strings.Index(res.Body, `id="new-token" value="`); m >= 0 {
			rest := res.Body[m+len(`id="new-token" value="`):]
			token = rest[:strings.Index(rest, `"`)]
		}
		if !strings.HasPrefix(token, "psl_") {
			t.Fatalf("no token on the page:\n%s", res.Body)
		}
		api := s.browser(t)
		api.callAPI(http.MethodGet, "/api/v1/me", token, nil).expect(t, "the new token works", http.StatusOK).contains(t, "me", w.RoubaixAuthor.Email)
		list := here.get("/compte/jetons")
		list.contains(t, "listed", "export mensuel", "Actif")
		list.lacks(t, "shown once", token)
		api.callAPI(http.MethodGet, "/api/v1/tokens", token, nil).expect(t, "API list", http.StatusOK).contains(t, "API list", `"name":"export mensuel"`)
		var ids struct{ Items []struct{ ID string } }
		_ = json.Unmarshal([]byte(api.callAPI(http.MethodGet, "/api/v1/tokens", token, nil).Body), &ids)
		other := s.browser(t)
		other.login(w.LilleAuthor.Email, "/", "/")
		other.post("/compte/jetons/"+ids.Items[0].ID+"/revoquer", nil).expect(t, "someone else's token", http.StatusNotFound)
		here.post("/compte/jetons/"+ids.Items[0].ID+"/revoquer", nil).expect(t, "revoke", http.StatusSeeOther, "/compte/jetons")
		api.callAPI(http.MethodGet, "/api/v1/me", token, nil).expect(t, "revoked token", http.StatusUnauthorized)
	})
}

// TestPasswordEntryPointsRateLimited: every entry point that takes a link's
// token, or sends a reset link, refuses the eleventh failure of a minute
// from one client with 429 and Retry-After — even with good credentials.
// (Passwords themselves: TestPasswordsThrottled.)
func TestPasswordEntryPointsRateLimited(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		api := func(method, path string, body any) func(b *browser, token string) *response {
			return func(b *browser, token string) *response { return b.callAPI(method, path, token, body) }
		}
		form := func(path string, v url.Values) func(b *browser, token string) *response {
			return func(b *browser, _ string) *response { return b.post(path, v) }
		}
		tests := []struct {
			name    string
			session bool // sign in first (as Roubaix's contributor)
			fail    func(b *browser, token string) *response
			failing int
			good    func(b *browser, token string) *response
		}{
			{name: "reset request page", fail: form("/mot-de-passe/oublie", url.Values{"email": {"someone@example.org"}}), failing: http.StatusOK,
				good: form("/mot-de-passe/oublie", url.Values{"email": {"someone@example.org"}})},
			{name: "reset request API", fail: api(http.MethodPost, "/api/v1/password-resets", map[string]string{"email": "someone@example.org"}), failing: http.StatusAccepted,
				good: api(http.MethodPost, "/api/v1/password-resets", map[string]string{"email": "someone@example.org"})},
			{name: "reset link page", fail: form("/mot-de-passe/reinitialiser/pwr_guess", url.Values{"password": {"un nouveau mot de passe"}, "confirm": {"un nouveau mot de passe"}}),
				failing: http.StatusNotFound, good: func(b *browser, _ string) *response { return b.get("/mot-de-passe/reinitialiser/pwr_other") }},
			{name: "reset link API", fail: api(http.MethodPost, "/api/v1/password-resets/pwr_guess", map[string]string{"password": "un nouveau mot de passe"}),
				failing: http.StatusNotFound, good: api(http.MethodPost, "/api/v1/password-resets/pwr_other", map[string]string{"password": "un nouveau mot de passe"})},
			{name: "invitation page", fail: form("/invitations/inv_guess", url.Values{"password": {testenv.Password}, "confirm": {testenv.Password}}),
				failing: http.StatusNotFound, good: func(b *browser, _ string) *response { return b.get("/invitations/inv_other") }},
			{name: "invitation API", fail: api(http.MethodPost, "/api/v1/invitations/inv_guess/accept", map[string]string{"password": testenv.Password}),
				failing: http.StatusNotFound, good: api(http.MethodPost, "/api/v1/invitations/inv_other/accept", map[string]string{"password": testenv.Password})},
			{name: "invitation lookup API", fail: api(http.MethodGet, "/api/v1/invitations/inv_guess", nil),
				failing: http.StatusNotFound, good: api(http.MethodGet, "/api/v1/invitations/inv_other", nil)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b := s.browserOn(t, s.extraServer(t, false)) // a fresh limiter
				token := ""
				if tt.session {
					b.login(w.RoubaixAuthor.Email, "/", "/")
					token = b.signInAPI(w.RoubaixAuthor.Email)
				}
				for i := range 10 {
					tt.fail(b, token).expect(t, tt.name+" failure "+strconv.Itoa(i+1), tt.failing)
				}
				res := tt.good(b, token).expect(t, tt.name+" after ten failures", http.StatusTooManyRequests)
				if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 || n > 61 {
					t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
				}
			})
		}
	})
}

// TestSessionCookies: the session cookie's attributes for http and https
// base URLs, a new identifier at every login, and server-side logout.
func TestSessionCookies(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		email := s.World.LilleAuthor.Email
		for _, secure := range []bool{false, true} {
			b := s.browserOn(t, s.extraServer(t, secure))
			var ids []string
			for range 2 {
				res := b.post("/login", url.Values{"email": {email}, "password": {testenv.Password}}).expect(t, "login", http.StatusSeeOther)
				var c *http.Cookie
				for _, sc := range (&http.Response{Header: res.Header}).Cookies() {
					if strings.HasSuffix(sc.Name, "passerelle_session") {
						c = sc
					}
				}
				if c == nil {
					t.Fatalf("secure=%t: no session cookie in %v", secure, res.Header["Set-Cookie"])
				}
				wantName := "passerelle_session"
				if secure {
					wantName = "__Host-passerelle_session"
				}
				if c.Name != wantName || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure || c.Path != "/" || c.Domain != "" {
					t.Errorf("secure=%t: cookie %+v", secure, c)
				}
				ids = append(ids, c.Value)
				if secure {
					// The test client speaks http: hand the cookie over as a
					// browser would over https.
					u, _ := url.Parse(b.site.URL)
					b.c.Jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Value: c.Value, Path: "/"}})
				}
			}
			if ids[0] == ids[1] {
				t.Errorf("secure=%t: the session identifier did not change at login", secure)
			}
			ctx := context.Background()
			if _, err := s.Service.UserFromSession(ctx, ids[0]); passerelle.ErrorCode(err) != passerelle.EUnauthn {
				t.Errorf("secure=%t: the session replaced at login still works", secure)
			}
			if _, err := s.Service.UserFromSession(ctx, ids[1]); err != nil {
				t.Errorf("secure=%t: the new session does not work: %v", secure, err)
			}
		}
	})
}

// TestSecurityHeadersEverywhere: every answer — pages, errors, the API,
// static files excepted — carries the security headers.
func TestSecurityHeadersEverywhere(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		anon, admin, mod := s.browser(t), s.browser(t), s.browser(t)
		admin.login(s.World.Admin.Email, "/", "/")
		mod.login(s.World.NordMod.Email, "/", "/")
		check := func(what string, res *response) {
			t.Helper()
			h := res.Header
			csp := h.Get("Content-Security-Policy")
			if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: Content-Security-Policy %q", what, csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s: headers %v", what, h)
			}
		}
		for _, p := range []string{"/", "/login", "/territoires/59", "/mot-de-passe/oublie", "/mot-de-passe/reinitialiser/x",
			"/invitations/x", "/admin", "/compte", "/nulle-part", "/api/v1/territories", "/api/v1/nothing", "/healthz"} {
			check("anonymous "+p, anon.get(p))
		}
		for _, p := range []string{"/admin", "/admin/utilisateurs", "/admin/utilisateurs/" + strconv.FormatInt(s.World.Reader.ID, 10),
			"/admin/invitations", "/admin/territoires", "/admin/territoires/59", "/admin/themes", "/admin/journal", "/compte", "/compte/jetons"} {
			res := admin.get(p)
			if res.Status != http.StatusOK {
				t.Errorf("admin %s: %d", p, res.Status)
			}
			check("admin "+p, res)
			check("moderator "+p, mod.get(p))
		}
		check("cross-site post", anon.post("/mot-de-passe/oublie", url.Values{"email": {"x@example.org"}}, "Origin", "https://evil.example"))
	})
}

// TestCrossSitePostsRefused: the forms of accounts and administration
// refuse a post from another site before doing anything.
func TestCrossSitePostsRefused(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		admin := s.browser(t)
		admin.login(s.World.Admin.Email, "/", "/")
		id := strconv.FormatInt(s.World.Reader.ID, 10)
		posts := map[string]url.Values{
			"/admin/invitations":                        {"name": {"X"}, "email": {"x@example.org"}, "role": {"contributor"}, "territory": {"59"}},
			"/admin/utilisateurs/" + id + "/roles":      {"role": {"moderator"}, "territory": {"32"}},
			"/admin/utilisateurs/" + id + "/desactiver": nil,
			"/admin/territoires":                        {"code": {"evil"}, "name": {"Evil"}, "level": {"other"}},
			"/admin/themes":                             {"slug": {"evil"}, "name": {"Evil"}},
			"/compte/mot-de-passe":                      {"current_password": {testenv.Password}, "new_password": {"x"}},
			"/compte/jetons":                            {"name": {"evil"}},
			"/mot-de-passe/oublie":                      {"email": {s.World.Admin.Email}},
			"/invitations/inv_x":                        {"password": {testenv.Password}},
		}
		for p, v := range posts {
			admin.post(p, v, "Origin", "https://evil.example").expect(t, "cross-site "+p, http.StatusForbidden)
			admin.post(p, v, "Sec-Fetch-Site", "cross-site").expect(t, "cross-site (fetch metadata) "+p, http.StatusForbidden)
		}
		ctx := context.Background()
		if _, grants, err := s.Service.User(ctx, s.World.Admin, s.World.Reader.ID); err != nil || len(grants) != 0 {
			t.Errorf("a cross-site post granted a role: %v %v", grants, err)
		}
		if j, err := s.Service.Journal(ctx, s.World.Admin, service.JournalQuery{Actor: s.World.Admin.Email}); err != nil || j.Total != 0 {
			t.Errorf("cross-site posts changed something: %d entries, %v", j.Total, err)
		}
	})
}

// TestAdminPages drives every administration form: roles, accounts,
// territories (add, rename, move, import), themes, and reads it all back
// in the journal.
func TestAdminPages(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		admin := s.browser(t)
		admin.login(w.Admin.Email, "/admin", "/admin")
		admin.get("/admin").expect(t, "home", http.StatusOK).contains(t, "home", "9 comptes", "7 territoires")
		s.browser(t).get("/admin/territoires").expect(t, "anonymous", http.StatusSeeOther, "/login?next=%2Fadmin%2Fterritoires")
		contributor := s.browser(t)
		contributor.login(w.LilleAuthor.Email, "/", "/")
		for _, p := range []string{"/admin", "/admin/utilisateurs", "/admin/territoires", "/admin/themes", "/admin/journal", "/admin/invitations"} {
			contributor.get(p).expect(t, "contributor "+p, http.StatusForbidden)
		}

		// Accounts: search, grant, revoke, disable, enable.
		admin.get("/admin/utilisateurs?q=lect").expect(t, "search", http.StatusOK).contains(t, "search", w.Reader.Email)
		admin.get("/admin/utilisateurs?q=lect").lacks(t, "search", w.NordMod.Email)
		reader := "/admin/utilisateurs/" + strconv.FormatInt(w.Reader.ID, 10)
		admin.post(reader+"/roles", url.Values{"role": {"moderator"}, "territory": {"99"}}).expect(t, "unknown territory", http.StatusBadRequest)
		admin.post(reader+"/roles", url.Values{"role": {"moderator"}, "territory": {"62"}}).expect(t, "grant", http.StatusSeeOther, reader)
		admin.get(reader).contains(t, "granted", "Le rôle est attribué", "Modérateur ou modératrice", "Pas-de-Calais")
		admin.post(reader+"/roles/retirer", url.Values{"role": {"moderator"}, "territory": {"62"}}).expect(t, "revoke", http.StatusSeeOther, reader)
		admin.post(reader+"/roles/retirer", url.Values{"role": {"moderator"}, "territory": {"62"}}).expect(t, "revoke again", http.StatusNotFound)
		self := "/admin/utilisateurs/" + strconv.FormatInt(w.Admin.ID, 10)
		admin.post(self+"/desactiver", nil).expect(t, "last admin", http.StatusConflict).contains(t, "last admin", "dernier compte administrateur")
		readerSession := s.browser(t)
		readerSession.login(w.Reader.Email, "/", "/")
		admin.post(reader+"/desactiver", nil).expect(t, "disable", http.StatusSeeOther, reader)
		readerSession.get("/compte").expect(t, "disabled account's session", http.StatusSeeOther)
		admin.post(reader+"/reactiver", nil).expect(t, "enable", http.StatusSeeOther, reader)
		readerSession.login(w.Reader.Email, "/", "/")

		// Territories: add, rename, move, refuse a loop, import.
		admin.post("/admin/territoires", url.Values{"code": {"59599"}, "name": {"Tourcoing"}, "level": {"commune"}, "parent": {"59"}}).
			expect(t, "add territory", http.StatusSeeOther, "/admin/territoires/59599")
		admin.post("/admin/territoires", url.Values{"code": {"59599"}, "name": {"Tourcoing"}, "level": {"commune"}, "parent": {"59"}}).
			expect(t, "add it again", http.StatusConflict).contains(t, "taken", "Un territoire a déjà ce code")
		admin.post("/admin/territoires/59599", url.Values{"name": {"Tourcoing (ville)"}, "level": {"commune"}, "parent": {"62"}}).
			expect(t, "rename and move", http.StatusSeeOther, "/admin/territoires/59599")
		page := admin.get("/admin/territoires/59")
		page.lacks(t, "no move below itself", `<option value="59350"`)
		res := admin.post("/admin/territoires/59", url.Values{"name": {"Nord"}, "level": {"department"}, "parent": {"qpv-moulins"}}).expect(t, "loop", http.StatusBadRequest)
		if got := res.fieldError("parent"); !strings.Contains(got, "ni à un territoire qui en dépend") {
			t.Errorf("parent error = %q", got)
		}
		upload := func(body string) *response {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("file", "mel.csv")
			_, _ = fw.Write([]byte(body))
			_ = mw.Close()
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/admin/territoires/import", &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return admin.do(req)
		}
		upload("code,name,level,parent_code\n200093201,Métropole Européenne de Lille,epci,59\n59350,Lille,commune,200093201\n59512,Roubaix,commune,200093201\n").
			expect(t, "import", http.StatusOK).contains(t, "import", "1 créé(s), 2 mis à jour, 0 inchangé(s)")
		upload("code,name,level,parent_code\n59183,Dunkerque,commune,59\n59606,Valenciennes,ville,59\n").
			expect(t, "bad import", http.StatusBadRequest).contains(t, "bad import", "ligne 3", "ville", "rien n’a été importé")
		admin.get("/admin/territoires").lacks(t, "nothing imported", "Dunkerque")

		// Themes.
		admin.post("/admin/themes", url.Values{"slug": {"Santé"}, "name": {"Santé"}}).expect(t, "bad slug", http.StatusBadRequest)
		admin.post("/admin/themes", url.Values{"slug": {"sante"}, "name": {"Santé"}}).expect(t, "add theme", http.StatusSeeOther, "/admin/themes")
		admin.post("/admin/themes/sante", url.Values{"name": {""}}).expect(t, "empty name", http.StatusBadRequest)
		admin.post("/admin/themes/sante", url.Values{"name": {"Santé et bien-être"}}).expect(t, "rename theme", http.StatusSeeOther, "/admin/themes")
		admin.get("/admin/themes").contains(t, "renamed", "Santé et bien-être")

		// The journal has it all, and filters.
		journal := admin.get("/admin/journal?actor="+url.QueryEscape(w.Admin.Email)).expect(t, "journal", http.StatusOK)
		journal.contains(t, "journal", "Rôle attribué", "Rôle retiré", "Compte désactivé", "Compte réactivé", "Territoire créé",
			"Territoire modifié", "Territoires importés", "Thème créé", "Thème renommé", "Nord (59) → Pas-de-Calais (62)")
		admin.get("/admin/journal?action=theme.update").lacks(t, "filtered", `">Rôle attribué</th>`)
		admin.get("/admin/journal?action=nothing").expect(t, "unknown action", http.StatusBadRequest)
		token := admin.signInAPI(w.Admin.Email)
		admin.callAPI(http.MethodGet, "/api/v1/audit?action=role.grant&actor="+url.QueryEscape(w.Admin.Email), token, nil).
			expect(t, "API journal", http.StatusOK).contains(t, "API", `"action":"role.grant"`, `"total":1`)
		admin.callAPI(http.MethodGet, "/api/v1/audit?actor=cli&action=role.grant", token, nil).contains(t, "cli", `"actor":null`, `"total":8`)
		admin.callAPI(http.MethodGet, "/api/v1/audit?nonsense=1", token, nil).expect(t, "unknown parameter", http.StatusBadRequest)
		admin.callAPI(http.MethodGet, "/api/v1/audit", contributor.signInAPI(w.LilleAuthor.Email), nil).expect(t, "contributor", http.StatusForbidden)
	})
}
