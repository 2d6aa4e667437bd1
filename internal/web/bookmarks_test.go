package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestBookmarksArePrivate: a reader keeps a sheet in "Mes favoris" with a
// note; the note and the bookmark show to them only — not to another
// reader, not to the sheet's author, not to an administrator, on the page,
// the list or through the service — and go when removed.
func TestBookmarksArePrivate(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		ctx := context.Background()
		forum := publish(t, s, w.RoubaixAuthor, testenv.CompleteExperience("59512", "Un forum à Roubaix"))
		path := "/fiches/" + pid(forum)
		note := "Note secrète : à présenter au conseil citoyen."

		s.browser(t).post(path+"/favori", url.Values{"bookmark-note": {note}}).
			expect(t, "anonymous", http.StatusSeeOther, "/login?next=%2Ffiches%2F"+pid(forum))

		rd := s.browser(t)
		rd.login(w.Reader.Email, "/", "/")
		rd.get("/mes-favoris").expect(t, "empty list", http.StatusOK).contains(t, "empty list", "aucune fiche")
		rd.post(path+"/favori", url.Values{"bookmark-note": {strings.Repeat("é", passerelle.MaxBookmarkNote+1)}}).
			expect(t, "note too long", http.StatusBadRequest).contains(t, "note too long", `id="bookmark-note-error"`)
		rd.post(path+"/favori", url.Values{"bookmark-note": {note}}).expect(t, "kept", http.StatusSeeOther, path+"#favori")
		rd.get(path).expect(t, "sheet", http.StatusOK).contains(t, "sheet", "Dans mes favoris", "Note secrète")
		rd.get("/mes-favoris").expect(t, "list", http.StatusOK).contains(t, "list", `href="/fiches/`+pid(forum)+`"`, "Note secrète")

		for _, other := range []*passerelle.User{w.LilleAuthor, w.RoubaixAuthor, w.Admin} {
			b := s.browser(t)
			b.login(other.Email, "/", "/")
			b.get(path).expect(t, other.Name+"'s sheet", http.StatusOK).lacks(t, other.Name+"'s sheet", "Note secrète", "Dans mes favoris")
			b.get("/mes-favoris").expect(t, other.Name+"'s list", http.StatusOK).lacks(t, other.Name+"'s list", "Note secrète", `href="/fiches/`+pid(forum)+`"`)
			if list, err := s.Service.Bookmarks(ctx, other); err != nil || len(list) != 0 {
				t.Errorf("%s's bookmarks: %v, %v", other.Name, list, err)
			}
		}
		if list, err := s.Service.Bookmarks(ctx, w.Reader); err != nil || len(list) != 1 || list[0].Note != note {
			t.Errorf("the reader's bookmarks: %+v, %v", list, err)
		}
		rd.post(path+"/favori/supprimer", nil).expect(t, "removed", http.StatusSeeOther, path+"#favori")
		rd.get("/mes-favoris").expect(t, "after", http.StatusOK).lacks(t, "after", "Note secrète")
	})
}
