package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestHarvestKeysetPaging pages through practices that share publication
// times — the hard case of keyset paging — in both directions, and checks
// that every published practice comes exactly once, in order.
func TestHarvestKeysetPaging(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		base := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
		var want []int64
		for i := range 9 {
			// Three practices per instant, one instant with a fraction of
			// a second.
			at := base.Add(time.Duration(i/3) * time.Minute)
			if i/3 == 1 {
				at = at.Add(250 * time.Millisecond)
			}
			status := passerelle.StatusPublished
			if i == 4 {
				status = passerelle.StatusArchived
			}
			kind := passerelle.KindExperience
			if i%2 == 0 {
				kind = passerelle.KindTool
			}
			p := &passerelle.Practice{Kind: kind, Title: "Fiche", TerritoryCode: "59350", Themes: []string{"emploi"},
				AuthorID: w.LilleAuthor.ID, Status: status, Version: 1, CreatedAt: at, UpdatedAt: at, PublishedAt: &at}
			if err := store.InsertPractice(ctx, b.DB.Bun, p); err != nil {
				t.Fatal(err)
			}
			if status == passerelle.StatusPublished {
				want = append(want, p.ID)
			}
		}
		walk := func(f store.HarvestFilter) []int64 {
			var got []int64
			for range 100 {
				page, err := store.HarvestPractices(ctx, b.DB.Read, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range page {
					got = append(got, p.ID)
				}
				if len(page) < f.Limit {
					return got
				}
				last := page[len(page)-1]
				f.After = &store.Position{PublishedAt: *last.PublishedAt, ID: last.ID}
			}
			t.Fatal("paging does not end")
			return nil
		}
		for _, size := range []int{1, 2, 3, 5} {
			if got := walk(store.HarvestFilter{Limit: size}); !slices.Equal(got, want) {
				t.Errorf("oldest first by %d: %v, want %v", size, got, want)
			}
			rev := slices.Clone(want)
			slices.Reverse(rev)
			if got := walk(store.HarvestFilter{Limit: size, NewestFirst: true}); !slices.Equal(got, rev) {
				t.Errorf("newest first by %d: %v, want %v", size, got, rev)
			}
		}
		from, until := base.Add(time.Minute), base.Add(time.Minute+time.Second)
		if got := walk(store.HarvestFilter{Limit: 2, From: &from, Until: &until}); len(got) != 2 {
			t.Errorf("within [%s, %s): %v, want the 2 published at the second instant", from, until, got)
		}
		if got := walk(store.HarvestFilter{Limit: 2, Kind: passerelle.KindTool, Territories: []string{"59", "59350"}, Theme: "emploi"}); len(got) != 4 {
			t.Errorf("tools: %v, want 4", got)
		}
		if got := walk(store.HarvestFilter{Limit: 2, Territories: []string{}}); len(got) != 0 {
			t.Errorf("no territory: %v", got)
		}
		n, err := store.CountHarvest(ctx, b.DB.Read, store.HarvestFilter{})
		if err != nil || n != len(want) {
			t.Errorf("count = %d, %v; want %d", n, err, len(want))
		}
		earliest, ok, err := store.EarliestPublication(ctx, b.DB.Read)
		if err != nil || !ok || !earliest.Equal(base) {
			t.Errorf("earliest = %s, %v, %v; want %s", earliest, ok, err, base)
		}
		chunks, err := store.PublishedIDChunks(ctx, b.DB.Read, 4)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, c := range chunks {
			total += c.Count
			stubs, err := store.PublishedStubs(ctx, b.DB.Read, (c.N-1)*4, c.N*4, 100)
			if err != nil || len(stubs) != c.Count {
				t.Errorf("chunk %d: %d stubs, %v; want %d", c.N, len(stubs), err, c.Count)
			}
		}
		if total != len(want) {
			t.Errorf("chunks hold %d practices, want %d", total, len(want))
		}
	})
}
