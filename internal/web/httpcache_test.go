package web_test

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testenv"
)

// TestPublicAnswersCompressedAndConditional: every public page, list, feed
// and export goes out compressed to a client that accepts it, with a
// validator that brings a 304 the next time; a signed-in person's page is
// neither tagged nor left to shared caches.
func TestPublicAnswersCompressedAndConditional(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		p := publish(t, s, w.LilleAuthor, testenv.CompleteExperience("59350", "Forum contre les discriminations à l’embauche"))
		publish(t, s, w.RoubaixAuthor, completeTool("59512", "Jeu de l’égalité"))
		b := s.browser(t)
		static := regexpFind(t, b.get("/").Body, `/static/[^"]+\.css`)
		for _, path := range []string{
			"/", "/territoires", "/territoires/59", "/themes", "/themes/emploi", "/outils", "/recherche?q=discriminations",
			"/fiches/" + pid(p), "/rencontres", "/login",
			"/api/v1/practices", "/api/v1/practices/" + pid(p), "/api/v1/territories",
			"/feeds/practices.atom", "/export/practices.csv", "/sitemap.xml", static,
		} {
			res := b.get(path, "Accept-Encoding", "gzip")
			res.expect(t, path, http.StatusOK)
			etag := res.Header.Get("ETag")
			if etag == "" {
				t.Errorf("%s: no ETag", path)
				continue
			}
			if len(res.Body) >= 1024 && res.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s: %d bytes not compressed (%s)", path, len(res.Body), res.Header.Get("Content-Type"))
			}
			if res.Header.Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(strings.NewReader(res.Body))
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				if _, err := io.ReadAll(zr); err != nil {
					t.Errorf("%s: %v", path, err)
				}
			}
			if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("%s: Vary %q", path, res.Header.Values("Vary"))
			}
			if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "private") || strings.Contains(cc, "no-store") {
				t.Errorf("%s: Cache-Control %q for anyone", path, cc)
			}
			again := b.get(path, "Accept-Encoding", "gzip", "If-None-Match", etag)
			if again.Status != http.StatusNotModified || again.Body != "" {
				t.Errorf("%s: If-None-Match %s: %d", path, etag, again.Status)
			}
		}
		// A page of the demo's size fits in a few packets.
		if home := b.get("/", "Accept-Encoding", "gzip"); len(home.Body) > 8<<10 {
			t.Errorf("home: %d bytes on the wire", len(home.Body))
		}

		// Signed in: personal, never stored.
		b.login(w.LilleAuthor.Email, "/", "/")
		token, _, err := s.Service.CreateToken(context.Background(), w.LilleAuthor)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/practices", "/api/v1/practices/" + pid(p)} {
			res := s.browser(t).get(path, "Authorization", "Bearer "+token).expect(t, path+" with a token", http.StatusOK)
			if cc := res.Header.Get("Cache-Control"); cc != "private, no-cache" {
				t.Errorf("%s with a token: Cache-Control %q", path, cc)
			}
		}
		for _, path := range []string{"/", "/territoires/59", "/mes-fiches"} {
			res := b.get(path, "Accept-Encoding", "gzip").expect(t, path+" signed in", http.StatusOK)
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s signed in: Cache-Control %q", path, cc)
			}
			if etag := res.Header.Get("ETag"); etag != "" {
				t.Errorf("%s signed in: ETag %q", path, etag)
			}
			if vary := strings.Join(res.Header.Values("Vary"), ","); !strings.Contains(vary, "Cookie") {
				t.Errorf("%s signed in: Vary %q", path, vary)
			}
		}
	})
}

// regexpFind returns the first match of expr in s.
func regexpFind(t *testing.T, s, expr string) string {
	t.Helper()
	m := regexp.MustCompile(expr).FindString(s)
	if m == "" {
		t.Fatalf("no %s", expr)
	}
	return m
}
