package seed_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/seed"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

func TestSeed(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})

		// An empty database has nothing to attach practices to.
		if _, _, err := seed.Practices(ctx, b.DB, seed.Options{Practices: 10}); !errors.Is(err, seed.ErrNoDirectory) {
			t.Fatalf("seeding an empty database: %v, want ErrNoDirectory", err)
		}

		w := testenv.NewWorld(t, b)
		now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		first, last, err := seed.Practices(ctx, b.DB, seed.Options{Practices: 300, BatchSize: 70, Seed: 42, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if last-first != 299 {
			t.Errorf("ids %d to %d for 300 practices", first, last)
		}

		res, err := b.Service.Published(ctx, service.ListQuery{}, true)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 300 {
			t.Fatalf("%d published, want 300", res.Total)
		}
		// Spread over the tree, the themes, both kinds and several years,
		// written by the contributors.
		if n := len(res.Facets["territory"]); n < 5 {
			t.Errorf("practices on %d territories only: %v", n, res.Facets["territory"])
		}
		if n := len(res.Facets["theme"]); n != len(testenv.Themes) {
			t.Errorf("practices on %d themes: %v", n, res.Facets["theme"])
		}
		if n := len(res.Facets["kind"]); n != 2 {
			t.Errorf("kinds %v", res.Facets["kind"])
		}
		if n := len(res.Facets["year"]); n < 5 {
			t.Errorf("years %v", res.Facets["year"])
		}
		contributors := map[int64]bool{w.LilleAuthor.ID: true, w.MoulinsAuthor.ID: true, w.RoubaixAuthor.ID: true, w.ModAuthor.ID: true}
		for _, p := range res.Items {
			if !contributors[p.AuthorID] || p.AuthorName == "" {
				t.Errorf("practice %d written by %d (%q), not a contributor", p.ID, p.AuthorID, p.AuthorName)
			}
			if p.PublishedAt == nil || p.PublishedAt.After(now) || p.Summary == "" || p.Body == "" || len(p.Themes) == 0 {
				t.Errorf("practice %d is not a complete published sheet: %+v", p.ID, p)
			}
			if err := p.ValidateComplete(); err != nil {
				t.Errorf("practice %d: %v", p.ID, err)
			}
		}
		// Searchable: every seeded sheet speaks of its territory's
		// neighbourhood, project or partners in French.
		for _, q := range []string{"quartier habitants", "partenaires", "discrimination", "egalite", "pedagogique"} {
			res, err := b.Service.Published(ctx, service.ListQuery{Q: q}, true)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total == 0 {
				t.Errorf("%q finds nothing among the seeded practices", q)
			}
		}
	})
}
