// Package oidc signs people in with an OpenID Connect provider (ProConnect,
// a resource centre's own provider…), as a relying party: authorization
// code flow with PKCE, state and nonce, the ID token verified by go-oidc
// (issuer, audience, expiry, signature with the provider's published keys,
// fetched again when a token names a key it does not know: key rotation).
// It implements service.IdentityProvider; which account signs in is the
// service's business.
package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// DefaultScopes are asked for when none are configured.
var DefaultScopes = []string{gooidc.ScopeOpenID, "email"}

// ProConnectScopes are the scopes ProConnect-style providers expect.
var ProConnectScopes = []string{gooidc.ScopeOpenID, "email", "given_name", "usual_name", "uid", "siret"}

// Config is a client registration at one provider.
type Config struct {
	Issuer       string // the provider's issuer URL (discovery at <issuer>/.well-known/openid-configuration)
	ClientID     string
	ClientSecret string
	RedirectURL  string   // <base-url>/auth/oidc/callback
	Scopes       []string // DefaultScopes when empty; openid is always asked for
	ACRValues    string   // acr_values sent with the request, "" for none
	Label        string   // the button's text: "Se connecter avec <Label>"
	// Timeout bounds every request to the provider (10 s when zero):
	// discovery never blocks start-up, and a provider that does not answer
	// gives a clear message soon.
	Timeout time.Duration
	// RetryAfter is how long a failed discovery is remembered before the
	// provider is asked again (10 s when zero).
	RetryAfter time.Duration
	Logger     *slog.Logger
	// HTTPClient replaces the client that speaks to the provider (tests).
	HTTPClient *http.Client
}

// Client is the relying party of one provider. Discovery is lazy: nothing
// is fetched until someone signs in, so a provider that is down neither
// delays nor stops Passerelle's start.
type Client struct {
	cfg    Config
	client *http.Client

	mu          sync.Mutex
	provider    *gooidc.Provider
	endSession  string
	origins     []string
	failedUntil time.Time
	lastErr     error
}

// New returns a client for cfg; it makes no request.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 10 * time.Second
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultScopes
	}
	hasOpenID := false
	for _, s := range cfg.Scopes {
		hasOpenID = hasOpenID || s == gooidc.ScopeOpenID
	}
	if !hasOpenID {
		cfg.Scopes = append([]string{gooidc.ScopeOpenID}, cfg.Scopes...)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{cfg: cfg, client: cfg.HTTPClient}
	if c.client == nil {
		c.client = &http.Client{Timeout: cfg.Timeout}
	}
	return c
}

// Label is the provider's name on the sign-in button.
func (c *Client) Label() string { return c.cfg.Label }

// Issuer is the provider's issuer URL.
func (c *Client) Issuer() string { return c.cfg.Issuer }

func unavailable() error {
	return passerelle.SignInError(passerelle.EUnavailable, passerelle.SignInUnavailable,
		"The sign-in provider does not answer; try again later or sign in with your password.")
}

func tokenRefused() error {
	return passerelle.SignInError(passerelle.EUnauthn, passerelle.SignInToken,
		"The provider's answer could not be verified; start again.")
}

// ctx gives go-oidc and oauth2 the client's HTTP client.
func (c *Client) ctx(ctx context.Context) context.Context {
	return gooidc.ClientContext(ctx, c.client)
}

// discover returns the provider, fetching its discovery document the first
// time (and again after a failure, RetryAfter later).
func (c *Client) discover(ctx context.Context) (*gooidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, nil
	}
	if time.Now().Before(c.failedUntil) {
		return nil, c.lastErr
	}
	dctx, cancel := context.WithTimeout(c.ctx(ctx), c.cfg.Timeout)
	defer cancel()
	p, err := gooidc.NewProvider(dctx, c.cfg.Issuer)
	if err != nil {
		c.cfg.Logger.WarnContext(ctx, "OpenID provider discovery failed", slog.String("issuer", c.cfg.Issuer), slog.Any("err", err))
		c.failedUntil, c.lastErr = time.Now().Add(c.cfg.RetryAfter), unavailable()
		return nil, c.lastErr
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err == nil {
		c.endSession = meta.EndSession
	}
	c.provider = p
	c.origins = originsOf(c.cfg.Issuer, p.Endpoint().AuthURL, c.endSession)
	return p, nil
}

// originsOf returns the distinct origins (scheme://host[:port]) of urls.
func originsOf(urls ...string) []string {
	var out []string
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			continue
		}
		o := u.Scheme + "://" + u.Host
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// Origins returns the origins the browser is sent to at the provider (its
// authorization and end-session endpoints, the issuer's before discovery),
// for the form-action of the content security policy: the sign-in button
// and the logout button are forms whose answer redirects there.
func (c *Client) Origins() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.origins != nil {
		return c.origins
	}
	return originsOf(c.cfg.Issuer)
}

func (c *Client) oauth2Config(p *gooidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: c.cfg.Scopes}
}

// AuthCodeURL returns the provider's authorization URL for an
// authorization code flow with state, nonce and a PKCE S256 challenge.
// Errors: unavailable.
func (c *Client) AuthCodeURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return "", err
	}
	opts := []oauth2.AuthCodeOption{gooidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)}
	if c.cfg.ACRValues != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", c.cfg.ACRValues))
	}
	return c.oauth2Config(p).AuthCodeURL(state, opts...), nil
}

// claims are the ID token's and userinfo's claims Passerelle reads;
// given_name and usual_name are ProConnect's.
type claims struct {
	Subject       string          `json:"sub"`
	Email         string          `json:"email"`
	EmailVerified json.RawMessage `json:"email_verified"`
	Name          string          `json:"name"`
	GivenName     string          `json:"given_name"`
	FamilyName    string          `json:"family_name"`
	UsualName     string          `json:"usual_name"`
}

// verified reads email_verified, true or "true"; anything else (missing
// included) is not verified.
func (c *claims) verified() bool {
	s := strings.Trim(strings.TrimSpace(string(c.EmailVerified)), `"`)
	return strings.EqualFold(s, "true")
}

func (c *claims) name() string {
	if n := strings.TrimSpace(c.Name); n != "" {
		return n
	}
	last := c.UsualName
	if last == "" {
		last = c.FamilyName
	}
	return strings.TrimSpace(c.GivenName + " " + last)
}

// Exchange trades the code for tokens (with the PKCE verifier), verifies
// the ID token (signature, issuer, audience, expiry) and its nonce, and
// reads the e-mail from the ID token or, when it is not there, from the
// userinfo endpoint. Errors: unavailable (the provider does not answer),
// unauthenticated with reason token (refused code, token that does not
// hold).
func (c *Client) Exchange(ctx context.Context, code, verifier, nonce string) (passerelle.Identity, string, error) {
	p, err := c.discover(ctx)
	if err != nil {
		return passerelle.Identity{}, "", err
	}
	log := c.cfg.Logger.With(slog.String("issuer", c.cfg.Issuer))
	tctx, cancel := context.WithTimeout(c.ctx(ctx), c.cfg.Timeout)
	defer cancel()
	tok, err := c.oauth2Config(p).Exchange(tctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			log.WarnContext(ctx, "OpenID provider refused the code", slog.String("error", re.ErrorCode), slog.String("description", re.ErrorDescription))
			return passerelle.Identity{}, "", tokenRefused()
		}
		log.WarnContext(ctx, "OpenID provider token endpoint failed", slog.Any("err", err))
		if isNetwork(err) || (errors.As(err, &re) && re.Response != nil) {
			return passerelle.Identity{}, "", unavailable()
		}
		return passerelle.Identity{}, "", tokenRefused()
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		log.WarnContext(ctx, "OpenID provider sent no ID token")
		return passerelle.Identity{}, "", tokenRefused()
	}
	idt, err := p.Verifier(&gooidc.Config{ClientID: c.cfg.ClientID}).Verify(tctx, raw)
	if err != nil {
		log.WarnContext(ctx, "ID token refused", slog.Any("err", err))
		return passerelle.Identity{}, "", tokenRefused()
	}
	if idt.Nonce != nonce {
		log.WarnContext(ctx, "ID token refused: wrong nonce")
		return passerelle.Identity{}, "", tokenRefused()
	}
	var cl claims
	if err := idt.Claims(&cl); err != nil {
		log.WarnContext(ctx, "ID token claims unreadable", slog.Any("err", err))
		return passerelle.Identity{}, "", tokenRefused()
	}
	if cl.Email == "" && p.UserInfoEndpoint() != "" {
		// Many providers (ProConnect among them) put the e-mail only in
		// userinfo's answer.
		info, err := p.UserInfo(tctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			log.WarnContext(ctx, "userinfo failed", slog.Any("err", err))
			if isNetwork(err) {
				return passerelle.Identity{}, "", unavailable()
			}
			return passerelle.Identity{}, "", tokenRefused()
		}
		var ui claims
		if err := info.Claims(&ui); err != nil || ui.Subject != idt.Subject {
			log.WarnContext(ctx, "userinfo refused: unreadable or another subject", slog.Any("err", err))
			return passerelle.Identity{}, "", tokenRefused()
		}
		cl.Email, cl.EmailVerified = ui.Email, ui.EmailVerified
		if cl.name() == "" {
			cl.Name, cl.GivenName, cl.FamilyName, cl.UsualName = ui.Name, ui.GivenName, ui.FamilyName, ui.UsualName
		}
	}
	return passerelle.Identity{Issuer: c.cfg.Issuer, Subject: idt.Subject, Email: cl.Email, EmailVerified: cl.verified(),
		Name: cl.name()}, raw, nil
}

// isNetwork reports whether err is a connection failure or a timeout.
func isNetwork(err error) bool {
	var ne net.Error
	var ue *url.Error
	return errors.As(err, &ne) || errors.As(err, &ue) || errors.Is(err, context.DeadlineExceeded)
}

// LogoutURL returns the provider's end_session_endpoint with the ID token
// as hint and postLogout to come back to, or "" when the provider's
// discovery document offers none.
func (c *Client) LogoutURL(ctx context.Context, idToken, postLogout string) string {
	if _, err := c.discover(ctx); err != nil {
		return ""
	}
	c.mu.Lock()
	end := c.endSession
	c.mu.Unlock()
	if end == "" {
		return ""
	}
	u, err := url.Parse(end)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("id_token_hint", idToken)
	q.Set("client_id", c.cfg.ClientID)
	q.Set("post_logout_redirect_uri", postLogout)
	q.Set("state", fmt.Sprintf("%d", time.Now().UnixNano()))
	u.RawQuery = q.Encode()
	return u.String()
}
