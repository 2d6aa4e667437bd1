package web_test

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testenv"
)

// TestSheetAtAGlance: what a sheet is links to the lists it names (kind,
// themes, territory, a tool's format and audience) and the sheet offers
// similar published practices, never a draft.
func TestSheetAtAGlance(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		exp := publish(t, s, w.RoubaixAuthor, testenv.CompleteExperience("59512", "Un forum à Roubaix"))
		tool := publish(t, s, w.RoubaixAuthor, completeTool("59512", "Un jeu à Roubaix"))
		other := publish(t, s, w.LilleAuthor, testenv.CompleteExperience("59350", "Un forum à Lille"))
		if _, err := s.Service.CreatePractice(t.Context(), w.RoubaixAuthor, testenv.CompleteExperience("59512", "Un brouillon de forum")); err != nil {
			t.Fatal(err)
		}
		page := getBody(t, s.URL+"/fiches/"+pid(exp))
		for _, want := range []string{`href="/recherche?kind=experience"`, `href="/themes/emploi"`, `href="/territoires/59512"`,
			"Pratiques similaires", `href="/fiches/` + pid(other) + `"`, `href="/fiches/` + pid(tool) + `"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the experience's page lacks %s", want)
			}
		}
		if strings.Contains(page, "Un brouillon de forum") {
			t.Error("a draft is offered as similar")
		}
		page = getBody(t, s.URL+"/fiches/"+pid(tool))
		for _, want := range []string{`href="/outils"`, `href="/outils?format=game"`, `href="/outils?audience=Coll%c3%a9giens"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the tool's page lacks %s", want)
			}
		}
	})
}
