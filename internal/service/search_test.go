package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

func TestPublishedValidation(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		testenv.NewWorld(t, b)
		ctx := context.Background()
		tests := []struct {
			name  string
			query service.ListQuery
			want  map[string]string
		}{
			{"unknown format", service.ListQuery{Format: "poem"}, map[string]string{"format": passerelle.FieldUnknown}},
			{"year not a number", service.ListQuery{Year: "2024a"}, map[string]string{"year": passerelle.FieldInvalid}},
			{"year out of range", service.ListQuery{Year: "1066"}, map[string]string{"year": passerelle.FieldInvalid}},
			{"page too deep", service.ListQuery{Page: "502"}, map[string]string{"page": passerelle.FieldInvalid}},
			{"audience too long", service.ListQuery{Audience: strings.Repeat("a", 201)}, map[string]string{"audience": passerelle.FieldTooLong}},
			{"every fault named", service.ListQuery{Territory: "nope", Theme: "nope", Kind: "poem", Format: "poem", Year: "x", Page: "0"},
				map[string]string{"territory": passerelle.FieldUnknown, "theme": passerelle.FieldUnknown, "kind": passerelle.FieldUnknown,
					"format": passerelle.FieldUnknown, "year": passerelle.FieldInvalid, "page": passerelle.FieldInvalid}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := b.Service.Published(ctx, tt.query, true)
				requireCodeFields(t, err, passerelle.EValidation, tt.want)
			})
		}
		// Known values are accepted, even when nothing matches.
		res, err := b.Service.Published(ctx, service.ListQuery{Format: "game", Year: "2024", Audience: "collégiens", Page: "501"}, true)
		if err != nil || res.Total != 0 {
			t.Errorf("valid filters: %v, %+v", err, res)
		}
	})
}

func TestPublishedSearch(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		drive(t, b.Service, w.LilleAuthor, w.NordMod, "59350", "Un forum pour l'emploi", passerelle.StatusPublished)
		drive(t, b.Service, w.RoubaixAuthor, w.NordMod, "59512", "Des discriminations à l'embauche", passerelle.StatusPublished)
		drive(t, b.Service, w.LilleAuthor, w.NordMod, "59350", "Brouillon sur les discriminations", passerelle.StatusSubmitted)

		res, err := b.Service.Published(ctx, service.ListQuery{Q: "discrimination"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || res.Items[0].Title != "Des discriminations à l'embauche" {
			t.Fatalf("found %d: %+v (only what is published)", res.Total, res.Items)
		}
		// The words found are marked in the snippet: here from the sheet's
		// results ("42 embauches") when searching "embaucher".
		res, err = b.Service.Published(ctx, service.ListQuery{Q: "le embaucher", Territory: "59"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 2 {
			t.Fatalf("embaucher found %d, want both forums (42 embauches)", res.Total)
		}
		for _, p := range res.Items {
			if s := res.Snippets[p.ID]; !strings.Contains(s, "<mark>embauche") {
				t.Errorf("snippet of %q: %q", p.Title, s)
			}
		}
		if strings.Join(res.Ignored, ",") != "le" {
			t.Errorf("ignored %q, want the stop word", res.Ignored)
		}
		// Facets add up, search or not.
		for _, q := range []service.ListQuery{{}, {Q: "forum"}, {Territory: "59350"}, {Q: "le"}} {
			res, err := b.Service.Published(ctx, q, true)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, f := range res.Facets["territory"] {
				sum += f.Count
			}
			if sum != res.Total {
				t.Errorf("%+v: territory facets add up to %d, total %d", q, sum, res.Total)
			}
		}
		// Text is never refused.
		for _, q := range []string{`"`, `NEAR(a`, `*`, `'; DROP TABLE practices; --`, strings.Repeat("égalité ", 2000), "\xff"} {
			if _, err := b.Service.Published(ctx, service.ListQuery{Q: q}, true); err != nil {
				t.Errorf("q=%.30q: %v", q, err)
			}
		}
		counts, err := b.Service.CountsByTerritory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts["32"] != 2 || counts["59350"] != 1 || counts["59512"] != 1 {
			t.Errorf("counts by territory %v", counts)
		}
	})
}
