// Package oidctest runs a real OpenID provider in process for tests: the
// provider side of zitadel/oidc (pkg/op, a certified OpenID Provider
// implementation) over its example in-memory storage, with a small login
// page. Tests add people, then turn the provider's knobs: rotate its
// signing keys, sign with a key it does not publish, issue ID tokens
// already expired or for another audience, or stop it.
package oidctest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Client credentials the provider knows Passerelle by.
const (
	ClientID     = "passerelle"
	ClientSecret = "secret-de-test-passerelle"
)

// Password is every test person's password at the provider.
const Password = "motdepasse-fournisseur"

// User is a person the provider knows.
type User struct {
	ID            string // the subject
	Username      string // what they type at the provider; Email when empty
	Email         string
	EmailVerified bool
	GivenName     string
	FamilyName    string
}

// Provider is a running OpenID provider.
type Provider struct {
	// Issuer is the provider's URL (discovery at
	// Issuer/.well-known/openid-configuration).
	Issuer string
	srv    *httptest.Server
	st     *testStorage
}

// Start runs a provider until the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	users := &userStore{users: map[string]*storage.User{}}
	st := &testStorage{Storage: storage.NewStorageWithClients(users, map[string]*storage.Client{}), users: users,
		clients: map[string]*storage.Client{}}
	st.rotate(false)
	key := sha256.Sum256([]byte("oidctest"))
	provider, err := op.NewProvider(&op.Config{CryptoKey: key, CryptoKeyId: "k", CodeMethodS256: true, AuthMethodPost: true,
		SupportedUILocales: []language.Tag{language.French}}, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	callback := op.AuthCallbackURL(provider)
	interceptor := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	r.Get("/login/username", func(w http.ResponseWriter, r *http.Request) {
		_ = loginPage.Execute(w, map[string]string{"ID": r.URL.Query().Get("authRequestID")})
	})
	r.Post("/login/username", interceptor.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		id := r.PostForm.Get("id")
		if err := st.CheckUsernamePassword(r.PostForm.Get("username"), r.PostForm.Get("password"), id); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			_ = loginPage.Execute(w, map[string]string{"ID": id, "Error": err.Error()})
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	}))
	r.Get("/logged-out", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("signed out")) })
	r.Post("/oauth/token", st.rewriteIDToken(provider))
	r.Get("/userinfo", st.rewriteUserinfo(provider))
	r.Post("/userinfo", st.rewriteUserinfo(provider))
	r.Mount("/", provider)
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(srv.Close)
	return &Provider{Issuer: issuer, srv: srv, st: st}
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Fournisseur d'identité de test</title></head>
<body><main><h1>Fournisseur d'identité de test</h1>
{{with .Error}}<p role="alert">{{.}}</p>{{end}}
<form method="post" action="/login/username">
<input type="hidden" name="id" value="{{.ID}}">
<p><label for="username">Identifiant</label> <input id="username" name="username" autocomplete="username"></p>
<p><label for="password">Mot de passe</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
<p><button type="submit" id="provider-submit">Se connecter</button></p>
</form></main></body></html>`))

// Register makes Passerelle a client of the provider, with its callback and
// its post-logout return URL.
func (p *Provider) Register(redirectURI, postLogoutURI string) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.clients[ClientID] = storage.WebClient(ClientID, ClientSecret, redirectURI)
	p.st.postLogout = []string{postLogoutURI}
}

// AddUser adds a person; they sign in with their username (e-mail) and
// Password.
func (p *Provider) AddUser(u User) {
	if u.Username == "" {
		u.Username = u.Email
	}
	p.st.users.mu.Lock()
	defer p.st.users.mu.Unlock()
	p.st.users.users[u.ID] = &storage.User{ID: u.ID, Username: u.Username, Password: Password, FirstName: u.GivenName,
		LastName: u.FamilyName, Email: u.Email, EmailVerified: u.EmailVerified, PreferredLanguage: language.French}
}

// RotateKeys signs from now on with a new key. keepOld keeps publishing the
// previous key beside it (a rotation with overlap); otherwise only the new
// key is published.
func (p *Provider) RotateKeys(keepOld bool) { p.st.rotate(keepOld) }

// SignWithUnpublishedKey makes the provider sign ID tokens with a key that
// its key set (jwks_uri) does not publish: a forged signature, as far as
// the client can tell.
func (p *Provider) SignWithUnpublishedKey() {
	k := newKey()
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.signing = k
}

// SetIDTokenLifetime changes the lifetime of the ID tokens issued from now
// on; a negative one issues them already expired.
func (p *Provider) SetIDTokenLifetime(d time.Duration) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.lifetime = d
}

// SetAudience makes the ID tokens issued from now on name another audience
// than the client ("" for the client again): the token endpoint's answer
// carries an ID token for aud, signed with the provider's key.
func (p *Provider) SetAudience(aud string) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.audience = aud
}

// ProConnectStyle makes the provider answer userinfo as ProConnect does:
// a JWT signed with its key (Content-Type application/jwt), without
// email_verified, the last name as usual_name.
func (p *Provider) ProConnectStyle(on bool) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.proConnect = on
}

// Logouts returns how many sessions were ended through end_session.
func (p *Provider) Logouts() int {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	return p.st.logouts
}

// Stop shuts the provider down: it no longer answers at all.
func (p *Provider) Stop() { p.srv.Close() }

type key struct {
	id   string
	priv *rsa.PrivateKey
}

func newKey() *key {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &key{id: fmt.Sprintf("k%x", b), priv: priv}
}

type signingKey struct{ *key }

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.priv }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct{ *key }

func (k publicKey) ID() string                         { return k.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.priv.PublicKey }

// testStorage is zitadel's example storage with the knobs above: its own
// keys, clients and ID token audience and lifetime.
type testStorage struct {
	*storage.Storage
	users *userStore

	mu         sync.Mutex
	clients    map[string]*storage.Client
	postLogout []string
	signing    *key
	published  []*key
	lifetime   time.Duration
	audience   string
	proConnect bool
	logouts    int
}

func (s *testStorage) rotate(keepOld bool) {
	k := newKey()
	s.mu.Lock()
	defer s.mu.Unlock()
	if keepOld {
		s.published = append(s.published, k)
	} else {
		s.published = []*key{k}
	}
	s.signing = k
}

func (s *testStorage) SigningKey(context.Context) (op.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return signingKey{s.signing}, nil
}

func (s *testStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *testStorage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]op.Key, len(s.published))
	for i, k := range s.published {
		out[i] = publicKey{k}
	}
	return out, nil
}

// client is a registered client with the storage's lifetime and
// post-logout URIs.
type client struct {
	op.Client
	lifetime   time.Duration
	postLogout []string
}

func (c client) IDTokenLifetime() time.Duration   { return c.lifetime }
func (c client) PostLogoutRedirectURIs() []string { return c.postLogout }

func (s *testStorage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok {
		return nil, fmt.Errorf("client not found")
	}
	lifetime := s.lifetime
	if lifetime == 0 {
		lifetime = time.Hour
	}
	return client{Client: c, lifetime: lifetime, postLogout: s.postLogout}, nil
}

func (s *testStorage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clients[id]; !ok || secret != ClientSecret {
		return fmt.Errorf("invalid client")
	}
	return nil
}

func (s *testStorage) TerminateSession(ctx context.Context, userID, clientID string) error {
	s.mu.Lock()
	s.logouts++
	s.mu.Unlock()
	return s.Storage.TerminateSession(ctx, userID, clientID)
}

// userStore is the provider's people, which tests may add to.
type userStore struct {
	mu    sync.Mutex
	users map[string]*storage.User
}

func (u *userStore) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.users[id]
}

func (u *userStore) GetUserByUsername(name string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, x := range u.users {
		if x.Username == name {
			return x
		}
	}
	return nil
}

func (u *userStore) ExampleClientID() string { return storage.ServiceUserID }

// rewriteIDToken passes token requests to the provider and, when an
// audience is set, replaces the ID token of the answer by the same claims
// for that audience (and authorized party), signed with the provider's
// current key.
func (s *testStorage) rewriteIDToken(next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		aud, k := s.audience, s.signing
		s.mu.Unlock()
		if aud == "" {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["id_token"] == nil {
			copyResponse(w, rec)
			return
		}
		tok, err := jose.ParseSignedCompact(body["id_token"].(string), []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var claims map[string]any
		if err := json.Unmarshal(tok.UnsafePayloadWithoutVerification(), &claims); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		claims["aud"], claims["azp"], claims["client_id"] = []string{aud}, aud, aud
		payload, _ := json.Marshal(claims)
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.id}},
			(&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		signed, err := signer.Sign(payload)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		body["id_token"], _ = signed.CompactSerialize()
		out, _ := json.Marshal(body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	}
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// rewriteUserinfo passes userinfo requests to the provider and, in
// ProConnect style, answers its claims as a signed JWT without
// email_verified and with usual_name.
func (s *testStorage) rewriteUserinfo(next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		on, k := s.proConnect, s.signing
		s.mu.Unlock()
		if !on {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var claims map[string]any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &claims) != nil {
			copyResponse(w, rec)
			return
		}
		delete(claims, "email_verified")
		if fam, ok := claims["family_name"]; ok {
			claims["usual_name"] = fam
			delete(claims, "family_name")
		}
		delete(claims, "name")
		payload, _ := json.Marshal(claims)
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k.priv, KeyID: k.id}},
			(&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		signed, err := signer.Sign(payload)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		out, _ := signed.CompactSerialize()
		w.Header().Set("Content-Type", "application/jwt")
		_, _ = w.Write([]byte(out))
	}
}
