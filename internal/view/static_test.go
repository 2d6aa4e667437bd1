package view

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/ui"
)

func TestStaticHandler(t *testing.T) {
	e := newEngine(t)
	h := e.StaticHandler()
	css, _ := fs.ReadFile(ui.FS, "static/style.css")

	u := e.StaticURL("style.css")
	if !regexp.MustCompile(`^/static/style\.[0-9a-f]{12}\.css$`).MatchString(u) {
		t.Fatalf("StaticURL = %q", u)
	}
	for _, mounted := range []http.Handler{h, http.StripPrefix("/static", h), http.StripPrefix("/static/", h)} {
		rec := httptest.NewRecorder()
		mounted.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
		if rec.Code != 200 || rec.Body.String() != string(css) {
			t.Fatalf("GET %s: %d", u, rec.Code)
		}
		if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control %q", got)
		}
		if got := rec.Header().Get("Content-Type"); got != "text/css; charset=utf-8" {
			t.Errorf("Content-Type %q", got)
		}
	}
	// Conditional request.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
	etag := rec.Header().Get("ETag")
	rec = httptest.NewRecorder()
	req := httptest.NewRequest("GET", u, nil)
	req.Header.Set("If-None-Match", etag)
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", rec.Code)
	}

	for name, ctype := range map[string]string{"app.js": "text/javascript; charset=utf-8", "favicon.svg": "image/svg+xml"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", e.StaticURL(name), nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != ctype {
			t.Errorf("%s: %d %q", name, rec.Code, rec.Header().Get("Content-Type"))
		}
	}

	bad := "/static/style.000000000000.css"
	for _, p := range []string{bad, "/static/style.css", "/static/nope.123456789abc.css", "/static/", "/static/../ui.go"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", u, nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
	if got := e.StaticURL("missing.png"); got != "/static/missing.png" {
		t.Errorf("unknown StaticURL = %q", got)
	}
}

func TestPagesLinkHashedAssets(t *testing.T) {
	e := newEngine(t)
	out := render(t, e, "fr", "home", &Page{Data: &HomeData{}})
	for _, name := range []string{"style.css", "favicon.svg", "app.js"} {
		if !strings.Contains(out, `"`+e.StaticURL(name)+`"`) {
			t.Errorf("home does not reference %s", e.StaticURL(name))
		}
	}
}
