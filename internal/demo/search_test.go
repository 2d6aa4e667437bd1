package demo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/passerelle/passerelle/internal/demo"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// The published sheets of the demo, by a short name.
var demoSheets = map[string]string{
	"forum":        "Un forum de recrutement sur CV anonyme à Lille-Sud",
	"marche":       "Marche exploratoire des femmes dans le quartier des Moulins",
	"kit":          "Kit de formation des agents d’accueil à la prévention des discriminations",
	"cartes":       "« Cartes sur table » : un jeu sur les stéréotypes pour les collégiens",
	"entreprendre": "Entreprendre au féminin à l’Alma",
	"locataire":    "Guide du locataire pendant le renouvellement urbain",
	"civique":      "Des missions de service civique pour les jeunes de Calais",
	"jardins":      "Des jardins partagés au pied des immeubles du Beau-Marais",
	"elus":         "Former les élus à la participation des habitants",
	"permanence":   "Une permanence d’accès aux droits et au numérique à la Grande Résidence",
}

// TestDemoSearchByWhatASheetIs searches the demo as a new reader would (issue
// 14): by a theme without its accents, a department, a town, a partner and
// an author, each finding exactly the published sheets it should — those
// tagged with the theme, those of the territory and of every territory
// below it, those naming the partner, those the author wrote.
func TestDemoSearchByWhatASheetIs(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		if err := demo.Load(ctx, b.Service); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, q string
			want    []string
		}{
			{"a theme without accents", "egalite", []string{"marche", "cartes", "entreprendre"}},
			{"a theme by a plural", "discrimination", []string{"forum", "kit", "cartes"}},
			{"a department", "Nord", []string{"forum", "marche", "kit", "cartes", "entreprendre", "locataire"}},
			{"a region", "Hauts-de-France", []string{"forum", "marche", "kit", "cartes", "entreprendre", "locataire", "civique", "jardins", "elus", "permanence"}},
			{"a town", "Roubaix", []string{"cartes", "entreprendre", "locataire"}},
			{"a town without its accents", "calais", []string{"civique", "jardins", "elus", "permanence"}},
			{"a partner", "mission locale", []string{"forum", "civique"}},
			{"an author", "Mehdi Haddad", []string{"cartes", "entreprendre", "locataire"}},
			{"an author's surname", "caron", []string{"civique", "jardins", "elus", "permanence"}},
			{"a place and a theme", "Nord egalite", []string{"marche", "cartes", "entreprendre"}},
			{"a place but not a theme", "Nord -egalite", []string{"forum", "kit", "locataire"}},
			{"a tool's format, plural", "jeux", []string{"cartes"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, sort := range []string{"", "date"} {
					res, err := b.Service.Published(ctx, service.ListQuery{Q: tc.q, Sort: sort}, true)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, p := range res.Items {
						short := ""
						for k, title := range demoSheets {
							if title == p.Title {
								short = k
							}
						}
						got = append(got, short)
					}
					if sort == "date" {
						for i := 1; i < len(res.Items); i++ {
							if res.Items[i].PublishedAt.After(*res.Items[i-1].PublishedAt) {
								t.Errorf("%q by date: %q before %q", tc.q, got[i-1], got[i])
							}
						}
					}
					slices.Sort(got)
					want := slices.Clone(tc.want)
					slices.Sort(want)
					if !slices.Equal(got, want) || res.Total != len(want) {
						t.Errorf("%q (sort %q) found %d: %q, want %q", tc.q, sort, res.Total, got, want)
					}
				}
			})
		}
	})
}

// TestDemoSimilar: a sheet's similar practices share its themes or come
// from near it, are published, and never include the sheet itself.
func TestDemoSimilar(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		if err := demo.Load(ctx, b.Service); err != nil {
			t.Fatal(err)
		}
		res, err := b.Service.Published(ctx, service.ListQuery{Q: `"cartes sur table"`}, false)
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("%v %v", res, err)
		}
		cartes := res.Items[0]
		similar, err := b.Service.Similar(ctx, cartes)
		if err != nil {
			t.Fatal(err)
		}
		if len(similar) != service.SimilarLimit {
			t.Fatalf("%d similar practices", len(similar))
		}
		var titles []string
		for _, p := range similar {
			titles = append(titles, p.Title)
			if p.ID == cartes.ID || !p.Published() {
				t.Errorf("similar: %q (%s)", p.Title, p.Status)
			}
		}
		// Same town and two shared themes first: "Entreprendre au féminin
		// à l’Alma" (Roubaix, égalité).
		if titles[0] != demoSheets["entreprendre"] {
			t.Errorf("similar to « Cartes sur table »: %q", titles)
		}
		for _, p := range similar {
			if slices.Contains([]string{"Des médiatrices santé à Lille-Sud", "Fête de quartier aux Moulins (brouillon)"}, p.Title) {
				t.Errorf("an unpublished sheet is offered: %q", p.Title)
			}
		}
	})
}
