package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/mail"
	"net/url"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// IdentityProvider is the OpenID provider people may sign in with
// (internal/oidc implements it over go-oidc). It proves who; the service
// decides what.
type IdentityProvider interface {
	// Label is the provider's name on the sign-in button.
	Label() string
	// Issuer is the provider's issuer URL, as links record it.
	Issuer() string
	// Origins are the provider's origins the browser is sent to by a form
	// (sign-in and logout buttons), for the content security policy.
	Origins() []string
	// AuthCodeURL returns where to send the browser to sign in, carrying
	// state, nonce and the PKCE challenge of verifier. Errors: unavailable
	// (the provider cannot be reached), with reason SignInUnavailable.
	AuthCodeURL(ctx context.Context, state, nonce, verifier string) (string, error)
	// Exchange trades an authorization code for the verified identity
	// (signature, issuer, audience, expiry and nonce of the ID token
	// checked) and the raw ID token, kept for logging out at the provider.
	// Errors carry a SignIn reason: unavailable, token.
	Exchange(ctx context.Context, code, verifier, nonce string) (passerelle.Identity, string, error)
	// LogoutURL returns the provider's end-session URL for idToken, coming
	// back to postLogout, or "" when the provider offers none.
	LogoutURL(ctx context.Context, idToken, postLogout string) string
}

// signInFlowLifetime is how long a person has to sign in at the provider.
const signInFlowLifetime = 10 * time.Minute

// ProviderLabel returns the name of the OpenID provider shown on the
// sign-in button, "" when single sign-on is not configured.
func (s *Service) ProviderLabel() string {
	if s.Provider == nil {
		return ""
	}
	return s.Provider.Label()
}

// ProviderOrigins returns the origins of the provider's pages that the
// sign-in and logout forms lead to, none without a provider.
func (s *Service) ProviderOrigins() []string {
	if s.Provider == nil {
		return nil
	}
	return s.Provider.Origins()
}

// ProviderName returns how to name the provider of issuer to people: the
// configured provider's label, else the issuer's host (a link made with a
// provider since replaced).
func (s *Service) ProviderName(issuer string) string {
	if s.Provider != nil && s.Provider.Issuer() == issuer {
		return s.Provider.Label()
	}
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		return u.Host
	}
	return issuer
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// BeginProviderSignIn starts a sign-in at the OpenID provider: it records
// the state, nonce and PKCE verifier server-side (single-use, ten minutes)
// and returns the provider's URL and the state, which the browser keeps in
// a cookie so that a callback can only finish the sign-in it started. next
// is where to go afterwards (already checked to be local). Errors:
// not_found (no provider configured), unavailable (the provider does not
// answer).
func (s *Service) BeginProviderSignIn(ctx context.Context, next string) (redirect, state string, err error) {
	if s.Provider == nil {
		return "", "", passerelle.Errorf(passerelle.ENotFound, "Single sign-on is not configured.")
	}
	state, nonce, verifier := randomToken(), randomToken(), randomToken()+randomToken()[:11]
	redirect, err = s.Provider.AuthCodeURL(ctx, state, nonce, verifier)
	if err != nil {
		return "", "", err
	}
	now := store.Now()
	err = store.InsertOIDCFlow(ctx, s.DB.Bun, &store.OIDCFlow{StateHash: passerelle.HashSecret(state), Nonce: nonce,
		Verifier: verifier, Next: next, CreatedAt: now, ExpiresAt: now.Add(signInFlowLifetime)})
	if err != nil {
		return "", "", err
	}
	return redirect, state, nil
}

// ProviderCallback is what the provider's redirect brings back.
type ProviderCallback struct {
	State, Code string
	// Error is the provider's error parameter (access_denied when the
	// person cancelled), "" on success.
	Error string
	// BrowserState is the state the browser kept when the sign-in began.
	BrowserState string
}

// ProviderSignIn is a finished sign-in through the provider.
type ProviderSignIn struct {
	User    *passerelle.User
	IDToken string // for logging out at the provider
	Next    string // where to go now ("" for the default)
	Created bool   // a new reader account was opened
	Linked  bool   // an existing account was linked to the provider
}

// stateError is the refusal of a callback whose state does not hold.
func stateError() error {
	return passerelle.SignInError(passerelle.EInvalid, passerelle.SignInState,
		"This sign-in link is not valid or has expired; start again.")
}

// FinishProviderSignIn finishes a sign-in at the provider's callback: the
// state must be the browser's and be used once within ten minutes; the
// code is exchanged with the PKCE verifier and the ID token verified with
// the nonce. Then the account: the one already linked to this subject;
// else the account with the same e-mail, linked now, when the provider says
// the e-mail is verified (or TrustProviderEmail is set); else a new reader
// account without a password. Roles are never taken from the provider.
// Every refusal carries a SignIn reason and creates nothing. Errors:
// invalid_request (state), unauthenticated (denied, token, e-mail missing
// or unverified), forbidden (disabled), conflict (taken), unavailable.
func (s *Service) FinishProviderSignIn(ctx context.Context, cb ProviderCallback) (*ProviderSignIn, error) {
	if s.Provider == nil {
		return nil, passerelle.Errorf(passerelle.ENotFound, "Single sign-on is not configured.")
	}
	if cb.State == "" || cb.BrowserState == "" || cb.State != cb.BrowserState {
		return nil, stateError()
	}
	// The state is spent before anything else: a replayed callback finds
	// it used, whatever happens next.
	flow, err := store.UseOIDCFlow(ctx, s.DB.Bun, passerelle.HashSecret(cb.State))
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return nil, stateError()
	} else if err != nil {
		return nil, err
	}
	if cb.Error != "" || cb.Code == "" {
		return nil, passerelle.SignInError(passerelle.EUnauthn, passerelle.SignInDenied, "The provider did not sign you in.")
	}
	id, idToken, err := s.Provider.Exchange(ctx, cb.Code, flow.Verifier, flow.Nonce)
	if err != nil {
		return nil, err
	}
	out := &ProviderSignIn{IDToken: idToken, Next: flow.Next}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		out.User, out.Created, out.Linked, err = s.accountOfIdentity(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// accountOfIdentity finds, links or opens the account of id (see
// FinishProviderSignIn).
func (s *Service) accountOfIdentity(ctx context.Context, tx bun.Tx, id passerelle.Identity) (u *passerelle.User, created, linked bool, err error) {
	disabled := passerelle.SignInError(passerelle.EForbidden, passerelle.SignInDisabled, "This account is disabled.")
	u, err = store.UserByIdentity(ctx, tx, id.Issuer, id.Subject)
	switch passerelle.ErrorCode(err) {
	case "":
		if u.Disabled() {
			return nil, false, false, disabled
		}
		return u, false, false, store.TouchIdentityLink(ctx, tx, id.Issuer, id.Subject)
	case passerelle.ENotFound:
	default:
		return nil, false, false, err
	}
	email := passerelle.NormalizeEmail(id.Email)
	if a, perr := mail.ParseAddress(email); email == "" || perr != nil || a.Address != email || len(email) > 254 {
		return nil, false, false, passerelle.SignInError(passerelle.EUnauthn, passerelle.SignInNoEmail,
			"The provider gave no usable e-mail address.")
	}
	if !id.EmailVerified && !s.TrustProviderEmail {
		return nil, false, false, passerelle.SignInError(passerelle.EUnauthn, passerelle.SignInUnverified,
			"The provider did not say your e-mail address is verified.")
	}
	link := passerelle.IdentityLink{Issuer: id.Issuer, Subject: id.Subject, Email: email}
	u, _, err = store.UserByEmail(ctx, tx, email)
	switch passerelle.ErrorCode(err) {
	case "":
		if u.Disabled() {
			return nil, false, false, disabled
		}
		// One subject per provider and account: another subject with the
		// same e-mail is another person, or the same under a new identity
		// that an administrator must sort out.
		if n, err := store.CountIdentityLinks(ctx, tx, u.ID, id.Issuer); err != nil {
			return nil, false, false, err
		} else if n > 0 {
			return nil, false, false, passerelle.SignInError(passerelle.EConflict, passerelle.SignInTaken,
				"The account with this e-mail is linked to another identity of this provider.")
		}
		link.UserID = u.ID
		if err := store.InsertIdentityLink(ctx, tx, link); err != nil {
			return nil, false, false, err
		}
		return u, false, true, audit(ctx, tx, u, passerelle.AuditIdentityLink, u.Email, map[string]string{"issuer": id.Issuer})
	case passerelle.ENotFound:
	default:
		return nil, false, false, err
	}
	u = &passerelle.User{Email: email, Name: passerelle.NameFromIdentity(id), Lang: "fr"}
	if u.Name == "" {
		u.Name = email
	}
	// No password: the account signs in through the provider until its
	// holder sets one with "forgotten password".
	if err := store.InsertUser(ctx, tx, u, ""); err != nil {
		return nil, false, false, err
	}
	link.UserID = u.ID
	if err := store.InsertIdentityLink(ctx, tx, link); err != nil {
		return nil, false, false, err
	}
	if err := audit(ctx, tx, u, passerelle.AuditUserCreate, u.Email, map[string]string{
		"name": u.Name, "admin": strconv.FormatBool(false), "issuer": id.Issuer}); err != nil {
		return nil, false, false, err
	}
	if err := audit(ctx, tx, u, passerelle.AuditIdentityLink, u.Email, map[string]string{"issuer": id.Issuer}); err != nil {
		return nil, false, false, err
	}
	return u, true, false, store.BumpPolicyVersion(ctx, tx)
}

// ProviderLogoutURL returns where to send the browser to sign out at the
// provider too, "" when it offers no end-session endpoint (or no provider
// is configured, or no ID token is known).
func (s *Service) ProviderLogoutURL(ctx context.Context, idToken string) string {
	if s.Provider == nil || idToken == "" {
		return ""
	}
	return s.Provider.LogoutURL(ctx, idToken, s.BaseURL+"/")
}

// SignInMethods returns how each of the accounts signs in (administrators
// only). Errors: unauthenticated, forbidden.
func (s *Service) SignInMethods(ctx context.Context, actor Actor, users []*passerelle.User) (map[int64]passerelle.SignInMethods, error) {
	if err := mustAdmin(actor, "Only administrators manage accounts."); err != nil {
		return nil, err
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return store.SignInMethodsOfUsers(ctx, s.DB.Read, ids)
}

// MySignInMethods returns how the actor signs in. Errors: unauthenticated.
func (s *Service) MySignInMethods(ctx context.Context, actor Actor) (passerelle.SignInMethods, error) {
	if actor == nil {
		return passerelle.SignInMethods{}, SignInNeeded()
	}
	m, err := store.SignInMethodsOfUsers(ctx, s.DB.Read, []int64{actor.ID})
	return m[actor.ID], err
}

// RemovePassword drops the actor's password, so that the account signs in
// only through its provider (a password can be set again with "forgotten
// password"). Only an account linked to a provider may: otherwise it could
// no longer sign in at all. Errors: unauthenticated, conflict (no provider
// linked, or no password to remove).
func (s *Service) RemovePassword(ctx context.Context, actor Actor) error {
	if actor == nil || actor.Disabled() {
		return SignInNeeded()
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := store.CountIdentityLinks(ctx, tx, actor.ID, "")
		if err != nil {
			return err
		}
		if n == 0 {
			return passerelle.Errorf(passerelle.EConflict, "Sign in once through the provider before removing your password.")
		}
		hash, err := store.PasswordHash(ctx, tx, actor.ID)
		if err != nil {
			return err
		}
		if hash == "" {
			return passerelle.Errorf(passerelle.EConflict, "This account has no password.")
		}
		if err := store.SetPasswordHash(ctx, tx, actor.ID, ""); err != nil {
			return err
		}
		return audit(ctx, tx, actor, passerelle.AuditPasswordRemoved, actor.Email, nil)
	})
}
