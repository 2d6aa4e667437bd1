package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestSharedPublicPages: the public pages an anonymous visitor sees come
// from the shared cache (pagecache.go), yet nothing personal ever enters
// it or leaves it — a signed-in page is never served to anyone else, nor
// an anonymous one to a signed-in person, nor a flash message to another
// visitor —, each language keeps its own, and a change shows on the next
// anonymous request, whether made through the service or straight in the
// database by another process.
func TestSharedPublicPages(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		ctx := context.Background()
		p := publish(t, s, w.LilleAuthor, testenv.CompleteExperience("59350", "Forum contre les discriminations à l’embauche"))
		pages := []string{"/", "/territoires", "/territoires/59", "/themes", "/themes/emploi", "/outils", "/recherche", "/fiches/" + pid(p),
			"/api/v1/practices", "/api/v1/practices/" + pid(p), "/api/v1/territories", "/api/v1/themes"}
		signedIn := []string{`class="user-name"`, `action="/logout"`}

		anon := s.browser(t)
		first := map[string]*response{}
		for _, path := range pages {
			first[path] = anon.get(path).expect(t, "anonymous "+path, http.StatusOK)
			again := s.browser(t).get(path).expect(t, "anonymous again "+path, http.StatusOK)
			if again.Body != first[path].Body || again.Header.Get("ETag") != first[path].Header.Get("ETag") {
				t.Errorf("%s: two anonymous visitors got different answers", path)
			}
			// Compressed copies: the same answer, tagged as another
			// representation, and a 304 on the tag.
			gz := s.browser(t).get(path, "Accept-Encoding", "gzip")
			if len(first[path].Body) >= 1024 && gz.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s: not compressed from the cache", path)
			}
			if res := s.browser(t).get(path, "If-None-Match", gz.Header.Get("ETag")); res.Status != http.StatusNotModified {
				t.Errorf("%s: If-None-Match %s: %d", path, gz.Header.Get("ETag"), res.Status)
			}
		}

		// Signed in: the personal page, never the shared one, and never
		// kept for the next anonymous visitor.
		me := s.browser(t)
		me.login(w.LilleAuthor.Email, "/", "/")
		for _, path := range pages[:8] {
			res := me.get(path).expect(t, "signed in "+path, http.StatusOK)
			res.contains(t, "signed in "+path, signedIn...)
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("signed in %s: Cache-Control %q", path, cc)
			}
			s.browser(t).get(path).expect(t, "anonymous after "+path, http.StatusOK).lacks(t, "anonymous after "+path, signedIn...)
		}
		// A flash message is shown to its visitor only.
		me.post("/logout", nil).expect(t, "logout", http.StatusSeeOther, "/")
		bye := s.cat.Translator("fr").T("flash.logout")
		me.get("/").expect(t, "home after logout", http.StatusOK).contains(t, "home after logout", bye)
		s.browser(t).get("/").expect(t, "home of another", http.StatusOK).lacks(t, "home of another", bye)
		me.get("/").lacks(t, "home once the flash was shown", bye)

		// Each language its own page; ?lang= (which sets a cookie) is not
		// shared.
		if en := s.browser(t).get("/territoires", "Accept-Language", "en"); !strings.Contains(en.Body, `lang="en"`) {
			t.Error("/territoires in English: not in English")
		}
		if fr := s.browser(t).get("/territoires", "Accept-Language", "fr"); !strings.Contains(fr.Body, `lang="fr"`) {
			t.Error("/territoires in French: not in French")
		}
		switched := s.browser(t).get("/territoires?lang=en")
		if switched.Header.Get("Set-Cookie") == "" || !strings.Contains(switched.Body, `lang="en"`) {
			t.Errorf("?lang=en: Set-Cookie %q", switched.Header.Get("Set-Cookie"))
		}

		// A change through the service: on the next anonymous request.
		q := publish(t, s, w.RoubaixAuthor, completeTool("59512", "Jeu de l’égalité filles-garçons"))
		for _, path := range []string{"/", "/territoires/59", "/outils", "/api/v1/practices"} {
			s.browser(t).get(path).contains(t, "after a publication "+path, "égalité filles-garçons")
		}
		if err := s.Service.RenameTheme(ctx, w.Admin, "emploi", "Emploi et insertion"); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/themes", "/themes/emploi", "/fiches/" + pid(p), "/api/v1/themes"} {
			s.browser(t).get(path).contains(t, "after renaming a theme "+path, "Emploi et insertion")
		}
		if _, err := s.Service.Archive(ctx, w.RegionMod, q.ID, "Plus d’actualité."); err != nil {
			t.Fatal(err)
		}
		s.browser(t).get("/fiches/"+pid(q)).expect(t, "archived sheet", http.StatusNotFound)
		s.browser(t).get("/api/v1/practices/"+pid(q)).expect(t, "archived practice", http.StatusNotFound)
		s.browser(t).get("/outils").lacks(t, "after archiving", "égalité filles-garçons")

		name := "Département du Nord"
		if _, err := s.Service.UpdateTerritory(ctx, w.Admin, "59", service.TerritoryUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		s.browser(t).get("/territoires/59").contains(t, "after renaming a territory", name)
		s.browser(t).get("/territoires").contains(t, "after renaming a territory", name)
		s.browser(t).get("/api/v1/territories").contains(t, "after renaming a territory", name)

		// A change by another process (the command line, another
		// server): straight in the database, the triggers tell.
		if _, err := s.DB.Bun.NewUpdate().Table("practices").Set("title = ?", "Forum pour l’emploi sans discrimination").Where("id = ?", p.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		s.browser(t).get("/fiches/"+pid(p)).contains(t, "after an edit elsewhere", "Forum pour l’emploi sans discrimination")
		s.browser(t).get("/api/v1/practices/"+pid(p)).contains(t, "after an edit elsewhere", "Forum pour l’emploi sans discrimination")
	})
}
