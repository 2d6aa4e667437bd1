package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := decodeJSON(w, r, &c); err != nil {
		s.apiError(w, r, err)
		return
	}
	u, wait, err := s.checkPassword(r, c.Email, c.Password)
	if err != nil {
		if wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		}
		s.apiError(w, r, err)
		return
	}
	token, expires, err := s.svc.CreateToken(r.Context(), u)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": token, "expires_at": expires})
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) {
	token, _ := r.Context().Value(sessionKey).(string)
	if token == "" {
		s.apiError(w, r, passerelle.Errorf(passerelle.EUnauthn, "No token to revoke."))
		return
	}
	if err := s.svc.RevokeToken(r.Context(), token); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiTerritories(w http.ResponseWriter, r *http.Request) {
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	type item struct {
		Code   string  `json:"code"`
		Name   string  `json:"name"`
		Level  string  `json:"level"`
		Parent *string `json:"parent"`
	}
	items := []item{}
	snap.Tree().Walk(func(t *passerelle.Territory, _ int) bool {
		items = append(items, item{Code: t.Code, Name: t.Name, Level: string(t.Level), Parent: optional(t.ParentCode)})
		return true
	})
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) apiThemes(w http.ResponseWriter, r *http.Request) {
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	type item struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	items := []item{}
	for _, t := range snap.Themes() {
		items = append(items, item{Slug: t.Slug, Name: t.Name})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// knownParams refuses query parameters the endpoint does not know, naming
// them, so that a typo does not silently return everything.
func knownParams(r *http.Request, names ...string) error {
	v := passerelle.Validation{}
	for k := range r.URL.Query() {
		known := false
		for _, n := range names {
			known = known || k == n
		}
		if !known {
			v.Add(k, passerelle.FieldUnknown)
		}
	}
	return v.Err()
}

// apiListPractices lists published practices. Besides the contract's
// filters it takes format, audience and year (of publication); with q, each
// item carries a "snippet" (HTML: escaped text, matches in <mark>) and the
// answer lists the words left out of the search in "ignored".
func (s *Server) apiListPractices(w http.ResponseWriter, r *http.Request) {
	if err := knownParams(r, "territory", "theme", "kind", "format", "audience", "year", "q", "sort", "page"); err != nil {
		s.apiError(w, r, err)
		return
	}
	q := r.URL.Query()
	res, err := s.svc.Published(r.Context(), service.ListQuery{Territory: q.Get("territory"), Theme: q.Get("theme"),
		Kind: q.Get("kind"), Format: q.Get("format"), Audience: q.Get("audience"), Year: q.Get("year"),
		Q: q.Get("q"), Sort: q.Get("sort"), Page: q.Get("page")}, true)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	type item struct {
		practiceJSON
		Snippet *string `json:"snippet,omitempty"`
	}
	items := make([]item, len(res.Items))
	for i, p := range res.Items {
		items[i] = item{practiceJSON: s.practiceJSON(p)}
		if snip, ok := res.Snippets[p.ID]; ok {
			items[i].Snippet = &snip
		}
	}
	body := map[string]any{"items": items, "total": res.Total, "page": res.Page, "per_page": res.PerPage, "facets": res.Facets}
	if res.Ignored != nil {
		body["ignored"] = res.Ignored
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) apiCreatePractice(w http.ResponseWriter, r *http.Request) {
	var req practiceRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	p, err := s.svc.CreatePractice(r.Context(), userFrom(r.Context()), req.input())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/practices/"+idString(p.ID))
	writeJSON(w, http.StatusCreated, s.practiceJSON(p))
}

// practiceID reads the {id} of the route; anything but a positive number is
// a practice that does not exist.
func practiceID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, passerelle.Errorf(passerelle.ENotFound, "Practice not found.")
	}
	return id, nil
}

func (s *Server) apiGetPractice(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err == nil {
		var p *passerelle.Practice
		if p, err = s.svc.Practice(r.Context(), userFrom(r.Context()), id); err == nil {
			w.Header().Set("ETag", strconv.Quote(strconv.Itoa(p.Version)))
			writeJSON(w, http.StatusOK, s.practiceJSON(p))
			return
		}
	}
	s.apiError(w, r, err)
}

func (s *Server) apiUpdatePractice(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var req practiceRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	in := req.input()
	fromHeader := false
	if in.Version == 0 {
		if in.Version, err = ifMatch(r); err != nil {
			s.apiError(w, r, err)
			return
		}
		fromHeader = in.Version != 0
	}
	actor := userFrom(r.Context())
	p, err := s.svc.UpdatePractice(r.Context(), actor, id, in)
	if err != nil {
		if e, ok := staleVersion(err, fromHeader); ok {
			// A stale edit: answer with the current practice so that the
			// client can merge instead of overwriting a colleague's work.
			if cur, gerr := s.svc.Practice(r.Context(), actor, id); gerr == nil {
				writeJSON(w, statusOf[e.Code], map[string]any{"error": errorJSON{Code: e.Code, Message: e.Message, Fields: e.Fields},
					"current": s.practiceJSON(cur)})
				return
			}
			err = e
		}
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(p.Version)))
	writeJSON(w, http.StatusOK, s.practiceJSON(p))
}

type commentRequest struct {
	Decision string   `json:"decision"`
	Comment  string   `json:"comment"`
	Fields   []string `json:"fields"` // of the sheet the comment is about (decisions only)
}

// apiTransition answers a workflow action: an optional JSON body with a
// comment (and a decision), then the practice as it now is. The service
// method do decides who may (service.check against passerelle.Transitions).
func (s *Server) apiTransition(w http.ResponseWriter, r *http.Request, do func(ctx context.Context, actor service.Actor, id int64, body commentRequest) (*passerelle.Practice, error)) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body commentRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &body); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	p, err := do(r.Context(), userFrom(r.Context()), id, body)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.practiceJSON(p))
}

func (s *Server) apiSubmit(w http.ResponseWriter, r *http.Request) {
	s.apiTransition(w, r, func(ctx context.Context, actor service.Actor, id int64, _ commentRequest) (*passerelle.Practice, error) {
		return s.svc.Submit(ctx, actor, id)
	})
}

func (s *Server) apiWithdraw(w http.ResponseWriter, r *http.Request) {
	s.apiTransition(w, r, func(ctx context.Context, actor service.Actor, id int64, _ commentRequest) (*passerelle.Practice, error) {
		return s.svc.Withdraw(ctx, actor, id)
	})
}

func (s *Server) apiArchive(w http.ResponseWriter, r *http.Request) {
	s.apiTransition(w, r, func(ctx context.Context, actor service.Actor, id int64, body commentRequest) (*passerelle.Practice, error) {
		return s.svc.Archive(ctx, actor, id, body.Comment)
	})
}

func (s *Server) apiUnarchive(w http.ResponseWriter, r *http.Request) {
	s.apiTransition(w, r, func(ctx context.Context, actor service.Actor, id int64, body commentRequest) (*passerelle.Practice, error) {
		return s.svc.Unarchive(ctx, actor, id, body.Comment)
	})
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) {
	s.apiTransition(w, r, func(ctx context.Context, actor service.Actor, id int64, body commentRequest) (*passerelle.Practice, error) {
		return s.svc.DecideOn(ctx, actor, id, body.Decision, body.Comment, body.Fields)
	})
}

// practiceList answers GET /practices/{id}/<list> with {"items": [...]}:
// what list returns for the practice and the caller, each item mapped by
// toJSON. The service decides who may see it.
func practiceList[T, J any](s *Server, list func(ctx context.Context, actor service.Actor, id int64) ([]T, error),
	toJSON func(r *http.Request, item T) J) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := practiceID(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		items, err := list(r.Context(), userFrom(r.Context()), id)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		out := make([]J, len(items))
		for i, item := range items {
			out[i] = toJSON(r, item)
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": out})
	}
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) {
	practiceList(s, s.svc.History, func(_ *http.Request, e passerelle.Event) eventJSON { return eventToJSON(e) })(w, r)
}

func (s *Server) apiRevisions(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	revs, err := s.svc.Revisions(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	type revisionJSON struct {
		Number      int          `json:"number"`
		SubmittedAt time.Time    `json:"submitted_at"`
		SubmittedBy string       `json:"submitted_by"`
		Practice    practiceJSON `json:"practice"`
	}
	items := make([]revisionJSON, len(revs))
	for i := range revs {
		items[i] = revisionJSON{Number: revs[i].Number, SubmittedAt: revs[i].SubmittedAt, SubmittedBy: idString(revs[i].SubmittedBy),
			Practice: s.practiceJSON(&revs[i].Practice)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) {
	items, unread, err := s.svc.Notifications(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	type notificationJSON struct {
		ID         string    `json:"id"`
		Type       string    `json:"type"`
		PracticeID *string   `json:"practice_id"`
		MeetingID  *string   `json:"meeting_id,omitempty"` // a notification about a meeting has no practice
		Message    string    `json:"message"`
		Read       bool      `json:"read"`
		CreatedAt  time.Time `json:"created_at"`
	}
	out := make([]notificationJSON, len(items))
	for i, n := range items {
		out[i] = notificationJSON{ID: idString(n.ID), Type: n.Type, Message: n.Message, Read: n.Read, CreatedAt: n.CreatedAt}
		if n.PracticeID > 0 {
			out[i].PracticeID = optional(idString(n.PracticeID))
		}
		if n.MeetingID > 0 {
			out[i].MeetingID = optional(idString(n.MeetingID))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "unread": unread})
}

func (s *Server) apiMarkRead(w http.ResponseWriter, r *http.Request) {
	var body struct {
		IDs []string `json:"ids"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &body); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	ids := make([]int64, 0, len(body.IDs))
	for _, raw := range body.IDs {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			s.apiError(w, r, &passerelle.Error{Code: passerelle.EValidation, Message: "Bad notification id.", Fields: map[string]string{"ids": passerelle.FieldInvalid}})
			return
		}
		ids = append(ids, id)
	}
	if err := s.svc.MarkRead(r.Context(), userFrom(r.Context()), ids...); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiRole(grant bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Email     string `json:"email"`
			Role      string `json:"role"`
			Territory string `json:"territory"`
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
		in := service.GrantInput{Email: body.Email, Role: body.Role, Territory: body.Territory}
		var err error
		if grant {
			err = s.svc.Grant(r.Context(), actor, in)
		} else {
			err = s.svc.Revoke(r.Context(), actor, in)
		}
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		status := http.StatusNoContent
		if grant {
			status = http.StatusCreated
			writeJSON(w, status, map[string]string{"email": passerelle.NormalizeEmail(in.Email), "role": in.Role, "territory": in.Territory})
			return
		}
		w.WriteHeader(status)
	}
}
