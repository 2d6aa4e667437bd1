package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// Single sign-on with the OpenID provider (service.BeginProviderSignIn,
// service.FinishProviderSignIn; the protocol is in internal/oidc).

// OIDCCallbackPath is the redirect URL to register at the provider, after
// the base URL.
const OIDCCallbackPath = "/auth/oidc/callback"

// oidcStateCookie holds the state of the sign-in the browser started, for
// the callback only; oidcTokenCookie the ID token, to sign out at the
// provider too.
const (
	oidcStateCookie = "passerelle_oidc_state"
	oidcTokenCookie = "passerelle_oidc_token" //nolint:gosec // G101: a cookie's name
)

// oidcStateLifetime matches the server-side flow's lifetime.
const oidcStateLifetime = 10 * time.Minute

// loginData is the login form's data with the provider's button when one
// is configured.
func (s *Server) loginData(email, next string) *view.LoginData {
	return &view.LoginData{Email: email, Next: next, Provider: s.svc.ProviderLabel()}
}

// oidcStart sends the browser to the provider, keeping the state in a
// short-lived cookie bound to the callback's path.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	redirect, state, err := s.svc.BeginProviderSignIn(r.Context(), next)
	if err != nil {
		s.oidcRefused(w, r, err, next)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcStateCookie, Value: state, Path: OIDCCallbackPath, MaxAge: int(oidcStateLifetime.Seconds()),
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, redirect, http.StatusSeeOther) //nolint:gosec // G710: the provider's authorization URL, built by the service from its discovery document
}

// oidcCallback finishes the sign-in when the provider sends the browser
// back: a new session, as after a password.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cb := service.ProviderCallback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")}
	if c, err := r.Cookie(oidcStateCookie); err == nil {
		cb.BrowserState = c.Value
	}
	// The state serves once, whatever happens.
	http.SetCookie(w, &http.Cookie{Name: oidcStateCookie, Value: "", Path: OIDCCallbackPath, MaxAge: -1,
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	ctx := r.Context()
	res, err := s.svc.FinishProviderSignIn(ctx, cb)
	if err != nil {
		s.oidcRefused(w, r, err, "")
		return
	}
	if old, _ := ctx.Value(sessionKey).(string); old != "" {
		if err := s.svc.EndSession(ctx, old); err != nil {
			s.logger.WarnContext(ctx, "end previous session", slog.Any("err", err))
		}
	}
	token, expires, err := s.svc.CreateSession(ctx, res.User)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.setSessionCookie(w, token, expires)
	http.SetCookie(w, &http.Cookie{Name: oidcTokenCookie, Value: res.IDToken, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	if to, flash, ok := s.followAfterSignIn(ctx, res.User, res.Next); ok {
		s.redirectWithFlash(w, r, to, flash) // pages_follow.go
		return
	}
	next := res.Next
	if next == "" {
		if next, err = s.svc.Landing(ctx, res.User); err != nil {
			next = "/" // as after a password (pages_auth.go)
		}
	}
	s.redirectWithFlash(w, r, next, "login")
}

// oidcRefused shows the login form again with what went wrong, in words
// for people; the password form is there as ever.
func (s *Server) oidcRefused(w http.ResponseWriter, r *http.Request, err error, next string) {
	reason := passerelle.SignInReason(err)
	if reason == "" {
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			s.errorPage(w, r, err)
			return
		}
		if passerelle.ErrorCode(err) == passerelle.EInternal {
			s.logger.ErrorContext(r.Context(), "provider sign-in", slog.Any("err", err))
		}
		reason = "failed"
	}
	tr := s.tr(r)
	data := s.loginData("", next)
	data.Errors = []view.FormError{{Message: tr.T("oidc.error." + reason)}}
	status := statusFor(err)
	if status == 0 || status == http.StatusInternalServerError {
		status = http.StatusBadGateway
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "30")
	}
	s.render(w, r, status, "login", &view.Page{Title: tr.T("login.heading"), Data: data})
}

// providerLogout returns where logging out should end: the provider's
// end-session endpoint when the session began there and the provider offers
// one, "" otherwise. It forgets the ID token.
func (s *Server) providerLogout(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(oidcTokenCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: oidcTokenCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	return s.svc.ProviderLogoutURL(r.Context(), c.Value)
}

// signInView tells people how an account signs in.
func (s *Server) signInView(m passerelle.SignInMethods) view.SignInView {
	out := view.SignInView{Password: m.Password}
	for _, l := range m.Links {
		out.Providers = append(out.Providers, view.ProviderLink{Label: s.svc.ProviderName(l.Issuer), Since: l.CreatedAt, LastUsed: l.LastUsedAt})
	}
	return out
}

// removePasswordPage drops the signed-in user's password once their account
// is linked to the provider (service.RemovePassword).
func (s *Server) removePasswordPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	if err := s.svc.RemovePassword(r.Context(), u); err != nil {
		if passerelle.ErrorCode(err) != passerelle.EConflict {
			s.errorPage(w, r, err)
			return
		}
		data, derr := s.accountData(r, u)
		if derr != nil {
			s.errorPage(w, r, derr)
			return
		}
		tr := s.tr(r)
		data.Errors = []view.FormError{{Message: tr.T("oidc.account.cannot_remove")}}
		s.render(w, r, http.StatusConflict, "account", &view.Page{Title: tr.T("account.heading"), Data: data})
		return
	}
	s.redirectWithFlash(w, r, "/compte", "password_removed")
}
