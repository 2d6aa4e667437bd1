package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

func main() {
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv("DBURL"), os.Args[1])
	if err != nil { panic(err) }
	if _, err := db.Migrate(ctx); err != nil { panic(err) }
	if os.Getenv("FTS") != "" { fts(db); return }
	if os.Getenv("SEEDPROF") != "" { seedprof(db); return }
	if os.Getenv("EQP") != "" { eqp(db); return }
	if os.Getenv("LOAD") != "" { load(db); return }
	ters, _ := store.ListTerritories(ctx, db.Read)
	tree := passerelle.NewTree(ters)
	pub := []passerelle.Status{passerelle.StatusPublished}
	cases := []struct{ name string; f store.PracticeFilter; facets bool }{
		{"all", store.PracticeFilter{Statuses: pub, Limit: 20}, false},
		{"all+facets", store.PracticeFilter{Statuses: pub, Limit: 20}, true},
		{"region+facets", store.PracticeFilter{Statuses: pub, Limit: 20, Territories: tree.Subtree("32")}, true},
		{"59+facets", store.PracticeFilter{Statuses: pub, Limit: 20, Territories: tree.Subtree("59")}, true},
		{"lille+facets", store.PracticeFilter{Statuses: pub, Limit: 20, Territories: tree.Subtree("59350")}, true},
		{"qpv+facets", store.PracticeFilter{Statuses: pub, Limit: 20, Territories: tree.Subtree("qpv-lille-sud")}, true},
		{"59 deep page", store.PracticeFilter{Statuses: pub, Limit: 20, Offset: 9980, Territories: tree.Subtree("59")}, true},
		{"combined", store.PracticeFilter{Statuses: pub, Limit: 20, Territories: tree.Subtree("59"), Theme: "emploi", Kind: "experience"}, true},
		{"tool game 2022", store.PracticeFilter{Statuses: pub, Limit: 20, Kind: "tool", Format: "game", Year: 2022}, true},
		{"audience", store.PracticeFilter{Statuses: pub, Limit: 20, Audience: "collegiens"}, true},
		{"q discrimination", store.PracticeFilter{Statuses: pub, Limit: 20, Query: "discrimination"}, true},
		{"q egalite 59", store.PracticeFilter{Statuses: pub, Limit: 20, Query: "egalite", Territories: tree.Subtree("59")}, true},
		{"q le", store.PracticeFilter{Statuses: pub, Limit: 20, Query: "le"}, true},
		{"q quartier", store.PracticeFilter{Statuses: pub, Limit: 20, Query: "quartier"}, true},
		{"q quartier nofacets", store.PracticeFilter{Statuses: pub, Limit: 20, Query: "quartier"}, false},
		{"q jeu stereotypes", store.PracticeFilter{Statuses: pub, Limit: 20, Query: "jeu stéréotypes"}, true},
	}
	for _, c := range cases {
		var ds []time.Duration
		var total int
		for i := 0; i < 15; i++ {
			t0 := time.Now()
			r, err := store.FindPractices(ctx, db, c.f, c.facets)
			if err != nil { panic(fmt.Sprint(c.name, err)) }
			ds = append(ds, time.Since(t0))
			total = r.Total
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		fmt.Printf("%-22s total=%6d p50=%6.1fms max=%6.1fms\n", c.name, total, float64(ds[len(ds)/2].Microseconds())/1000, float64(ds[len(ds)-1].Microseconds())/1000)
	}
	t0 := time.Now()
	store.CountByTerritory(ctx, db.Read, store.PracticeFilter{Statuses: pub})
	fmt.Println("countByTerritory", time.Since(t0))
}
