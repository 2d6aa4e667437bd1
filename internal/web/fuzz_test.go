package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// The fuzz targets of the web layer's input (issue 9): whatever a client
// sends, the parsers answer nothing, or one of the errors of a client's bad
// input — never a panic, never an internal error. Their seeds run with
// every go test; make fuzz runs each for $(FUZZTIME).

// clientFault reports whether err is nil or an error of a client's input.
func clientFault(err error, codes ...string) bool {
	if err == nil {
		return true
	}
	var e *passerelle.Error
	if !errors.As(err, &e) {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return e.Code != passerelle.EValidation || len(e.Fields) > 0
		}
	}
	return false
}

func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"tool","title":"Kit","territory":"59350","themes":["emploi"],"tool":{"audience":["élus"],"format":"kit","license":"CC-BY-4.0"}}`,
		`{"title":"a\u0000b"}`, `{"title":"ligne\nsuivante"}`, `{"experience":{"partners":["x\u0007"]}}`, `{"tïtle":1}`,
		`{"title":12}`, `{"themes":"emploi"}`, `[`, `{}`, `{} {}`, `null`, `"x"`, `{"a":{"b":{"c":[[[[[[1]]]]]]}}}`,
		`{"title":"\ud800"}`, "{\"title\":\"\xff\"}", `{"version":1e400}`, `{"version":-1}`, `{"`, "\x00",
		`{"title":"x","title":"y"}`, `{"starts_at":"2026-13-45T99:00:00Z"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, dst := range []any{new(practiceRequest), new(meetingRequest), new(credentials)} {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/practices", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			err := decodeJSON(httptest.NewRecorder(), r, dst)
			if !clientFault(err, passerelle.EInvalid, passerelle.EValidation, passerelle.ETooLarge) {
				t.Fatalf("decodeJSON(%q) into %T: %v", body, dst, err)
			}
			if err != nil {
				continue
			}
			// What was accepted holds no control character.
			again, merr := json.Marshal(dst)
			if merr != nil {
				t.Fatalf("re-encode %T: %v", dst, merr)
			}
			if perr := jsonProblem(again); perr != nil {
				t.Fatalf("decodeJSON(%q) accepted %s: %v", body, again, perr)
			}
		}
	})
}

func FuzzParseForm(f *testing.F) {
	for _, seed := range []string{
		"email=nora%40example.org&password=secret", "title=a%00b", "body=ligne%0Asuivante", "title=ligne%0Asuivante",
		"a=%zz", "%ff=1", "=&&=&", strings.Repeat("x=1&", 100), "name=%E9t%E9", "next=%2F%2Fevil.example", ";a=1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		err := parseForm(httptest.NewRecorder(), r, maxSmallForm)
		if !clientFault(err, passerelle.EInvalid, passerelle.EValidation, passerelle.ETooLarge) {
			t.Fatalf("parseForm(%q): %v", body, err)
		}
		if err != nil {
			return
		}
		for name, values := range r.PostForm {
			if !passerelle.CleanLine(name) {
				t.Fatalf("parseForm(%q) accepted the name %q", body, name)
			}
			for _, v := range values {
				if !passerelle.CleanText(v) {
					t.Fatalf("parseForm(%q) accepted %q", body, v)
				}
			}
		}
	})
}

func FuzzQueryString(f *testing.F) {
	for _, seed := range []string{"q=emploi&territory=59", "q=%00", "q=a%0Ab", "%0A=1", "q=%ff", "page=-1", "q=\"économie sociale\" -loyer", "a=%zz&b=2"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest(http.MethodGet, "/recherche", nil)
		r.URL.RawQuery = raw
		err := queryProblem(r)
		if !clientFault(err, passerelle.EValidation) {
			t.Fatalf("queryProblem(%q): %v", raw, err)
		}
		if err != nil {
			return
		}
		values, _ := url.ParseQuery(raw)
		for name, vs := range values {
			for _, v := range vs {
				if !passerelle.CleanLine(name) || !passerelle.CleanLine(v) {
					t.Fatalf("queryProblem(%q) let %q=%q through", raw, name, v)
				}
			}
		}
	})
}

// FuzzSafeNext: whatever next a link carries, the redirect after signing in
// stays on this site, as a browser reads it, and normalising again changes
// nothing.
func FuzzSafeNext(f *testing.F) {
	for _, seed := range []string{"/fiches/12", "//evil.example", "/\\evil.example", "/../\\evil.example", "/%2F%2Fevil.example",
		"/%5Cevil.example", "/\t/evil.example", "/a/..//evil.example", "https://evil.example", "/.//evil.example", "/%2e%2e/x",
		"/recherche?q=%C3%A9t%C3%A9#x", "/x?next=//evil", "/@evil.example", "/:evil", "/%00"} {
		f.Add(seed)
	}
	base, _ := url.Parse("https://passerelle.example/login")
	f.Fuzz(func(t *testing.T, next string) {
		out := safeNext(next)
		if out == "" {
			return
		}
		if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.ContainsAny(out, "\\\t\r\n") {
			t.Fatalf("safeNext(%q) = %q", next, out)
		}
		to, err := base.Parse(out)
		if err != nil || to.Host != base.Host || to.Scheme != base.Scheme || to.User != nil {
			t.Fatalf("safeNext(%q) = %q, which a browser opens as %v (%v)", next, out, to, err)
		}
		if again := safeNext(out); again != out {
			t.Fatalf("safeNext(%q) = %q, but safeNext(%q) = %q", next, out, out, again)
		}
		// What http.Redirect sends is what was checked.
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest(http.MethodPost, "/login", nil), out, http.StatusSeeOther)
		if loc := w.Header().Get("Location"); loc != out {
			t.Fatalf("safeNext(%q) = %q, redirected to %q", next, out, loc)
		}
	})
}
