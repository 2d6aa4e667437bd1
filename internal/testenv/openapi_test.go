package testenv

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeTB collects what the checker reports instead of failing the test.
type fakeTB struct {
	testing.TB
	cleanups []func()
	errs     []string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Cleanup(fn func())              { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(format string, a ...any) { f.errs = append(f.errs, fmt.Sprintf(format, a...)) }
func (f *fakeTB) Fatal(a ...any)                 { f.errs = append(f.errs, fmt.Sprint(a...)) }
func (f *fakeTB) Fatalf(format string, a ...any) { f.errs = append(f.errs, fmt.Sprintf(format, a...)) }

// TestCheckAPIFindsMismatches: the checker fails on what the document does
// not say, in both directions, and passes what it says.
func TestCheckAPIFindsMismatches(t *testing.T) {
	if checkOff() {
		t.Skip("PASSERELLE_TEST_OPENAPI=off")
	}
	answer := func(status int, ctype, body string, headers ...string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			for i := 0; i+1 < len(headers); i += 2 {
				w.Header().Set(headers[i], headers[i+1])
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		})
	}
	const js = "application/json; charset=utf-8"
	for _, c := range []struct {
		name, method, path string
		h                  http.Handler
		want               string // part of the mismatch; "" for none
	}{
		{"valid", "GET", "/api/v1/themes", answer(200, js, `{"items":[{"slug":"emploi","name":"Emploi"}]}`), ""},
		{"page ignored", "GET", "/fiches/1", answer(418, "text/plain", "teapot"), ""},
		{"wrong type", "GET", "/api/v1/themes", answer(200, js, `{"items":[{"slug":1,"name":"Emploi"}]}`), "failed to validate"},
		{"missing required", "GET", "/api/v1/themes", answer(200, js, `{}`), "failed to validate"},
		{"undocumented property", "GET", "/api/v1/themes", answer(200, js, `{"items":[],"extra":true}`), "not declared"},
		{"undocumented status", "GET", "/api/v1/themes", answer(418, js, `{}`), "418"},
		{"undocumented content type", "GET", "/api/v1/themes", answer(200, "text/plain", "x"), "text/plain"},
		{"error code outside enum", "GET", "/api/v1/practices/1", answer(404, js, `{"error":{"code":"nope","message":"x"}}`), "failed to validate"},
		{"405 without Allow", "DELETE", "/api/v1/themes", answer(405, js, `{}`), "Allow"},
		{"405 with Allow", "DELETE", "/api/v1/themes", answer(405, js, `{}`, "Allow", "GET, HEAD, POST, OPTIONS"), ""},
		{"not an operation yet served", "PUT", "/api/v1/themes", answer(200, js, `{}`), "want 405"},
		{"route off the document", "GET", "/api/v1/nowhere", answer(200, js, `{}`), "want 404"},
		{"404 off the document", "GET", "/api/v1/nowhere", answer(404, js, `{"error":{"code":"not_found","message":"x"}}`), ""},
		{"HEAD like GET", "HEAD", "/api/v1/themes", answer(200, js, ""), ""},
		{"HEAD with another type", "HEAD", "/api/v1/themes", answer(200, "text/html", ""), "text/html"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeTB{TB: t}
			chk := NewAPIChecker(f)
			rec := httptest.NewRecorder()
			chk.Wrap(c.h).ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
			for _, fn := range f.cleanups {
				fn()
			}
			got := strings.Join(f.errs, "\n")
			switch {
			case c.want == "" && got != "":
				t.Errorf("unexpected mismatch: %s", got)
			case c.want != "" && !strings.Contains(got, c.want):
				t.Errorf("want a mismatch with %q, got %q", c.want, got)
			}
		})
	}
}
