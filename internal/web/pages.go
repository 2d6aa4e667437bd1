package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

// What every page shares: language, rendering, the error page, the way to
// the login form, flash messages and form parsing. The pages themselves are
// in pages_*.go, their routes in routes_pages.go.

// Cookies of the pages besides the session.
const (
	langCookie  = "lang"
	flashCookie = "passerelle_flash"
)

// lang returns the language of the page: ?lang= when it names a loaded
// language, else the lang cookie, else the Accept-Language header.
func (s *Server) lang(r *http.Request) string {
	cat := s.view.Catalog()
	if q := r.URL.Query().Get("lang"); q != "" && slices.Contains(cat.Languages(), q) {
		return q
	}
	cookie := ""
	if c, err := r.Cookie(langCookie); err == nil {
		cookie = c.Value
	}
	return cat.Negotiate(r.Header.Get("Accept-Language"), cookie)
}

// tr returns the translator of the request's language.
func (s *Server) tr(r *http.Request) *view.Translator {
	return s.view.Catalog().Translator(s.lang(r))
}

// render renders a page after filling the parts of p every page shares:
// language, signed-in user, unread count, path, and the flash message left
// by a redirect (unless p brings its own). p.Title is already translated. A
// rendering failure is logged and answered with a bare 500: the page may be
// the error page itself.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *view.Page) {
	ctx := r.Context()
	p.Lang = s.lang(r)
	if q := r.URL.Query().Get("lang"); q == p.Lang {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: p.Lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	}
	p.Path, p.Query = r.URL.Path, r.URL.RawQuery
	h := w.Header()
	h.Add("Vary", "Cookie, Accept-Language")
	if status == http.StatusServiceUnavailable {
		// The database is out of service: ask to come back, and do not
		// wait on it for the menus of the page that says so.
		h.Set("Retry-After", outageRetryAfter)
		h.Set("Cache-Control", "no-store")
	} else if u := userFrom(ctx); u != nil {
		h.Set("Cache-Control", "no-store")
		p.User = &view.User{ID: idString(u.ID), Name: u.Name, Email: u.Email, IsAdmin: u.IsAdmin()}
		if snap, err := s.svc.Snapshot(ctx); err == nil {
			p.User.IsModerator = snap.CanAnywhere(u, passerelle.PermReadQueue)
			p.User.IsContributor = snap.CanAnywhere(u, passerelle.PermCreatePractice)
		} else {
			s.logger.ErrorContext(ctx, "page: policy snapshot", slog.Any("err", err))
		}
		if p.User.IsModerator {
			var err error
			if p.Waiting, err = s.svc.WaitingCount(ctx, u); err != nil {
				s.logger.ErrorContext(ctx, "page: waiting count", slog.Any("err", err))
			}
		}
		n, err := s.svc.UnreadCount(ctx, u)
		if err != nil {
			s.logger.ErrorContext(ctx, "page: unread count", slog.Any("err", err))
		}
		p.Unread = n
	}
	if flash := s.takeFlash(w, r, s.view.Catalog().Translator(p.Lang)); p.Flash == "" {
		p.Flash = flash
	}
	if err := s.view.Render(w, status, name, p); err != nil {
		s.logger.ErrorContext(ctx, "render page", slog.String("page", name), slog.String("path", r.URL.Path), slog.Any("err", err))
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

// errorPage answers err with the error page: the status of its code and a
// translated message, never err's own text. An anonymous visitor asked to
// sign in is sent to the login form instead, and comes back afterwards.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	code := errorCode(err)
	s.logRefusedInput(r, err)
	switch code {
	case passerelle.EUnauthn:
		s.toLogin(w, r)
		return
	case passerelle.EUnavailable:
		s.logOutage(r, err)
		s.showUnavailable(w, r)
		return
	case passerelle.EInternal:
		if errors.Is(r.Context().Err(), context.Canceled) {
			return // the visitor left (or the server is stopping): nobody to answer
		}
		s.logger.ErrorContext(r.Context(), "internal error", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if code == passerelle.EValidation {
		tr := s.tr(r)
		s.render(w, r, http.StatusBadRequest, "error", &view.Page{
			Title: tr.T("error.heading", "status", strconv.Itoa(http.StatusBadRequest)),
			Data: &view.ErrorData{Status: http.StatusBadRequest, Message: tr.T("error.code." + code),
				Fields: fieldProblems(tr, err)},
		})
		return
	}
	if wait := retryAfterOf(err); wait > 0 {
		retryAfter(w, wait)
	}
	s.showError(w, r, statusOf[code], code)
}

// showUnavailable renders the page of an outage: what happened, that a
// form sent was not saved but is still there one page back, and a link to
// try again.
func (s *Server) showUnavailable(w http.ResponseWriter, r *http.Request) {
	tr := s.tr(r)
	data := &view.ErrorData{Status: http.StatusServiceUnavailable, Message: tr.T("error.code." + passerelle.EUnavailable), Unavailable: true}
	if r.Method == http.MethodGet {
		data.Retry = r.URL.RequestURI()
	}
	s.render(w, r, http.StatusServiceUnavailable, "error", &view.Page{Title: tr.T("error.unavailable.heading"), Data: data})
}

// fieldProblems returns one message per field of a validation error: with
// the field's label when a page's form has it, else with the name the
// request used (a query parameter, a form input).
func fieldProblems(tr *view.Translator, err error) []string {
	var e *passerelle.Error
	if !errors.As(err, &e) {
		return nil
	}
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]string, 0, len(names))
	for _, name := range names {
		reason := e.Fields[name]
		inputs := append(slices.Clone(formFields), accountFields...)
		if i := slices.IndexFunc(inputs, func(f formField) bool { return f.domain == name || f.input == name }); i >= 0 {
			out = append(out, fieldMessage(tr, inputs[i], reason))
			continue
		}
		if reason == passerelle.FieldCharacters {
			out = append(out, tr.T("error.field.characters", "name", name))
		} else {
			out = append(out, tr.T("error.field.invalid", "name", name))
		}
	}
	return out
}

// showError renders the error page with status and the message of code (a
// key of the "error.code." family).
func (s *Server) showError(w http.ResponseWriter, r *http.Request, status int, code string) {
	tr := s.tr(r)
	s.render(w, r, status, "error", &view.Page{
		Title: tr.T("error.heading", "status", strconv.Itoa(status)),
		Data:  &view.ErrorData{Status: status, Message: tr.T("error.code." + code)},
	})
}

// toLogin sends an anonymous visitor to the login form, to come back to the
// page they asked for (for a form post: the page the form was on).
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		next = formPage(r.URL.Path)
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// formPage returns the page that holds the form posted to path.
func formPage(path string) string {
	for _, action := range []string{"/soumettre", "/decision", "/commentaires", "/prise-en-charge", "/prise-en-charge/liberer", "/retirer", "/supprimer", "/pieces-jointes", "/reutilisations", "/verifiee", "/contact", "/favori", "/favori/supprimer"} {
		if p, ok := strings.CutSuffix(path, action); ok && strings.HasPrefix(p, "/fiches/") {
			return p
		}
	}
	switch {
	case path == "/fiches/nouvelle", strings.HasPrefix(path, "/fiches/") && strings.HasSuffix(path, "/modifier"):
		return path
	case path == "/notifications/lues":
		return "/notifications"
	}
	return "/"
}

// safeNext returns next, normalised, when it names a page of this site,
// else "". Browsers read "//host" and "/\host" as another site, also once
// they have dropped tabs and line breaks; and http.Redirect cleans the path
// (path.Clean) before sending it, which turns dot-segments such as
// "/../\host" into those forms. So: no control character or back-slash,
// raw or percent-encoded, no encoded slash; the path is decoded and cleaned
// here, must still start with exactly one slash, and the result is what the
// redirect sends (the fragment is dropped).
func safeNext(next string) string {
	unsafe := func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsFunc(next, unsafe) || !utf8.ValidString(next) {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	rawPath, _, _ := strings.Cut(next, "?")
	rawPath, _, _ = strings.Cut(rawPath, "#")
	if lower := strings.ToLower(rawPath); strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") {
		return ""
	}
	if strings.ContainsFunc(u.Path, unsafe) || !utf8.ValidString(u.Path) {
		return ""
	}
	clean := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	if !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
		return ""
	}
	out := (&url.URL{Path: clean, RawQuery: u.RawQuery}).String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return ""
	}
	return out
}

// signedIn returns the signed-in user; for an anonymous visitor it sends
// them to the login form and returns nil.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) *passerelle.User {
	u := userFrom(r.Context())
	if u == nil {
		s.toLogin(w, r)
	}
	return u
}

// flashes lists the one-line messages shown after a redirect (keys
// "flash.<name>"). The cookie carries only the name, so that nothing a
// visitor sets is ever shown.
var flashes = []string{"login", "logout", "created", "saved", "submitted", "approve", "request_changes", "reject", "read",
	"deleted", "withdrawn", "commented", "claimed", "released", "attached", "detached", "password_removed", "confirmed", "already_following"}

// redirectWithFlash redirects with 303 See Other, to show the flash message
// name on the next page.
func (s *Server) redirectWithFlash(w http.ResponseWriter, r *http.Request, to, name string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: name, Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	// Every caller passes a path of this site; the login's next went
	// through safeNext.
	http.Redirect(w, r, to, http.StatusSeeOther) //nolint:gosec // G710: see above
}

// takeFlash returns the translated flash message of the request, if any, and
// clears it so that it is shown once.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request, tr *view.Translator) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	if !slices.Contains(flashes, c.Value) {
		return ""
	}
	return tr.T("flash." + c.Value)
}

// parseForm reads a url-encoded (or multipart) form of at most limit bytes.
// A value with a control character is validation_failed naming its input
// (the form is read all the same, for a page that shows it again).
func parseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return passerelle.Errorf(passerelle.ETooLarge, "The form is too large.")
		}
		return passerelle.Errorf(passerelle.EInvalid, "Could not read the form.")
	}
	return valuesProblem(r.PostForm, true)
}
