package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/oidc"
	"github.com/passerelle/passerelle/internal/oidc/oidctest"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// The site's public URL (newSite) and what is registered at the provider.
const (
	oidcBase     = "http://passerelle.test"
	oidcCallback = oidcBase + "/auth/oidc/callback"
)

// oidcSite is the application with single sign-on through a real OpenID
// provider running in process (zitadel/oidc's OP).
type oidcSite struct {
	*site
	p *oidctest.Provider
}

func newOIDCSite(t *testing.T, dialect string) *oidcSite {
	t.Helper()
	p := oidctest.Start(t)
	p.Register(oidcCallback, oidcBase+"/")
	s := newSite(t, dialect)
	s.Service.Provider = oidc.New(oidc.Config{Issuer: p.Issuer, ClientID: oidctest.ClientID, ClientSecret: oidctest.ClientSecret,
		RedirectURL: oidcCallback, Scopes: []string{"openid", "email", "profile"}, Label: "ProConnect", ACRValues: "eidas1",
		Timeout: 10 * time.Second, RetryAfter: time.Millisecond, Logger: s.Service.Logger})
	return &oidcSite{site: s, p: p}
}

// atProvider clicks the sign-in button in b, signs in at the provider as
// email and returns the path and query the provider sends the browser back
// to, not yet followed.
func (o *oidcSite) atProvider(t *testing.T, b *browser, email string) string {
	t.Helper()
	res := b.post("/auth/oidc/login", url.Values{"next": {"/compte"}}).expect(t, "the button", http.StatusSeeOther)
	auth, err := url.Parse(res.Location())
	if err != nil || !strings.HasPrefix(res.Location(), o.p.Issuer) {
		t.Fatalf("the button leads to %q, not to the provider %s", res.Location(), o.p.Issuer)
	}
	q := auth.Query()
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Get(k) == "" {
			t.Fatalf("authorization request without %s: %s", k, auth)
		}
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" || q.Get("client_id") != oidctest.ClientID ||
		q.Get("acr_values") != "eidas1" || q.Get("scope") != "openid email profile" {
		t.Fatalf("authorization request: %s", auth)
	}
	jar, _ := cookiejar.New(nil)
	pc := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	step := func(what string, req func() (*http.Response, error)) string {
		t.Helper()
		r, err := req()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusFound && r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d", what, r.StatusCode)
		}
		loc, err := r.Request.URL.Parse(r.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		return loc.String()
	}
	login := step("authorize", func() (*http.Response, error) { return pc.Get(auth.String()) })
	lu, _ := url.Parse(login)
	cb := step("provider login", func() (*http.Response, error) {
		return pc.PostForm(o.p.Issuer+"/login/username", url.Values{"id": {lu.Query().Get("authRequestID")},
			"username": {email}, "password": {oidctest.Password}})
	})
	back := step("provider callback", func() (*http.Response, error) { return pc.Get(cb) })
	if !strings.HasPrefix(back, oidcCallback+"?") {
		t.Fatalf("the provider sends back to %q", back)
	}
	return strings.TrimPrefix(back, oidcBase)
}

// signIn goes through the provider as email and expects to land on
// /compte, signed in.
func (o *oidcSite) signIn(t *testing.T, b *browser, email string) {
	t.Helper()
	b.get(o.atProvider(t, b, email)).expect(t, "callback of "+email, http.StatusSeeOther, "/compte")
}

// counts are the rows a refused sign-in must leave as they were.
type counts struct{ users, links, audit, sessions int }

func (o *oidcSite) counts(t *testing.T) counts {
	t.Helper()
	var c counts
	for _, x := range []struct {
		table string
		n     *int
	}{{"users", &c.users}, {"identity_links", &c.links}, {"audit_log", &c.audit}, {"sessions", &c.sessions}} {
		n, err := o.DB.Bun.NewSelect().Table(x.table).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		*x.n = int(n)
	}
	return c
}

// refused follows a callback that must be refused with status and the
// message of reason, changing nothing.
func (o *oidcSite) refused(t *testing.T, b *browser, path string, status int, reason string) {
	t.Helper()
	before := o.counts(t)
	res := b.get(path).expect(t, "refused callback ("+reason+")", status)
	res.contains(t, "refusal", html.EscapeString(o.cat.Translator("fr").T("oidc.error."+reason)), `name="password"`)
	if after := o.counts(t); after != before {
		t.Errorf("a refused sign-in (%s) changed rows: %+v → %+v", reason, before, after)
	}
	b.get("/compte").expect(t, "still signed out", http.StatusSeeOther)
}

func TestOIDCSignIn(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		o := newOIDCSite(t, dialect)
		ctx := context.Background()
		svc := o.Service
		o.p.AddUser(oidctest.User{ID: "agent-1", Email: "agnes.agent@mairie.example.fr", EmailVerified: true, GivenName: "Agnès", FamilyName: "Agent"})
		o.p.AddUser(oidctest.User{ID: "lille-1", Email: "lille@example.org", EmailVerified: true, GivenName: "Lila", FamilyName: "Lille"})
		o.p.AddUser(oidctest.User{ID: "unverified-1", Email: "ulysse@asso.example.org", GivenName: "Ulysse", FamilyName: "Nonvérifié"})
		o.p.AddUser(oidctest.User{ID: "unverified-2", Email: "reader@example.org", GivenName: "Renée", FamilyName: "Autre"})
		o.p.AddUser(oidctest.User{ID: "other-lille", Username: "lila.bis", Email: "lille@example.org", EmailVerified: true, GivenName: "Lila", FamilyName: "Bis"})

		t.Run("button", func(t *testing.T) {
			res := o.browser(t).get("/login").expect(t, "login page", http.StatusOK)
			res.contains(t, "login page", "Se connecter avec ProConnect", `action="/auth/oidc/login"`, `name="password"`)
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+o.p.Issuer+";") {
				t.Errorf("the button's form may not lead to the provider: %s", csp)
			}
		})

		t.Run("new agent becomes a reader", func(t *testing.T) {
			b := o.browser(t)
			before := o.counts(t)
			o.signIn(t, b, "agnes.agent@mairie.example.fr")
			b.get("/compte").expect(t, "account", http.StatusOK).contains(t, "account", "Agnès Agent", "agnes.agent@mairie.example.fr")
			after := o.counts(t)
			if after.users != before.users+1 || after.links != before.links+1 {
				t.Fatalf("rows: %+v → %+v", before, after)
			}
			u, _, err := storeUserByEmail(o, "agnes.agent@mairie.example.fr")
			if err != nil {
				t.Fatal(err)
			}
			grants, err := svc.GrantsOfUsers(ctx, o.World.Admin, []*passerelle.User{u})
			if err != nil {
				t.Fatal(err)
			}
			if u.Admin || len(grants[u.ID]) > 0 {
				t.Fatalf("a new agent is a reader, got admin=%v grants=%v", u.Admin, grants[u.ID])
			}
			// No password: the password form refuses whatever is typed.
			o.browser(t).post("/login", url.Values{"email": {u.Email}, "password": {""}}).expect(t, "empty password", http.StatusBadRequest)
			o.browser(t).post("/login", url.Values{"email": {u.Email}, "password": {"n'importe quoi de long"}}).expect(t, "no password", http.StatusUnauthorized)
			// Signing in again finds the same account.
			o.signIn(t, o.browser(t), "agnes.agent@mairie.example.fr")
			if again := o.counts(t); again.users != after.users || again.links != after.links {
				t.Fatalf("second sign-in created rows: %+v → %+v", after, again)
			}
			entries := auditOf(t, o, u.Email)
			if !containsAction(entries, passerelle.AuditUserCreate) || !containsAction(entries, passerelle.AuditIdentityLink) {
				t.Errorf("audit of the new agent: %+v", entries)
			}
		})

		t.Run("existing account keeps its roles and its password", func(t *testing.T) {
			b := o.browser(t)
			before := o.counts(t)
			o.signIn(t, b, "lille@example.org")
			after := o.counts(t)
			if after.users != before.users || after.links != before.links+1 {
				t.Fatalf("rows: %+v → %+v", before, after)
			}
			b.get("/compte").expect(t, "account", http.StatusOK).contains(t, "account", "Lila Lille", "Lille")
			grants, err := svc.GrantsOfUsers(ctx, o.World.Admin, []*passerelle.User{o.World.LilleAuthor})
			if err != nil {
				t.Fatal(err)
			}
			if g := grants[o.World.LilleAuthor.ID]; len(g) != 1 || g[0].Role != passerelle.RoleContributor {
				t.Fatalf("roles after linking: %+v", g)
			}
			o.browser(t).login("lille@example.org", "", "/")
			if !containsAction(auditOf(t, o, "lille@example.org"), passerelle.AuditIdentityLink) {
				t.Error("no audit entry for the link")
			}
		})

		t.Run("an account keeps or drops its password; administrators see how it signs in", func(t *testing.T) {
			// The new agent has no password: no change form, a way to set one.
			b := o.browser(t)
			o.signIn(t, b, "agnes.agent@mairie.example.fr")
			res := b.get("/compte").expect(t, "agent's account", http.StatusOK)
			res.contains(t, "agent's account", "Pas de mot de passe", "Par ProConnect", `href="/mot-de-passe/oublie"`)
			res.lacks(t, "agent's account", `action="/compte/mot-de-passe"`, `action="/compte/mot-de-passe/supprimer"`)
			// Lila, linked, keeps her password until she drops it.
			b = o.browser(t)
			o.signIn(t, b, "lille@example.org")
			b.get("/compte").expect(t, "Lila's account", http.StatusOK).contains(t, "Lila's account", "Mot de passe", "Par ProConnect",
				`action="/compte/mot-de-passe/supprimer"`, `action="/compte/mot-de-passe"`)
			// Administrators see it, on the page and in the API.
			admin := o.browser(t)
			admin.login("admin@example.org", "", "/")
			users := admin.get("/admin/utilisateurs?q=lille").expect(t, "accounts page", http.StatusOK)
			users.contains(t, "accounts page", "<th scope=\"col\">Connexion</th>", "Mot de passe<br>ProConnect")
			admin.get("/admin/utilisateurs/"+idString(o.World.LilleAuthor.ID)).expect(t, "account page", http.StatusOK).
				contains(t, "account page", "Par ProConnect")
			var list struct {
				Items []struct {
					Email  string `json:"email"`
					SignIn struct {
						Password  bool     `json:"password"`
						Providers []string `json:"providers"`
					} `json:"sign_in"`
				} `json:"items"`
			}
			o.api(t, "admin@example.org").call(http.MethodGet, "/api/v1/users?q=example", nil, http.StatusOK, &list)
			seen := map[string]string{}
			for _, it := range list.Items {
				seen[it.Email] = fmt.Sprint(it.SignIn.Password, it.SignIn.Providers)
			}
			if seen["lille@example.org"] != fmt.Sprint(true, []string{o.p.Issuer}) || seen["reader@example.org"] != "true []" {
				t.Errorf("sign_in in the API: %v", seen)
			}
			b.post("/compte/mot-de-passe/supprimer", nil).expect(t, "remove password", http.StatusSeeOther, "/compte")
			b.get("/compte").expect(t, "after removal", http.StatusOK).contains(t, "after removal", "Pas de mot de passe")
			o.browser(t).post("/login", url.Values{"email": {"lille@example.org"}, "password": {testenv.Password}}).
				expect(t, "old password", http.StatusUnauthorized)
			b.post("/compte/mot-de-passe/supprimer", nil).expect(t, "remove again", http.StatusConflict)
			if !containsAction(auditOf(t, o, "lille@example.org"), passerelle.AuditPasswordRemoved) {
				t.Error("no audit entry for the removal")
			}
			// An account without a provider keeps its password.
			r := o.browser(t)
			r.login("reader@example.org", "", "/")
			r.post("/compte/mot-de-passe/supprimer", nil).expect(t, "reader removes", http.StatusConflict)
			r.get("/compte").expect(t, "reader's account", http.StatusOK).lacks(t, "reader's account", `action="/compte/mot-de-passe/supprimer"`)
			// She signs in through the provider still, and can set a password again.
			o.signIn(t, o.browser(t), "lille@example.org")
			if err := svc.RequestPasswordReset(ctx, "lille@example.org"); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("another subject with a linked account's e-mail", func(t *testing.T) {
			b := o.browser(t)
			o.refused(t, b, o.atProvider(t, b, "lila.bis"), http.StatusConflict, passerelle.SignInTaken)
		})

		t.Run("wrong state", func(t *testing.T) {
			b := o.browser(t)
			path := o.atProvider(t, b, "agnes.agent@mairie.example.fr")
			u, _ := url.Parse(path)
			q := u.Query()
			q.Set("state", "forged"+q.Get("state"))
			u.RawQuery = q.Encode()
			o.refused(t, b, u.String(), http.StatusBadRequest, passerelle.SignInState)
			// The callback in a browser that did not begin the sign-in.
			b2 := o.browser(t)
			o.refused(t, b2, o.atProvider(t, o.browser(t), "agnes.agent@mairie.example.fr"), http.StatusBadRequest, passerelle.SignInState)
		})

		t.Run("replayed code", func(t *testing.T) {
			b := o.browser(t)
			path := o.atProvider(t, b, "agnes.agent@mairie.example.fr")
			state := mustQuery(t, path, "state")
			b.get(path).expect(t, "first use", http.StatusSeeOther, "/compte")
			// The same callback again, even with the state cookie put back.
			b3 := o.browser(t)
			setStateCookie(t, b3, state)
			o.refused(t, b3, path, http.StatusBadRequest, passerelle.SignInState)
			// The old code with a fresh, valid state: the provider refuses it.
			b2 := o.browser(t)
			fresh := o.atProvider(t, b2, "agnes.agent@mairie.example.fr")
			u, _ := url.Parse(fresh)
			q := u.Query()
			q.Set("code", mustQuery(t, path, "code"))
			u.RawQuery = q.Encode()
			o.refused(t, b2, u.String(), http.StatusUnauthorized, passerelle.SignInToken)
		})

		t.Run("cancelled at the provider", func(t *testing.T) {
			b := o.browser(t)
			path := o.atProvider(t, b, "agnes.agent@mairie.example.fr")
			u, _ := url.Parse(path)
			q := u.Query()
			q.Del("code")
			q.Set("error", "access_denied")
			u.RawQuery = q.Encode()
			o.refused(t, b, u.String(), http.StatusUnauthorized, passerelle.SignInDenied)
		})

		t.Run("wrong audience", func(t *testing.T) {
			o.p.SetAudience("another-client")
			defer o.p.SetAudience("")
			b := o.browser(t)
			o.p.AddUser(oidctest.User{ID: "aud-1", Email: "aude@mairie.example.fr", EmailVerified: true})
			o.refused(t, b, o.atProvider(t, b, "aude@mairie.example.fr"), http.StatusUnauthorized, passerelle.SignInToken)
		})

		t.Run("expired token", func(t *testing.T) {
			o.p.SetIDTokenLifetime(-time.Hour)
			defer o.p.SetIDTokenLifetime(0)
			b := o.browser(t)
			o.p.AddUser(oidctest.User{ID: "exp-1", Email: "expire@mairie.example.fr", EmailVerified: true})
			o.refused(t, b, o.atProvider(t, b, "expire@mairie.example.fr"), http.StatusUnauthorized, passerelle.SignInToken)
		})

		t.Run("unverified e-mail", func(t *testing.T) {
			b := o.browser(t)
			o.refused(t, b, o.atProvider(t, b, "ulysse@asso.example.org"), http.StatusUnauthorized, passerelle.SignInUnverified)
			// Not even to link an existing account.
			b = o.browser(t)
			o.refused(t, b, o.atProvider(t, b, "reader@example.org"), http.StatusUnauthorized, passerelle.SignInUnverified)
			// Unless the operator trusts the provider's addresses, as with
			// ProConnect, which sends no email_verified.
			svc.TrustProviderEmail = true
			defer func() { svc.TrustProviderEmail = false }()
			o.signIn(t, o.browser(t), "ulysse@asso.example.org")
		})

		t.Run("ProConnect style: userinfo as a signed JWT, no email_verified, usual_name", func(t *testing.T) {
			o.p.ProConnectStyle(true)
			defer o.p.ProConnectStyle(false)
			o.p.AddUser(oidctest.User{ID: "pc-1", Email: "paul.pro@ville.example.fr", EmailVerified: true, GivenName: "Paul", FamilyName: "Proconnect"})
			b := o.browser(t)
			o.refused(t, b, o.atProvider(t, b, "paul.pro@ville.example.fr"), http.StatusUnauthorized, passerelle.SignInUnverified)
			svc.TrustProviderEmail = true
			defer func() { svc.TrustProviderEmail = false }()
			b = o.browser(t)
			o.signIn(t, b, "paul.pro@ville.example.fr")
			b.get("/compte").expect(t, "account", http.StatusOK).contains(t, "account", "Paul Proconnect", "paul.pro@ville.example.fr")
		})

		t.Run("rotated keys", func(t *testing.T) {
			o.signIn(t, o.browser(t), "agnes.agent@mairie.example.fr") // the client knows the current key
			o.p.RotateKeys(false)
			o.signIn(t, o.browser(t), "agnes.agent@mairie.example.fr") // a token signed with a key it never saw
			o.p.RotateKeys(true)
			o.signIn(t, o.browser(t), "agnes.agent@mairie.example.fr")
			o.p.SignWithUnpublishedKey()
			defer o.p.RotateKeys(false)
			b := o.browser(t)
			o.refused(t, b, o.atProvider(t, b, "agnes.agent@mairie.example.fr"), http.StatusUnauthorized, passerelle.SignInToken)
		})

		t.Run("disabled account", func(t *testing.T) {
			o.p.AddUser(oidctest.User{ID: "dis-1", Email: "denise@mairie.example.fr", EmailVerified: true})
			o.signIn(t, o.browser(t), "denise@mairie.example.fr")
			if err := svc.DisableUser(ctx, nil, "denise@mairie.example.fr"); err != nil {
				t.Fatal(err)
			}
			b := o.browser(t)
			o.refused(t, b, o.atProvider(t, b, "denise@mairie.example.fr"), http.StatusForbidden, passerelle.SignInDisabled)
			// A disabled account with the e-mail, never linked.
			if err := svc.DisableUser(ctx, nil, "pas.mod@example.org"); err != nil {
				t.Fatal(err)
			}
			o.p.AddUser(oidctest.User{ID: "pas-1", Email: "pas.mod@example.org", EmailVerified: true})
			b = o.browser(t)
			o.refused(t, b, o.atProvider(t, b, "pas.mod@example.org"), http.StatusForbidden, passerelle.SignInDisabled)
		})

		t.Run("logout at the provider", func(t *testing.T) {
			b := o.browser(t)
			o.signIn(t, b, "agnes.agent@mairie.example.fr")
			res := b.post("/logout", nil).expect(t, "logout", http.StatusSeeOther)
			if !strings.HasPrefix(res.Location(), o.p.Issuer+"/end_session?") || !strings.Contains(res.Location(), "id_token_hint=") {
				t.Fatalf("logout leads to %q, not to the provider's end_session", res.Location())
			}
			r, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(res.Location())
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if loc := r.Header.Get("Location"); r.StatusCode != http.StatusFound || !strings.HasPrefix(loc, oidcBase+"/") {
				t.Fatalf("end_session: %d → %q", r.StatusCode, loc)
			}
			if o.p.Logouts() != 1 {
				t.Errorf("provider sessions ended: %d", o.p.Logouts())
			}
			b.get("/compte").expect(t, "signed out", http.StatusSeeOther)
			// Signed in with a password: logging out stays here.
			b2 := o.browser(t)
			b2.login("reader@example.org", "", "/")
			b2.post("/logout", nil).expect(t, "password logout", http.StatusSeeOther, "/")
		})
	})
}

func TestOIDCProviderDown(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		o := newOIDCSite(t, dialect)
		o.p.AddUser(oidctest.User{ID: "agent-1", Email: "agnes.agent@mairie.example.fr", EmailVerified: true})
		// A sign-in begun while the provider answered, finished after it
		// went down.
		b := o.browser(t)
		path := o.atProvider(t, b, "agnes.agent@mairie.example.fr")
		o.p.Stop()
		o.refused(t, b, path, http.StatusServiceUnavailable, passerelle.SignInUnavailable)
		// A provider that was never reached: the button answers at once
		// with the message, the password still works.
		o2 := newOIDCSite(t, dialect)
		o2.p.Stop()
		b = o2.browser(t)
		before := o2.counts(t)
		res := b.post("/auth/oidc/login", url.Values{"next": {"/compte"}}).expect(t, "button, provider down", http.StatusServiceUnavailable)
		res.contains(t, "provider down", html.EscapeString(o2.cat.Translator("fr").T("oidc.error.unavailable")), `name="password"`, `value="/compte"`)
		if after := o2.counts(t); after != before {
			t.Errorf("rows changed: %+v → %+v", before, after)
		}
		b.login("reader@example.org", "/compte", "/compte")
	})
}

func TestOIDCNotConfigured(t *testing.T) {
	s := newSite(t, "sqlite")
	b := s.browser(t)
	b.get("/login").expect(t, "login", http.StatusOK).lacks(t, "login", "/auth/oidc/login")
	b.post("/auth/oidc/login", nil).expect(t, "button without provider", http.StatusNotFound)
	b.get("/auth/oidc/callback?state=x&code=y").expect(t, "callback without provider", http.StatusNotFound)
}

func mustQuery(t *testing.T, path, key string) string {
	t.Helper()
	u, err := url.Parse(path)
	if err != nil || u.Query().Get(key) == "" {
		t.Fatalf("no %s in %q", key, path)
	}
	return u.Query().Get(key)
}

func setStateCookie(t *testing.T, b *browser, state string) {
	t.Helper()
	u, _ := url.Parse(b.site.URL + "/auth/oidc/callback")
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "passerelle_oidc_state", Value: state, Path: "/auth/oidc/callback"}})
}

func storeUserByEmail(o *oidcSite, email string) (*passerelle.User, string, error) {
	users, err := o.Service.SearchUsers(context.Background(), o.World.Admin, email)
	if err != nil || len(users) != 1 {
		return nil, "", err
	}
	return users[0], "", nil
}

func auditOf(t *testing.T, o *oidcSite, target string) []passerelle.AuditEntry {
	t.Helper()
	page, err := o.Service.Journal(context.Background(), o.World.Admin, service.JournalQuery{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	return page.Entries
}

func containsAction(entries []passerelle.AuditEntry, a passerelle.AuditAction) bool {
	for _, e := range entries {
		if e.Action == a {
			return true
		}
	}
	return false
}
