// Package view renders Passerelle's server-side HTML pages: templates,
// translations (French first, English second), date and number formatting,
// and fingerprinted static files.
package view

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Pages lists the page templates ("templates/<name>.html") New requires. Each
// defines a "content" template rendered inside "templates/layout.html".
var Pages = []string{
	"home",
	"territory",
	"practice",
	"login",
	"practice_form",
	"my_practices",
	"queue",
	"notifications",
	"error",
	// Accounts and administration (models_accounts.go).
	"invitation", "password_forgot", "password_reset", "account", "tokens",
	"admin_home", "admin_users", "admin_user", "admin_invitations", "admin_territories",
	"admin_territory", "admin_themes", "admin_journal",
	// Subscriptions and notifications (models_notify.go).
	"subscriptions", "preferences", "unsubscribe", "theme", "jobs_unavailable",
	// Discovery (models_discover.go).
	"search", "tools", "themes", "territories",
}

// hashLen is the number of hex digits of the SHA-256 in static URLs.
const hashLen = 12

// Engine renders pages. It is built once at start-up and is safe for
// concurrent use.
type Engine struct {
	cat *Catalog
	// sets holds, per language, one template set parsed once: the layout,
	// the partials and every page, whose "content" is renamed
	// "page/<name>" and reached through a generated "content" that picks
	// the page by name (contentDispatch). One set per language rather than
	// one clone of the layout and partials per page: the parse trees are
	// the bulk of the idle heap.
	sets  map[string]*template.Template // lang → set
	pages map[string]bool               // the page names

	static map[string]*staticFile // "css/style.<hash>.css" → file
	urls   map[string]string      // "css/style.css" → "/static/css/style.<hash>.css"

	// TerritoriesURL is the target of the "Territoires" navigation link
	// (typically the first region's page). It defaults to the territory tree
	// of the home page ("/#territoires"). Set it before serving.
	TerritoriesURL string
}

type staticFile struct {
	data  []byte
	ctype string
	etag  string
}

// pageView is what templates receive as dot: the Page plus the page name.
type pageView struct {
	*Page
	Template string
}

// New parses every template of fsys once, for every language of cat. fsys is
// laid out like ui.FS: "templates/layout.html", "templates/partials/*.html",
// "templates/<page>.html", "static/...". It fails when a page of Pages is
// missing, or a template does not parse or cannot be escaped.
func New(fsys fs.FS, cat *Catalog) (*Engine, error) {
	if cat == nil {
		return nil, errors.New("view: nil catalog")
	}
	e := &Engine{cat: cat, sets: map[string]*template.Template{}, pages: map[string]bool{}, TerritoriesURL: "/#territoires"}
	if err := e.loadStatic(fsys); err != nil {
		return nil, err
	}
	tfs, err := fs.Sub(fsys, "templates")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(tfs, "*.html")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		if f != "layout.html" {
			names = append(names, strings.TrimSuffix(f, ".html"))
		}
	}
	for _, p := range Pages {
		if !slices.Contains(names, p) {
			return nil, fmt.Errorf("view: missing page template templates/%s.html", p)
		}
	}
	sources := make(map[string]string, len(names))
	for _, name := range names {
		src, err := fs.ReadFile(tfs, name+".html")
		if err != nil {
			return nil, err
		}
		if !contentDefine.Match(src) {
			return nil, fmt.Errorf(`view: templates/%s.html does not define "content"`, name)
		}
		sources[name] = contentDefine.ReplaceAllString(string(src), `{{${1}define "`+pagePrefix+name+`"${2}}}`)
	}
	dispatch := contentDispatch(names)
	for _, lang := range cat.Languages() {
		tr := cat.Translator(lang)
		set, err := template.New("layout.html").Funcs(e.funcs(tr)).ParseFS(tfs, "layout.html", "partials/*.html")
		if err != nil {
			return nil, fmt.Errorf("view: %w", err)
		}
		if set.Lookup("layout") == nil {
			return nil, errors.New(`view: templates/layout.html does not define "layout"`)
		}
		for _, name := range names {
			if _, err := set.New(name + ".html").Parse(sources[name]); err != nil {
				return nil, fmt.Errorf("view: %s: %w", name, err)
			}
		}
		if _, err := set.New("content").Parse(dispatch); err != nil {
			return nil, fmt.Errorf("view: %w", err)
		}
		// Executing once escapes the whole set, so that contextual
		// escaping errors show up now rather than on the first request.
		// Execution errors (the data is empty) are expected and ignored.
		err = set.ExecuteTemplate(io.Discard, "layout", &pageView{Page: &Page{Lang: lang}, Template: names[0]})
		var escErr *template.Error
		if errors.As(err, &escErr) {
			return nil, fmt.Errorf("view: %w", err)
		}
		e.sets[lang] = set
	}
	for _, name := range names {
		e.pages[name] = true
	}
	return e, nil
}

// pagePrefix names a page's content in the set of its language.
const pagePrefix = "page/"

// contentDefine finds a page's {{define "content"}}, to rename it.
var contentDefine = regexp.MustCompile(`\{\{(-?\s*)define\s+"content"(\s*-?)\}\}`)

// contentDispatch returns the source of the "content" template the layout
// calls: the content of the page named by .Template.
func contentDispatch(names []string) string {
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteString("{{else ")
		} else {
			b.WriteString("{{")
		}
		fmt.Fprintf(&b, "if eq .Template %q}}{{template %q .}}", name, pagePrefix+name)
	}
	if len(names) > 0 {
		b.WriteString("{{end}}")
	}
	return b.String()
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render executes page into a buffer and, only if that succeeded, writes it
// with the given status (0 means 200) and "Content-Type: text/html;
// charset=utf-8". On error nothing is written, so the caller can still render
// the error page. p.Lang selects the language (French when unknown).
func (e *Engine) Render(w http.ResponseWriter, status int, page string, p *Page) error {
	var pg Page
	if p != nil {
		pg = *p
	}
	t, ok := e.sets[pg.Lang]
	if !ok {
		pg.Lang, t = DefaultLang, e.sets[DefaultLang]
	}
	if !e.pages[page] {
		return fmt.Errorf("view: unknown page %q", page)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout", &pageView{Page: &pg, Template: page}); err != nil {
		return fmt.Errorf("view: render %s: %w", page, err)
	}
	if status == 0 {
		status = http.StatusOK
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", pg.Lang)
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// Catalog returns the catalog the engine was built with.
func (e *Engine) Catalog() *Catalog { return e.cat }

// loadStatic reads and fingerprints every file under "static".
func (e *Engine) loadStatic(fsys fs.FS) error {
	e.static = map[string]*staticFile{}
	e.urls = map[string]string{}
	sfs, err := fs.Sub(fsys, "static")
	if err != nil {
		return err
	}
	return fs.WalkDir(sfs, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sfs, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:])[:hashLen]
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hash + ext
		e.static[hashed] = &staticFile{data: data, ctype: contentType(ext), etag: `"` + hash + `"`}
		e.urls[name] = "/static/" + hashed
		return nil
	})
}

func contentType(ext string) string {
	switch strings.ToLower(ext) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json":
		return "application/json"
	case ".woff2":
		return "font/woff2"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// StaticURL returns the fingerprinted URL of a file of ui/static, e.g.
// "style.css" → "/static/style.3f2a9c1b0d4e.css". An unknown name gives
// "/static/<name>" (which the handler answers with 404).
func (e *Engine) StaticURL(name string) string {
	if u, ok := e.urls[strings.TrimPrefix(name, "/")]; ok {
		return u
	}
	return "/static/" + name
}

// StaticHandler serves the fingerprinted static files. Mount it on "/static/"
// (with or without http.StripPrefix). Only URLs produced by StaticURL are
// served, with "Cache-Control: public, max-age=31536000, immutable"; anything
// else, including a stale hash, is a 404.
func (e *Engine) StaticHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/static/"), "/")
		f, ok := e.static[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.ctype)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", f.etag)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
	})
}

// funcs returns the template functions bound to one language.
func (e *Engine) funcs(tr *Translator) template.FuncMap {
	return template.FuncMap{
		"t":        tr.T,
		"n":        tr.N,
		"enum":     tr.Enum,
		"date":     func(v any) string { return withTime(v, tr.Date) },
		"datetime": func(v any) string { return withTime(v, tr.DateTime) },
		"since":    func(v any) string { return withTime(v, tr.Since) },
		"waited":   func(v any) string { return withTime(v, tr.waitedSince) }, // a length of time: "3 jours" (models_desk.go)
		"isodate": func(v any) string {
			return withTime(v, func(t time.Time) string { return t.In(Location).Format("2006-01-02") })
		},
		"isotime": func(v any) string {
			return withTime(v, func(t time.Time) string { return t.In(Location).Format(time.RFC3339) })
		},
		"number":         tr.Number,
		"static":         e.StaticURL,
		"territoriesURL": func() string { return e.TerritoriesURL },
		"dict":           dict,
		"contains":       contains,
		"fieldError":     fieldError,
		"describedBy":    describedBy,
		"hasErrors":      hasErrors,
		"navCurrent":     navCurrent,
		"oldestFirst":    oldestFirst,
		"formats":        func() []string { return Formats },
		"licenses":       func() []string { return Licenses },
	}
}

// withTime applies f to a time.Time or non-nil *time.Time; other values and
// zero times give "".
func withTime(v any, f func(time.Time) string) string {
	var t time.Time
	switch v := v.(type) {
	case time.Time:
		t = v
	case *time.Time:
		if v == nil {
			return ""
		}
		t = *v
	default:
		return ""
	}
	if t.IsZero() {
		return ""
	}
	return f(t)
}

// dict builds a map from name/value pairs, to pass several values to a
// partial: {{template "field" dict "ID" "title" "Value" .Form.Title}}.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// contains reports whether list (a slice, or a string for a substring test)
// contains v.
func contains(list, v any) bool {
	if s, ok := list.(string); ok {
		sub, _ := v.(string)
		return strings.Contains(s, sub)
	}
	rv := reflect.ValueOf(list)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return false
	}
	for i := range rv.Len() {
		if rv.Index(i).CanInterface() && rv.Index(i).Interface() == v {
			return true
		}
	}
	return false
}

// fieldError returns the messages of the errors of field, joined ("" when none).
func fieldError(errs []FormError, field string) string {
	var msgs []string
	for _, e := range errs {
		if e.Field == field && field != "" {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, " ")
}

// describedBy returns the aria-describedby value of a field: its hint id (if
// any) and "<field>-error" when it has an error.
func describedBy(errs []FormError, field, hintID string) string {
	ids := []string{}
	if hintID != "" {
		ids = append(ids, hintID)
	}
	if fieldError(errs, field) != "" {
		ids = append(ids, field+"-error")
	}
	return strings.Join(ids, " ")
}

// hasErrors reports whether the page data carries form errors (the title is
// then prefixed with "Erreur : ").
func hasErrors(data any) bool {
	switch d := data.(type) {
	case *LoginData:
		return d != nil && len(d.Errors) > 0
	case LoginData:
		return len(d.Errors) > 0
	case *PracticeFormData:
		return d != nil && len(d.Errors) > 0
	case PracticeFormData:
		return len(d.Errors) > 0
	case *PracticeData:
		return d != nil && len(d.Errors) > 0
	case PracticeData:
		return len(d.Errors) > 0
	case FormErrorsOf:
		return !reflect.ValueOf(d).IsNil() && len(d.FormErrors()) > 0
	}
	return false
}

// navCurrent returns the aria-current value of a navigation link: "page" when
// path is href, "true" when path is below href, "" otherwise.
func navCurrent(path, href string) string {
	switch {
	case path == href:
		return "page"
	case href != "/" && strings.HasPrefix(path, strings.TrimSuffix(href, "/")+"/"):
		return "true"
	}
	return ""
}

// oldestFirst returns a copy of items sorted by submission time, oldest first.
func oldestFirst(items []QueueItem) []QueueItem {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b QueueItem) int { return a.SubmittedAt.Compare(b.SubmittedAt) })
	return out
}
