package web

import (
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// The API of accounts and administration: invitations, passwords, one's own
// tokens, users, roles, territories, themes and the audit log. Every rule is
// in the service; these handlers decode, call and encode.
// clientKey is the rate-limit key of the client address.
func clientKey(r *http.Request) string {
	if addr := service.ClientOf(r.Context()); addr != "" {
		return "ip:" + addr // behind a trusted proxy, the client's (authenticate)
	}
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	return "ip:" + ip
}

// retryAfter sets the Retry-After header of a refusal for wait.
func retryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
}

func rateLimited() error {
	return passerelle.Errorf(passerelle.ERateLimited, "Too many attempts; try again in a minute.")
}

// apiFailureLimit is the route middleware of the API's password and token
// entry points: a client over its failures (wrong passwords, refused
// tokens, counted by the handlers with s.limiter.fail) is refused with 429
// and Retry-After before anything else is read.
func (s *Server) apiFailureLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.apiLimited(w, r, clientKey(r)) {
			next.ServeHTTP(w, r)
		}
	})
}

// apiLimited answers 429 and reports true when one of keys is over its
// failures.
func (s *Server) apiLimited(w http.ResponseWriter, r *http.Request, keys ...string) bool {
	blocked, wait := s.limiter.blocked(keys...)
	if blocked {
		retryAfter(w, wait)
		s.apiError(w, r, rateLimited())
	}
	return blocked
}

// tokenFailure reports whether err means that a link's token was refused
// (unknown, used, expired): such failures count towards the rate limit, so
// that tokens cannot be guessed.
func tokenFailure(err error) bool {
	c := passerelle.ErrorCode(err)
	return c == passerelle.ENotFound || c == passerelle.EConflict
}

type grantJSON struct {
	Role      string `json:"role"`
	Territory string `json:"territory"`
}

type userJSON struct {
	ID         string      `json:"id"`
	Email      string      `json:"email"`
	Name       string      `json:"name"`
	Admin      bool        `json:"admin"`
	Disabled   bool        `json:"disabled"`
	DisabledAt *time.Time  `json:"disabled_at"`
	CreatedAt  time.Time   `json:"created_at"`
	Roles      []grantJSON `json:"roles"`
	// SignIn says how the account signs in (on the administration's
	// answers: GET /api/v1/users and /api/v1/users/{id}).
	SignIn *signInJSON `json:"sign_in,omitempty"`
}

type signInJSON struct {
	Password  bool     `json:"password"`
	Providers []string `json:"providers"` // issuers of the OpenID providers linked
}

func toSignInJSON(m passerelle.SignInMethods) *signInJSON {
	out := &signInJSON{Password: m.Password, Providers: []string{}}
	for _, l := range m.Links {
		out.Providers = append(out.Providers, l.Issuer)
	}
	return out
}

func toUserJSON(u *passerelle.User, grants []passerelle.Grant) userJSON {
	out := userJSON{ID: idString(u.ID), Email: u.Email, Name: u.Name, Admin: u.Admin, Disabled: u.Disabled(),
		DisabledAt: u.DisabledAt, CreatedAt: u.CreatedAt, Roles: []grantJSON{}}
	for _, g := range grants {
		out.Roles = append(out.Roles, grantJSON{Role: string(g.Role), Territory: g.Territory})
	}
	return out
}

type tokenJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	Active    bool       `json:"active"`
}

func (s *Server) apiListTokens(w http.ResponseWriter, r *http.Request) {
	tokens, err := s.svc.Tokens(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	now := time.Now()
	items := make([]tokenJSON, len(tokens))
	for i, t := range tokens {
		items[i] = tokenJSON{ID: idString(t.ID), Name: t.Name, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, Active: t.Active(now)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// pathID reads a positive number from the route; anything else is what the
// caller may not see.
func routeID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, passerelle.Errorf(passerelle.ENotFound, "%s not found.", what)
	}
	return id, nil
}

func (s *Server) apiRevokeTokenByID(w http.ResponseWriter, r *http.Request) {
	id, err := routeID(r, "id", "Token")
	if err == nil {
		err = s.svc.RevokeTokenByID(r.Context(), userFrom(r.Context()), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	if u == nil {
		s.apiError(w, r, service.SignInNeeded())
		return
	}
	grants, err := s.svc.GrantsOf(r.Context(), u.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUserJSON(u, grants))
}

// apiChangePassword changes the caller's password, the current one checked
// like a sign-in's (throttled by the service); the caller's other sessions
// and tokens end.
func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	u := userFrom(r.Context())
	if u == nil {
		s.apiError(w, r, service.SignInNeeded())
		return
	}
	// The token in use stays; every other credential of the account ends.
	inUse, _ := r.Context().Value(sessionKey).(string)
	if err := s.svc.ChangePassword(r.Context(), u, body.Current, body.New, inUse); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiRequestReset e-mails a reset link if the address has an account; the
// answer is the same either way. Every request counts towards the limits,
// so that the form cannot flood a mailbox.
func (s *Server) apiRequestReset(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Email string `json:"email"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	// The client's own limit is the route's (apiFailureLimit); an address
	// asked for too often is refused here, where it is known.
	keys := []string{clientKey(r), "reset:" + passerelle.NormalizeEmail(body.Email)}
	if s.apiLimited(w, r, keys[1]) {
		return
	}
	s.limiter.fail(keys...)
	if err := s.svc.RequestPasswordReset(r.Context(), body.Email); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "accepted",
		"message": "If an account uses this address, a link to choose a new password is on its way."})
}

func (s *Server) apiResetPassword(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Password string `json:"password"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	keys := []string{clientKey(r)}
	if _, err := s.svc.ResetPassword(r.Context(), chi.URLParam(r, "token"), body.Password); err != nil {
		if tokenFailure(err) {
			s.limiter.fail(keys...)
		}
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type invitationJSON struct {
	ID        string     `json:"id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Territory string     `json:"territory"`
	Status    string     `json:"status"`
	InvitedBy *refJSON   `json:"invited_by"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	SentAt    *time.Time `json:"sent_at"`
}

type refJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func toInvitationJSON(inv *passerelle.Invitation) invitationJSON {
	out := invitationJSON{ID: idString(inv.ID), Email: inv.Email, Name: inv.Name, Role: string(inv.Role), Territory: inv.Territory,
		Status: string(inv.State(time.Now())), CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt, SentAt: inv.SentAt}
	if inv.InvitedBy != 0 {
		out.InvitedBy = &refJSON{ID: idString(inv.InvitedBy), Name: inv.InvitedByName}
	}
	return out
}

func (s *Server) apiInvite(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Email     string `json:"email"`
		Name      string `json:"name"`
		Role      string `json:"role"`
		Territory string `json:"territory"`
		Lang      string `json:"lang"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	inv, err := s.svc.Invite(r.Context(), userFrom(r.Context()), service.InvitationInput{Email: body.Email, Name: body.Name,
		Role: body.Role, Territory: body.Territory, Lang: body.Lang})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/invitations/"+idString(inv.ID))
	writeJSON(w, http.StatusCreated, toInvitationJSON(inv))
}

func (s *Server) apiListInvitations(w http.ResponseWriter, r *http.Request) {
	list, err := s.svc.Invitations(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items := make([]invitationJSON, len(list))
	for i, inv := range list {
		items[i] = toInvitationJSON(inv)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// apiGetInvitation describes the invitation a link's token carries, for a
// client that shows it before accepting. Refused tokens count towards the
// rate limit.
func (s *Server) apiGetInvitation(w http.ResponseWriter, r *http.Request) {
	keys := []string{clientKey(r)}
	inv, err := s.svc.InvitationByToken(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		if tokenFailure(err) {
			s.limiter.fail(keys...)
		}
		s.apiError(w, r, err)
		return
	}
	out := toInvitationJSON(inv)
	out.ID = "" // the token is the reference here; the id is for administrators
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRevokeInvitation(w http.ResponseWriter, r *http.Request) {
	id, err := routeID(r, "key", "Invitation")
	if err == nil {
		err = s.svc.RevokeInvitation(r.Context(), userFrom(r.Context()), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiAcceptInvitation opens the account an invitation offers. Refused tokens
// count towards the rate limit of password entry points.
func (s *Server) apiAcceptInvitation(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Password string `json:"password"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	keys := []string{clientKey(r)}
	u, err := s.svc.AcceptInvitation(r.Context(), chi.URLParam(r, "key"), body.Password)
	if err != nil {
		if tokenFailure(err) {
			s.limiter.fail(keys...)
		}
		s.apiError(w, r, err)
		return
	}
	grants, err := s.svc.GrantsOf(r.Context(), u.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toUserJSON(u, grants))
}

// apiUsers lists accounts, with ?q= searching names and e-mails (admins).
func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) {
	if err := knownParams(r, "q"); err != nil {
		s.apiError(w, r, err)
		return
	}
	ctx := r.Context()
	actor := userFrom(ctx)
	users, err := s.svc.SearchUsers(ctx, actor, r.URL.Query().Get("q"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	grants, err := s.svc.GrantsOfUsers(ctx, actor, users)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	methods, err := s.svc.SignInMethods(ctx, actor, users)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		out[i] = toUserJSON(u, grants[u.ID])
		out[i].SignIn = toSignInJSON(methods[u.ID])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request) {
	id, err := routeID(r, "id", "Account")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	u, grants, err := s.svc.User(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	methods, err := s.svc.SignInMethods(r.Context(), userFrom(r.Context()), []*passerelle.User{u})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := toUserJSON(u, grants)
	out.SignIn = toSignInJSON(methods[u.ID])
	writeJSON(w, http.StatusOK, out)
}

// apiUserState disables or enables an account and answers with it.
func (s *Server) apiUserState(enable bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		actor := userFrom(ctx)
		id, err := routeID(r, "id", "Account")
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		u, _, err := s.svc.User(ctx, actor, id)
		if err == nil {
			if enable {
				err = s.svc.EnableUser(ctx, actor, u.Email)
			} else {
				err = s.svc.DisableUser(ctx, actor, u.Email)
			}
		}
		if err == nil {
			var grants []passerelle.Grant
			if u, grants, err = s.svc.User(ctx, actor, id); err == nil {
				writeJSON(w, http.StatusOK, toUserJSON(u, grants))
				return
			}
		}
		s.apiError(w, r, err)
	}
}

type territoryJSON struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Level  string  `json:"level"`
	Parent *string `json:"parent"`
}

func (s *Server) apiAddTerritory(w http.ResponseWriter, r *http.Request) {
	var body territoryJSON
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	actor := userFrom(r.Context())
	if actor == nil {
		s.apiError(w, r, service.SignInNeeded())
		return
	}
	t := passerelle.Territory{Code: body.Code, Name: body.Name, Level: passerelle.Level(body.Level)}
	if body.Parent != nil {
		t.ParentCode = *body.Parent
	}
	if err := s.svc.AddTerritory(r.Context(), actor, t); err != nil {
		s.apiError(w, r, err)
		return
	}
	t = t.Normalize() // as stored
	writeJSON(w, http.StatusCreated, territoryJSON{Code: t.Code, Name: t.Name, Level: string(t.Level), Parent: optional(t.ParentCode)})
}

// apiUpdateTerritory renames, re-levels or moves a territory: fields left out
// stay as they are; "parent": null makes it a root.
func (s *Server) apiUpdateTerritory(w http.ResponseWriter, r *http.Request) {
	var body map[string]*string
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	actor := userFrom(r.Context())
	if actor == nil {
		s.apiError(w, r, service.SignInNeeded())
		return
	}
	var in service.TerritoryUpdate
	bad := passerelle.Validation{}
	for k, v := range body {
		switch k {
		case "name":
			in.Name = v
		case "level":
			in.Level = v
		case "parent":
			if v == nil {
				v = new(string)
			}
			in.Parent = v
		default:
			bad.Add(k, passerelle.FieldUnknown)
		}
		if v == nil && k != "parent" {
			bad.Add(k, passerelle.FieldRequired)
		}
	}
	if err := bad.Err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	t, err := s.svc.UpdateTerritory(r.Context(), actor, chi.URLParam(r, "code"), in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, territoryJSON{Code: t.Code, Name: t.Name, Level: string(t.Level), Parent: optional(t.ParentCode)})
}

// maxImport is the largest territory file accepted.
const maxImport = 8 << 20

// apiImportTerritories imports a territory file sent as text/csv, or as the
// "file" field of a multipart form.
func (s *Server) apiImportTerritories(w http.ResponseWriter, r *http.Request) {
	actor := userFrom(r.Context())
	if actor == nil {
		s.apiError(w, r, service.SignInNeeded())
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImport)
	var src io.Reader = r.Body
	name := "api"
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "text/csv", "text/plain", "application/csv":
	case "multipart/form-data":
		f, h, err := r.FormFile("file")
		if err != nil {
			s.apiError(w, r, importFormError(err))
			return
		}
		defer func() { _ = f.Close() }()
		if err := headerValueProblem("file", h.Filename); err != nil {
			s.apiError(w, r, err)
			return
		}
		src, name = f, h.Filename
	default:
		s.apiError(w, r, passerelle.Errorf(passerelle.EUnsupported, "Send the CSV file as text/csv or in the field \"file\" of a multipart form."))
		return
	}
	res, err := s.svc.ImportTerritories(r.Context(), actor, name, src)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = passerelle.Errorf(passerelle.ETooLarge, "The file is too large.")
		}
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged})
}

func importFormError(err error) error {
	if passerelle.ErrorCode(err) != passerelle.EInternal {
		return err // already said (a file name with control characters)
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return passerelle.Errorf(passerelle.ETooLarge, "The file is too large.")
	}
	return &passerelle.Error{Code: passerelle.EValidation, Message: "Choose a CSV file.", Fields: map[string]string{"file": passerelle.FieldRequired}}
}

func (s *Server) apiAddTheme(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	actor := userFrom(r.Context())
	if actor == nil {
		s.apiError(w, r, service.SignInNeeded())
		return
	}
	t := passerelle.Theme{Slug: body.Slug, Name: body.Name}
	if err := s.svc.AddTheme(r.Context(), actor, t); err != nil {
		s.apiError(w, r, err)
		return
	}
	t = t.Normalize() // as stored
	writeJSON(w, http.StatusCreated, map[string]string{"slug": t.Slug, "name": t.Name})
}

func (s *Server) apiRenameTheme(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	actor := userFrom(r.Context())
	if actor == nil {
		s.apiError(w, r, service.SignInNeeded())
		return
	}
	slug := chi.URLParam(r, "slug")
	if err := s.svc.RenameTheme(r.Context(), actor, slug, body.Name); err != nil {
		s.apiError(w, r, err)
		return
	}
	t := passerelle.Theme{Slug: slug, Name: body.Name}.Normalize() // as stored
	writeJSON(w, http.StatusOK, map[string]string{"slug": t.Slug, "name": t.Name})
}

type auditJSON struct {
	ID      string            `json:"id"`
	At      time.Time         `json:"at"`
	Actor   *actorJSON        `json:"actor"`
	Action  string            `json:"action"`
	Target  string            `json:"target"`
	Details map[string]string `json:"details"`
}

type actorJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// apiAudit returns the audit log, newest first, filtered by ?actor= (an
// e-mail, or "cli"), action, from, to (days, YYYY-MM-DD), target and page.
// "actor": null is the command line.
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	if err := knownParams(r, "actor", "action", "from", "to", "target", "page"); err != nil {
		s.apiError(w, r, &passerelle.Error{Code: passerelle.EInvalid, Message: "Unknown parameter.", Fields: err.(*passerelle.Error).Fields})
		return
	}
	q := r.URL.Query()
	j, err := s.svc.Journal(r.Context(), userFrom(r.Context()), service.JournalQuery{Actor: q.Get("actor"), Action: q.Get("action"),
		From: q.Get("from"), To: q.Get("to"), Target: q.Get("target"), Page: q.Get("page")})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items := make([]auditJSON, len(j.Entries))
	for i, e := range j.Entries {
		items[i] = auditJSON{ID: idString(e.ID), At: e.At, Action: string(e.Action), Target: e.Target, Details: e.Details}
		if items[i].Details == nil {
			items[i].Details = map[string]string{}
		}
		if e.ActorID != 0 {
			items[i].Actor = &actorJSON{ID: idString(e.ActorID), Name: e.ActorName, Email: e.ActorEmail}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": j.Total, "page": j.Page, "per_page": j.PerPage})
}
