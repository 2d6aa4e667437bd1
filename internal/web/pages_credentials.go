package web

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// The pages of one's account: accepting an invitation, resetting a
// forgotten password, "Mon compte" (changing one's password) and "Mes
// jetons". Every password entry point counts failures towards the limits
// of the login form (about ten a minute per client address, and per account
// where there is one) and answers 429 with Retry-After beyond.

func init() {
	// The flash messages of these pages and of the administration's
	// (pages.go shows only the names it lists).
	flashes = append(flashes, "welcome", "password_changed", "password_reset", "token_revoked",
		"granted", "revoked", "disabled", "enabled", "invited", "invitation_revoked",
		"territory_created", "territory_saved", "theme_created", "theme_saved")
}

// accountFields are the inputs of the account pages and of the
// administration's forms, for their error messages.
var accountFields = []formField{
	{"token", "token", "password.new"},
	{"name", "name", "invite.name"},
	{"email", "email", "invite.email"},
	{"role", "role", "invite.role"},
	{"territory", "territory", "form.territory"},
	{"current_password", "current_password", "password.current"},
	{"password", "password", "password.new"},
	{"new_password", "new_password", "password.new"},
	{"confirm", "confirm", "password.confirm"},
	{"code", "code", "admin.territories.code"},
	{"level", "level", "admin.territories.level"},
	{"parent", "parent", "admin.territories.parent"},
	{"slug", "slug", "admin.themes.slug"},
	{"file", "file", "admin.territories.import.file"},
	{"actor", "actor", "admin.journal.actor"},
	{"action", "action", "admin.journal.action"},
	{"from", "from", "admin.journal.from"},
	{"to", "to", "admin.journal.to"},
	{"target", "target", "admin.journal.target"},
}

// errorsFor turns the field errors of err (a passerelle *Error) into
// translated messages tied to the inputs of fields, in their order: the one
// mapping of every form. The service names the fields of the domain, the
// boundary check (parseForm) the inputs; both are found. An error without
// fields, or on a field no input shows, gives a message about the whole
// form, after the others.
func errorsFor(tr *view.Translator, err error, fields []formField) []view.FormError {
	var e *passerelle.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return []view.FormError{{Message: tr.T("error.code." + errorCode(err))}}
	}
	var out []view.FormError
	order := map[string]int{}
	for domain, reason := range e.Fields {
		i := slices.IndexFunc(fields, func(f formField) bool { return f.domain == domain || f.input == domain })
		if i < 0 {
			order[""] = len(fields)
			out = append(out, view.FormError{Message: tr.T("error.code." + e.Code)})
			continue
		}
		order[fields[i].input] = i
		out = append(out, view.FormError{Field: fields[i].input, Message: fieldMessage(tr, fields[i], reason)})
	}
	slices.SortStableFunc(out, func(a, b view.FormError) int { return order[a.Field] - order[b.Field] })
	return slices.CompactFunc(out, func(a, b view.FormError) bool { return a == b })
}

// inputError is the error of one input of accountFields.
func inputError(tr *view.Translator, input, reason string) view.FormError {
	i := slices.IndexFunc(accountFields, func(f formField) bool { return f.input == input })
	return view.FormError{Field: input, Message: fieldMessage(tr, accountFields[i], reason)}
}

// tokenProblem returns the translated reason why a link cannot be used
// (prefix "invite" or "password"), or "" when err is not about the token.
func tokenProblem(tr *view.Translator, prefix string, err error) string {
	var e *passerelle.Error
	if !errors.As(err, &e) {
		return ""
	}
	if reason := e.Fields["token"]; reason != "" {
		key := prefix + ".problem." + reason
		if reason == service.TokenUnknown {
			key = prefix + ".problem.not_found"
		}
		if tr.Has(key) {
			return tr.T(key)
		}
		return tr.T(prefix + ".problem.not_found")
	}
	if prefix == "invite" && e.Code == passerelle.EConflict && e.Fields["email"] == passerelle.FieldTaken {
		return tr.T("invite.problem.taken")
	}
	return ""
}

// pageFailureLimit is the route middleware of the pages' password and
// token entry points: a client over its failures (refused tokens and
// links, counted by the handlers with s.limiter.fail) gets the rate-limit
// page, 429 with Retry-After, before anything else is read. (The API's is
// apiFailureLimit.)
func (s *Server) pageFailureLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.limited(w, clientKey(r)) {
			s.errorPage(w, r, rateLimited())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limited answers a password entry point that is over its limits: it sets
// Retry-After and reports true when keys are blocked.
func (s *Server) limited(w http.ResponseWriter, keys ...string) bool {
	if blocked, wait := s.limiter.blocked(keys...); blocked {
		retryAfter(w, wait)
		return true
	}
	return false
}

// startSession opens a fresh session for u (ending the one the browser had)
// and sets its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *passerelle.User) error {
	ctx := r.Context()
	if old, _ := ctx.Value(sessionKey).(string); old != "" {
		if err := s.svc.EndSession(ctx, old); err != nil {
			s.logger.WarnContext(ctx, "end previous session", slog.Any("err", err))
		}
	}
	token, expires, err := s.svc.CreateSession(ctx, u)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, expires)
	return nil
}

// invitationPage shows what an invitation offers and the form to choose a
// password, or why its link cannot be used.
func (s *Server) invitationPage(w http.ResponseWriter, r *http.Request) {
	tr := s.tr(r)
	title := tr.T("invite.accept.heading")
	token := chi.URLParam(r, "token")
	data := &view.InvitationData{Token: token}
	inv, err := s.svc.InvitationByToken(r.Context(), token)
	if err != nil {
		if data.Problem = tokenProblem(tr, "invite", err); data.Problem == "" {
			s.errorPage(w, r, err)
			return
		}
		s.limiter.fail(clientKey(r))
		s.render(w, r, statusFor(err), "invitation", &view.Page{Title: title, Data: data})
		return
	}
	s.fillInvitation(r, data, inv)
	s.render(w, r, http.StatusOK, "invitation", &view.Page{Title: title, Data: data})
}

func (s *Server) fillInvitation(r *http.Request, data *view.InvitationData, inv *passerelle.Invitation) {
	data.Email, data.Name, data.Role, data.InvitedBy, data.ExpiresAt = inv.Email, inv.Name, string(inv.Role), inv.InvitedByName, inv.ExpiresAt
	data.Territory = view.Territory{Code: inv.Territory, Name: inv.Territory, URL: territoryURL(inv.Territory)}
	if snap, err := s.svc.Snapshot(r.Context()); err == nil {
		if t := snap.Tree().Get(inv.Territory); t != nil {
			data.Territory.Name, data.Territory.Level = t.Name, string(t.Level)
		}
	}
}

// acceptInvitationPage opens the account with the password chosen, signs
// the person in and welcomes them.
func (s *Server) acceptInvitationPage(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	title := tr.T("invite.accept.heading")
	token := chi.URLParam(r, "token")
	data := &view.InvitationData{Token: token}
	inv, err := s.svc.InvitationByToken(r.Context(), token)
	if err == nil {
		s.fillInvitation(r, data, inv)
		password := r.PostForm.Get("password")
		if password != r.PostForm.Get("confirm") {
			data.Errors = []view.FormError{inputError(tr, "confirm", "mismatch")}
			s.render(w, r, http.StatusBadRequest, "invitation", &view.Page{Title: title, Data: data})
			return
		}
		var u *passerelle.User
		if u, err = s.svc.AcceptInvitation(r.Context(), token, password); err == nil {
			if err := s.startSession(w, r, u); err != nil {
				s.errorPage(w, r, err)
				return
			}
			s.redirectWithFlash(w, r, "/", "welcome")
			return
		}
	}
	if problem := tokenProblem(tr, "invite", err); problem != "" {
		s.limiter.fail(clientKey(r))
		data.Problem = problem
		s.render(w, r, statusFor(err), "invitation", &view.Page{Title: title, Data: data})
		return
	}
	if errorCode(err) != passerelle.EValidation {
		s.errorPage(w, r, err)
		return
	}
	data.Errors = errorsFor(tr, err, accountFields)
	s.render(w, r, http.StatusBadRequest, "invitation", &view.Page{Title: title, Data: data})
}

func (s *Server) forgotPasswordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password_forgot", &view.Page{Title: s.tr(r).T("password.forgot.heading"),
		Data: &view.PasswordForgotData{}})
}

// requestResetPage sends a reset link if the address has an account, and
// says the same either way. Each request counts towards the limits.
func (s *Server) requestResetPage(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	title := tr.T("password.forgot.heading")
	email := r.PostForm.Get("email")
	data := &view.PasswordForgotData{Email: email}
	if email == "" {
		data.Errors = []view.FormError{inputError(tr, "email", passerelle.FieldRequired)}
		s.render(w, r, http.StatusBadRequest, "password_forgot", &view.Page{Title: title, Data: data})
		return
	}
	// The client's own limit is the route's (pageFailureLimit); an address
	// asked for too often is refused here.
	keys := []string{clientKey(r), "reset:" + passerelle.NormalizeEmail(email)}
	if s.limited(w, keys[1]) {
		data.Errors = []view.FormError{{Message: tr.T("form.error.rate_limited")}}
		s.render(w, r, http.StatusTooManyRequests, "password_forgot", &view.Page{Title: title, Data: data})
		return
	}
	s.limiter.fail(keys...)
	if err := s.svc.RequestPasswordReset(r.Context(), email); err != nil {
		s.errorPage(w, r, err)
		return
	}
	data.Sent = true
	s.render(w, r, http.StatusOK, "password_forgot", &view.Page{Title: title, Data: data})
}

func (s *Server) resetPasswordPage(w http.ResponseWriter, r *http.Request) {
	tr := s.tr(r)
	title := tr.T("password.reset.heading")
	data := &view.PasswordResetData{Token: chi.URLParam(r, "token")}
	if err := s.svc.CheckPasswordReset(r.Context(), data.Token); err != nil {
		if data.Problem = tokenProblem(tr, "password", err); data.Problem == "" {
			s.errorPage(w, r, err)
			return
		}
		s.limiter.fail(clientKey(r))
		s.render(w, r, statusFor(err), "password_reset", &view.Page{Title: title, Data: data})
		return
	}
	s.render(w, r, http.StatusOK, "password_reset", &view.Page{Title: title, Data: data})
}

// doResetPasswordPage sets the new password; every session of the account
// ends, and the person signs in again with it.
func (s *Server) doResetPasswordPage(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	title := tr.T("password.reset.heading")
	data := &view.PasswordResetData{Token: chi.URLParam(r, "token")}
	password := r.PostForm.Get("password")
	err := s.svc.CheckPasswordReset(r.Context(), data.Token)
	if err == nil && password != r.PostForm.Get("confirm") {
		data.Errors = []view.FormError{inputError(tr, "confirm", "mismatch")}
		s.render(w, r, http.StatusBadRequest, "password_reset", &view.Page{Title: title, Data: data})
		return
	}
	if err == nil {
		if _, err = s.svc.ResetPassword(r.Context(), data.Token, password); err == nil {
			// The account's sessions are gone, this browser's with them.
			s.clearSessionCookie(w)
			s.redirectWithFlash(w, r, "/login", "password_reset")
			return
		}
	}
	if data.Problem = tokenProblem(tr, "password", err); data.Problem != "" {
		s.limiter.fail(clientKey(r))
		s.render(w, r, statusFor(err), "password_reset", &view.Page{Title: title, Data: data})
		return
	}
	if errorCode(err) != passerelle.EValidation {
		s.errorPage(w, r, err)
		return
	}
	data.Errors = errorsFor(tr, err, accountFields)
	s.render(w, r, http.StatusBadRequest, "password_reset", &view.Page{Title: title, Data: data})
}

// accountData fills "Mon compte" for u.
func (s *Server) accountData(r *http.Request, u *passerelle.User) (*view.AccountData, error) {
	grants, err := s.svc.GrantsOf(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	methods, err := s.svc.MySignInMethods(r.Context(), u)
	if err != nil {
		return nil, err
	}
	data := &view.AccountData{Name: u.Name, Email: u.Email, Admin: u.Admin, SignIn: s.signInView(methods)}
	for _, g := range grants {
		data.Roles = append(data.Roles, view.RoleView{Role: string(g.Role), Territory: territoryOf(snap.Tree(), g.Territory)})
	}
	return data, nil
}

// territoryOf returns the view of a territory of tree, or a bare one for a
// code the tree does not know.
func territoryOf(tree *passerelle.Tree, code string) view.Territory {
	if t := tree.Get(code); t != nil {
		return territoryView(t, nil)
	}
	return view.Territory{Code: code, Name: code, URL: territoryURL(code)}
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	data, err := s.accountData(r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "account", &view.Page{Title: s.tr(r).T("account.heading"), Data: data})
}

// changePasswordPage changes the signed-in user's password, given the
// current one (throttled like the login form); their other sessions and
// tokens end, this session stays.
func (s *Server) changePasswordPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	data, err := s.accountData(r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	page := &view.Page{Title: tr.T("account.heading"), Data: data}
	current, next := r.PostForm.Get("current_password"), r.PostForm.Get("new_password")
	if next != r.PostForm.Get("confirm") {
		data.Errors = []view.FormError{inputError(tr, "confirm", "mismatch")}
		s.render(w, r, http.StatusBadRequest, "account", page)
		return
	}
	session, _ := r.Context().Value(sessionKey).(string)
	err = s.svc.ChangePassword(r.Context(), u, current, next, session)
	switch {
	case err == nil:
		s.redirectWithFlash(w, r, "/compte", "password_changed")
	case errorCode(err) == passerelle.ERateLimited:
		retryAfter(w, retryAfterOf(err))
		data.Errors = []view.FormError{{Message: tr.T("form.error.rate_limited")}}
		s.render(w, r, http.StatusTooManyRequests, "account", page)
	case errorCode(err) == passerelle.EValidation:
		data.Errors = errorsFor(tr, err, accountFields)
		s.render(w, r, http.StatusBadRequest, "account", page)
	default:
		s.errorPage(w, r, err)
	}
}

// tokensData lists the signed-in user's tokens.
func (s *Server) tokensData(r *http.Request, u *passerelle.User) (*view.TokensData, error) {
	tokens, err := s.svc.Tokens(r.Context(), u)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	data := &view.TokensData{}
	for _, t := range tokens {
		data.Tokens = append(data.Tokens, view.TokenView{ID: idString(t.ID), Name: t.Name, CreatedAt: t.CreatedAt,
			ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, Active: t.Active(now)})
	}
	return data, nil
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	data, err := s.tokensData(r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tokens", &view.Page{Title: s.tr(r).T("tokens.heading"), Data: data})
}

// createTokenPage issues a token and shows it once, on the page itself
// (never in a redirect or a cookie).
func (s *Server) createTokenPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	name := r.PostForm.Get("name")
	token, info, err := s.svc.CreateNamedToken(r.Context(), u, name)
	status := http.StatusCreated
	if err != nil && errorCode(err) != passerelle.EValidation {
		s.errorPage(w, r, err)
		return
	}
	data, lerr := s.tokensData(r, u)
	if lerr != nil {
		s.errorPage(w, r, lerr)
		return
	}
	if err != nil {
		status = http.StatusBadRequest
		data.Name, data.Errors = name, errorsFor(tr, err, []formField{{"name", "name", "tokens.name"}})
	} else {
		data.NewToken, data.NewTokenName = token, info.Name
		if info.Name == "" {
			data.NewTokenName = tr.T("tokens.unnamed")
		}
	}
	s.render(w, r, status, "tokens", &view.Page{Title: tr.T("tokens.heading"), Data: data})
}

func (s *Server) revokeTokenPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		s.errorPage(w, r, passerelle.Errorf(passerelle.ENotFound, "Token not found."))
		return
	}
	if err := s.svc.RevokeTokenByID(r.Context(), u, id); err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, "/compte/jetons", "token_revoked")
}
