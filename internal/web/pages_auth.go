package web

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

// loginPage shows the login form; ?next= is where to go afterwards.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", &view.Page{Title: s.tr(r).T("login.heading"), Data: s.loginData("", safeNext(r.URL.Query().Get("next")))})
}

// login checks the e-mail and password (with the rate limits of every
// password entry point), opens a new session and goes on to next. A failure
// shows the form again with the e-mail kept.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	email, password := r.PostForm.Get("email"), r.PostForm.Get("password")
	data := s.loginData(email, safeNext(r.PostForm.Get("next")))
	title := tr.T("login.heading")
	if email == "" {
		data.Errors = append(data.Errors, fieldError(tr, "email", passerelle.FieldRequired))
	}
	if password == "" {
		data.Errors = append(data.Errors, fieldError(tr, "password", passerelle.FieldRequired))
	}
	if len(data.Errors) > 0 {
		s.render(w, r, http.StatusBadRequest, "login", &view.Page{Title: title, Data: data})
		return
	}
	u, wait, err := s.checkPassword(r, email, password)
	switch passerelle.ErrorCode(err) {
	case "":
	case passerelle.EUnauthn:
		data.Errors = []view.FormError{{Message: tr.T("login.error.credentials")}}
		s.render(w, r, http.StatusUnauthorized, "login", &view.Page{Title: title, Data: data})
		return
	case passerelle.ERateLimited:
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		data.Errors = []view.FormError{{Message: tr.T("login.error.rate_limited")}}
		s.render(w, r, http.StatusTooManyRequests, "login", &view.Page{Title: title, Data: data})
		return
	default:
		s.errorPage(w, r, err)
		return
	}
	ctx := r.Context()
	// A fresh session at every login: an identifier planted before signing
	// in (session fixation) is worth nothing afterwards.
	if old, _ := ctx.Value(sessionKey).(string); old != "" {
		if err := s.svc.EndSession(ctx, old); err != nil {
			s.logger.WarnContext(ctx, "end previous session", slog.Any("err", err))
		}
	}
	token, expires, err := s.svc.CreateSession(ctx, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.setSessionCookie(w, token, expires)
	if to, flash, ok := s.followAfterSignIn(ctx, u, data.Next); ok {
		s.redirectWithFlash(w, r, to, flash) // pages_follow.go
		return
	}
	next := data.Next
	if next == "" {
		// Nothing asked for: a moderator lands on their desk, a
		// contributor on their practices.
		if next, err = s.svc.Landing(ctx, u); err != nil {
			next = "/"
		}
	}
	s.redirectWithFlash(w, r, next, "login")
}

// logout ends the session server-side, so that the cookie is worthless even
// if it was copied, and forgets it in the browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if token, _ := ctx.Value(sessionKey).(string); token != "" && userFrom(ctx) != nil {
		if err := s.svc.EndSession(ctx, token); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	// Signed in through the provider: sign out there too when it offers
	// it (pages_oidc.go); it sends the browser back to the home page.
	to := s.providerLogout(w, r)
	if to == "" {
		to = "/"
	}
	s.redirectWithFlash(w, r, to, "logout")
}
