package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// catalogueFixture is a database with a small territory tree, three themes
// and an author, and a helper to publish practices straight into it.
type catalogueFixture struct {
	db     *store.DB
	open   func(t *testing.T) *store.DB // another handle on the same database
	author *passerelle.User
	tree   *passerelle.Tree
	next   time.Time
}

func newCatalogueFixture(t *testing.T, dialect string) *catalogueFixture {
	t.Helper()
	ctx := context.Background()
	url, dir := testenv.DatabaseURL(t, dialect)
	open := func(t *testing.T) *store.DB {
		db, err := store.Open(ctx, url, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open(t)
	territories := []passerelle.Territory{
		{Code: "32", Name: "Hauts-de-France", Level: passerelle.LevelRegion},
		{Code: "59", Name: "Nord", Level: passerelle.LevelDepartment, ParentCode: "32"},
		{Code: "62", Name: "Pas-de-Calais", Level: passerelle.LevelDepartment, ParentCode: "32"},
		{Code: "59350", Name: "Lille", Level: passerelle.LevelCommune, ParentCode: "59"},
		{Code: "62193", Name: "Calais", Level: passerelle.LevelCommune, ParentCode: "62"},
	}
	for _, ter := range territories {
		ter.CreatedAt = store.Now()
		if err := store.InsertTerritory(ctx, db.Bun, ter); err != nil {
			t.Fatal(err)
		}
	}
	for _, slug := range []string{"emploi", "education", "egalite"} {
		if err := store.InsertTheme(ctx, db.Bun, passerelle.Theme{Slug: slug, Name: slug}); err != nil {
			t.Fatal(err)
		}
	}
	author := &passerelle.User{Email: "autrice@example.org", Name: "Autrice", CreatedAt: store.Now()}
	if err := store.InsertUser(ctx, db.Bun, author, "x"); err != nil {
		t.Fatal(err)
	}
	return &catalogueFixture{db: db, open: open, author: author, tree: passerelle.NewTree(territories),
		next: time.Date(2023, 3, 1, 12, 0, 0, 0, time.UTC)}
}

// publish stores a published practice; each is published a day after the
// previous one.
func (f *catalogueFixture) publish(t *testing.T, p passerelle.Practice) *passerelle.Practice {
	t.Helper()
	at := f.next
	f.next = f.next.Add(24 * time.Hour)
	p.Status, p.AuthorID, p.CreatedAt, p.UpdatedAt, p.PublishedAt = passerelle.StatusPublished, f.author.ID, at, at, &at
	if p.Kind == "" {
		p.Kind = passerelle.KindExperience
	}
	if p.TerritoryCode == "" {
		p.TerritoryCode = "59350"
	}
	if p.Themes == nil {
		p.Themes = []string{"emploi"}
	}
	if err := store.InsertPractices(context.Background(), f.db.Bun, []*passerelle.Practice{&p}); err != nil {
		t.Fatal(err)
	}
	return &p
}

func (f *catalogueFixture) find(t *testing.T, pf store.PracticeFilter) *store.Results {
	t.Helper()
	pf.Statuses = []passerelle.Status{passerelle.StatusPublished}
	if pf.Limit == 0 {
		pf.Limit = 20
	}
	res, err := store.FindPractices(context.Background(), f.db, pf, true)
	if err != nil {
		t.Fatalf("FindPractices(%+v): %v", pf, err)
	}
	return res
}

func titles(ps []*passerelle.Practice) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Title
	}
	return out
}

// checkFacets checks that the territory and kind facets add up to the
// total, and every theme count is at most the total.
func checkFacets(t *testing.T, res *store.Results) {
	t.Helper()
	for _, name := range []string{"territory", "kind"} {
		sum := 0
		for _, f := range res.Facets[name] {
			sum += f.Count
		}
		if sum != res.Total {
			t.Errorf("%s facets add up to %d, total is %d: %v", name, sum, res.Total, res.Facets[name])
		}
	}
	for _, name := range []string{"theme", "format", "year"} {
		if _, ok := res.Facets[name]; !ok {
			t.Errorf("no %s facet", name)
		}
		for _, f := range res.Facets[name] {
			if f.Count > res.Total || f.Count <= 0 {
				t.Errorf("%s facet %q counts %d of %d", name, f.Value, f.Count, res.Total)
			}
		}
	}
}

func TestSearchFrench(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		f := newCatalogueFixture(t, dialect)
		f.publish(t, passerelle.Practice{Title: "Lutter contre les discriminations", Summary: "Un forum de recrutement.", Body: "Des CV anonymes."})
		f.publish(t, passerelle.Practice{Title: "Marche exploratoire", Summary: "Pour l'égalité entre les femmes et les hommes.", Body: "Des habitantes."})
		f.publish(t, passerelle.Practice{Kind: passerelle.KindTool, Title: "Un jeu de cartes", Summary: "Un outil pour la classe.",
			Body: "Une séquence **pédagogique** de deux heures.",
			Tool: &passerelle.Tool{Audience: []string{"Collégiens"}, Format: "game", License: "CC-BY-4.0"}})
		f.publish(t, passerelle.Practice{Title: "Forum de l'emploi", Summary: "Des entreprises du quartier.", Body: "Résultat : 42 personnes.",
			Experience: &passerelle.Experience{Context: "Chômage élevé.", Actions: "Un forum.", Results: "Douze contrats d’embauche signés."}})
		f.publish(t, passerelle.Practice{Title: "Jardin partagé", Summary: "Au pied des immeubles.", Body: "Des familles jardinent ensemble."})
		f.publish(t, passerelle.Practice{Title: "Café des diplômés", Summary: "Des jeunes diplômés rencontrent des entreprises.", Body: "Chaque mois."})

		tests := []struct {
			name, query string
			want        []string
		}{
			{"plural", "discrimination", []string{"Lutter contre les discriminations"}},
			{"accents", "egalite", []string{"Marche exploratoire"}},
			{"accents and plural", "pedagogiques", []string{"Un jeu de cartes"}},
			{"verb form, in a sheet field", "embaucher", []string{"Forum de l'emploi"}},
			{"capitals and accents", "ÉGALITÉ", []string{"Marche exploratoire"}},
			{"every word must match", "forum discriminations", []string{"Lutter contre les discriminations"}},
			{"exclusion", "forum -discrimination", []string{"Forum de l'emploi"}},
			{"phrase", `"femmes et les hommes"`, []string{"Marche exploratoire"}},
			{"phrase in another order", `"hommes et les femmes"`, nil},
			{"tool format in French", "jeu", []string{"Un jeu de cartes"}},
			{"audience", "collegiens", []string{"Un jeu de cartes"}},
			{"accents and gender", "Diplômée", []string{"Café des diplômés"}},
			{"infinitive for a conjugated verb", "rencontrer", []string{"Café des diplômés"}},
			{"verb in -ent for another form", "jardiner", []string{"Jardin partagé"}},
			{"nothing", "astronomie", nil},
			{"only stop words", "le la des", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := f.find(t, store.PracticeFilter{Query: tt.query})
				if got := titles(res.Items); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
					t.Errorf("%q found %q, want %q", tt.query, got, tt.want)
				}
				if res.Total != len(tt.want) {
					t.Errorf("%q: total %d, want %d", tt.query, res.Total, len(tt.want))
				}
				checkFacets(t, res)
			})
		}
	})
}

func TestSearchRanking(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		f := newCatalogueFixture(t, dialect)
		// Published in this order: the newest would come first without
		// ranking.
		f.publish(t, passerelle.Practice{Title: "Discriminations à l'embauche", Summary: "Un forum.", Body: "Des CV anonymes."})
		f.publish(t, passerelle.Practice{Title: "Un forum", Summary: "Contre les discriminations.", Body: "Des CV anonymes."})
		f.publish(t, passerelle.Practice{Title: "Un autre forum", Summary: "Des entreprises.", Body: "Il y est question de discriminations."})
		res := f.find(t, store.PracticeFilter{Query: "discrimination"})
		want := []string{"Discriminations à l'embauche", "Un forum", "Un autre forum"}
		if got := titles(res.Items); !slices.Equal(got, want) {
			t.Errorf("ranked %q, want title, then summary, then body: %q", got, want)
		}
		// Without a query, newest first.
		res = f.find(t, store.PracticeFilter{})
		want = []string{"Un autre forum", "Un forum", "Discriminations à l'embauche"}
		if got := titles(res.Items); !slices.Equal(got, want) {
			t.Errorf("listed %q, want newest first %q", got, want)
		}
	})
}

func TestSearchHostileQueries(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		f := newCatalogueFixture(t, dialect)
		f.publish(t, passerelle.Practice{Title: "Forum de l'emploi", Summary: "Des entreprises.", Body: "Un forum."})
		long := strings.Repeat("discrimination égalité ", 500)
		for _, q := range []string{
			`"`, `""`, `forum AND (`, `*`, `forum*`, `NEAR(forum emploi)`, `NEAR(a b`, `'; DROP TABLE practices; --`,
			`a:b`, `title:forum`, `{title}: forum`, `-forum`, `--forum`, `- -`, `%_\`, `forum OR emploi`, `NOT forum`,
			`forum & emploi | !x`, `forum <-> emploi`, `😀 forum 🎉`, "\x00\x01forum", "\xff\xfe", `^forum`, `+forum`,
			`(((((`, `"forum`, `forum"`, `le`, long, strings.Repeat("x", 10_000), strings.Repeat(`"a" `, 2000),
		} {
			res, err := store.FindPractices(context.Background(), f.db, store.PracticeFilter{
				Statuses: []passerelle.Status{passerelle.StatusPublished}, Query: q, Limit: 20}, true)
			if err != nil {
				t.Errorf("query %.40q: %v", q, err)
				continue
			}
			checkFacets(t, res)
			// The same text through the SQL path (any other list).
			if _, _, err := store.ListPractices(context.Background(), f.db.Read, store.PracticeFilter{Query: q, AuthorID: f.author.ID, Limit: 20}); err != nil {
				t.Errorf("query %.40q through SQL: %v", q, err)
			}
		}
		if res := f.find(t, store.PracticeFilter{Query: "forum*"}); res.Total != 1 {
			t.Errorf("forum* found %d, want the forum: signs are not operators", res.Total)
		}
	})
}

func TestFiltersAndFacets(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		f := newCatalogueFixture(t, dialect)
		tool := func(format string, audience ...string) *passerelle.Tool {
			return &passerelle.Tool{Format: format, Audience: audience, License: "CC-BY-4.0"}
		}
		f.publish(t, passerelle.Practice{Title: "A", TerritoryCode: "59350", Themes: []string{"emploi", "egalite"}})
		f.publish(t, passerelle.Practice{Title: "B", TerritoryCode: "59", Themes: []string{"education"}})
		f.publish(t, passerelle.Practice{Title: "C", TerritoryCode: "62193", Kind: passerelle.KindTool, Tool: tool("game", "Collégiens", "Enseignants")})
		f.publish(t, passerelle.Practice{Title: "D", TerritoryCode: "32", Kind: passerelle.KindTool, Tool: tool("video", "Élus")})
		f.next = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
		f.publish(t, passerelle.Practice{Title: "E", TerritoryCode: "59350", Kind: passerelle.KindTool, Tool: tool("game", "collegiens")})

		tests := []struct {
			name   string
			filter store.PracticeFilter
			want   []string
		}{
			{"all, newest first", store.PracticeFilter{}, []string{"E", "D", "C", "B", "A"}},
			{"territory and below", store.PracticeFilter{Territories: f.tree.Subtree("59")}, []string{"E", "B", "A"}},
			{"no territory", store.PracticeFilter{Territories: []string{}}, nil},
			{"theme", store.PracticeFilter{Theme: "egalite"}, []string{"A"}},
			{"kind", store.PracticeFilter{Kind: passerelle.KindTool}, []string{"E", "D", "C"}},
			{"format", store.PracticeFilter{Format: "game"}, []string{"E", "C"}},
			{"audience, whatever the accents", store.PracticeFilter{Audience: "COLLÉGIENS"}, []string{"E", "C"}},
			{"year", store.PracticeFilter{Year: 2024}, []string{"E"}},
			{"combined", store.PracticeFilter{Territories: f.tree.Subtree("59"), Kind: passerelle.KindTool, Format: "game", Year: 2024}, []string{"E"}},
			{"unknown values match nothing", store.PracticeFilter{Theme: "nope"}, nil},
			{"paged", store.PracticeFilter{Limit: 2, Offset: 2}, []string{"C", "B"}},
			{"past the end", store.PracticeFilter{Limit: 2, Offset: 10}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := f.find(t, tt.filter)
				if got := titles(res.Items); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
				if tt.filter.Limit == 0 && res.Total != len(tt.want) {
					t.Errorf("total %d, want %d", res.Total, len(tt.want))
				}
				checkFacets(t, res)
				// The SQL path (used by every other list) agrees.
				pf := tt.filter
				pf.Statuses = []passerelle.Status{passerelle.StatusPublished}
				if pf.Limit == 0 {
					pf.Limit = 20
				}
				items, total, err := store.ListPractices(context.Background(), f.db.Read, pf)
				if err != nil {
					t.Fatal(err)
				}
				if got := titles(items); !slices.Equal(got, titles(res.Items)) || total != res.Total {
					t.Errorf("SQL gives %q (%d), catalogue %q (%d)", got, total, titles(res.Items), res.Total)
				}
				facets, err := store.Facets(context.Background(), f.db.Read, pf)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(facets) != fmt.Sprint(res.Facets) {
					t.Errorf("SQL facets %v, catalogue facets %v", facets, res.Facets)
				}
			})
		}
		res := f.find(t, store.PracticeFilter{})
		want := map[string]string{
			"territory": "[{59350 2} {32 1} {59 1} {62193 1}]",
			"theme":     "[{emploi 4} {education 1} {egalite 1}]",
			"kind":      "[{tool 3} {experience 2}]",
			"format":    "[{game 2} {video 1}]",
			"year":      "[{2024 1} {2023 4}]",
		}
		for name, w := range want {
			if got := fmt.Sprint(res.Facets[name]); got != w {
				t.Errorf("%s facet %s, want %s", name, got, w)
			}
		}
	})
}

// TestCatalogueFollowsChanges checks that lists see every change at once,
// including changes made through another connection pool (another process).
func TestCatalogueFollowsChanges(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newCatalogueFixture(t, dialect)
		a := f.publish(t, passerelle.Practice{Title: "Forum", TerritoryCode: "59350"})
		if res := f.find(t, store.PracticeFilter{}); res.Total != 1 {
			t.Fatalf("total %d, want 1", res.Total)
		}
		b := f.publish(t, passerelle.Practice{Title: "Jardin", TerritoryCode: "62193"})
		res := f.find(t, store.PracticeFilter{Query: "jardin"})
		if got := titles(res.Items); !slices.Equal(got, []string{"Jardin"}) {
			t.Errorf("after a publication: %q", got)
		}
		// Archived: off the lists.
		if ok, err := store.MovePractice(ctx, f.db.Bun, a, passerelle.StatusArchived, store.Now()); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if got := titles(f.find(t, store.PracticeFilter{}).Items); !slices.Equal(got, []string{"Jardin"}) {
			t.Errorf("after archiving: %q", got)
		}
		// Its themes changed (the seeder's way: published rows with themes).
		if err := store.SetPracticeThemes(ctx, f.db.Bun, b.ID, []string{"education"}); err != nil {
			t.Fatal(err)
		}
		if res := f.find(t, store.PracticeFilter{Theme: "education"}); res.Total != 1 {
			t.Errorf("after a theme change: %d with the new theme", res.Total)
		}
		// Many changes at once: the catalogue reloads.
		batch := make([]*passerelle.Practice, 1200)
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range batch {
			at := at.Add(time.Duration(i) * time.Minute)
			batch[i] = &passerelle.Practice{Kind: passerelle.KindExperience, Title: fmt.Sprintf("Fiche %d", i), TerritoryCode: "59",
				Themes: []string{"emploi"}, Status: passerelle.StatusPublished, AuthorID: f.author.ID, CreatedAt: at, UpdatedAt: at, PublishedAt: &at}
		}
		if err := f.db.InTx(ctx, func(ctx context.Context, tx bunTx) error { return store.InsertPractices(ctx, tx, batch) }); err != nil {
			t.Fatal(err)
		}
		res = f.find(t, store.PracticeFilter{})
		if res.Total != 1201 || res.Items[0].Title != "Fiche 1199" {
			t.Errorf("after 1,200 publications: total %d, first %q", res.Total, res.Items[0].Title)
		}
		checkFacets(t, res)
		// A second handle on the same database (another process) sees the
		// same.
		other := f.open(t)
		if res := mustFind(t, other, store.PracticeFilter{Territories: f.tree.Subtree("62")}); res.Total != 1 {
			t.Errorf("another process sees %d in 62, want 1", res.Total)
		}
		f.publish(t, passerelle.Practice{Title: "Dernière", TerritoryCode: "62193"})
		if res := mustFind(t, other, store.PracticeFilter{Territories: f.tree.Subtree("62")}); res.Total != 2 {
			t.Errorf("another process sees %d in 62 after a publication, want 2", res.Total)
		}
	})
}

type bunTx = bun.Tx

func mustFind(t *testing.T, db *store.DB, pf store.PracticeFilter) *store.Results {
	t.Helper()
	pf.Statuses, pf.Limit = []passerelle.Status{passerelle.StatusPublished}, 20
	res, err := store.FindPractices(context.Background(), db, pf, true)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPublishedCountByTerritory(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		f := newCatalogueFixture(t, dialect)
		f.publish(t, passerelle.Practice{Title: "A", TerritoryCode: "59350"})
		f.publish(t, passerelle.Practice{Title: "B", TerritoryCode: "59350"})
		f.publish(t, passerelle.Practice{Title: "C", TerritoryCode: "62193"})
		got, err := store.PublishedCountByTerritory(context.Background(), f.db)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != "map[59350:2 62193:1]" {
			t.Errorf("counts %v", got)
		}
	})
}

func TestSearchPagesDeep(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newCatalogueFixture(t, dialect)
		batch := make([]*passerelle.Practice, 250)
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range batch {
			at := at.Add(time.Duration(i) * time.Minute)
			body := "Un atelier."
			if i%3 == 0 {
				body = "Un atelier sur les discriminations à l'embauche et les discriminations au logement."
			}
			batch[i] = &passerelle.Practice{Kind: passerelle.KindExperience, Title: fmt.Sprintf("Atelier %d", i), Summary: "Un atelier.", Body: body,
				TerritoryCode: "59350", Themes: []string{"emploi"}, Status: passerelle.StatusPublished, AuthorID: f.author.ID,
				CreatedAt: at, UpdatedAt: at, PublishedAt: &at}
		}
		if err := f.db.InTx(ctx, func(ctx context.Context, tx bunTx) error { return store.InsertPractices(ctx, tx, batch) }); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"", "atelier", "discrimination"} {
			seen := map[int64]bool{}
			total := -1
			for offset := 0; ; offset += 20 {
				res := f.find(t, store.PracticeFilter{Query: q, Offset: offset})
				total = res.Total
				if len(res.Items) == 0 {
					break
				}
				for _, p := range res.Items {
					if seen[p.ID] {
						t.Fatalf("q=%q: practice %d on two pages", q, p.ID)
					}
					seen[p.ID] = true
				}
			}
			if len(seen) != total {
				t.Errorf("q=%q: paged through %d of %d", q, len(seen), total)
			}
		}
	})
}

// TestSelectionsRemembered: a list asked again on the same catalogue gets
// the same page, total and facets from the selections kept with it; "no
// territory" and "any territory" are told apart; a change is seen at once.
func TestSelectionsRemembered(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		f := newCatalogueFixture(t, dialect)
		f.publish(t, passerelle.Practice{Title: "Forum", TerritoryCode: "59350"})
		f.publish(t, passerelle.Practice{Title: "Jardin", TerritoryCode: "62193", Themes: []string{"education"}})
		for range 2 {
			res := f.find(t, store.PracticeFilter{})
			if got := titles(res.Items); res.Total != 2 || !slices.Equal(got, []string{"Jardin", "Forum"}) || len(res.Facets["theme"]) != 2 {
				t.Fatalf("all: %d %q %v", res.Total, got, res.Facets)
			}
			checkFacets(t, res)
			if res := f.find(t, store.PracticeFilter{Territories: []string{}}); res.Total != 0 {
				t.Errorf("no territory: %d", res.Total)
			}
			if res := f.find(t, store.PracticeFilter{Territories: []string{"62193"}}); res.Total != 1 {
				t.Errorf("Calais: %d", res.Total)
			}
		}
		f.publish(t, passerelle.Practice{Title: "Atelier", TerritoryCode: "62193"})
		if res := f.find(t, store.PracticeFilter{Territories: []string{"62193"}}); res.Total != 2 || res.Items[0].Title != "Atelier" {
			t.Errorf("Calais after a publication: %d %q", res.Total, titles(res.Items))
		}
		if res := f.find(t, store.PracticeFilter{}); res.Total != 3 {
			t.Errorf("all after a publication: %d", res.Total)
		}
	})
}

// TestListsWhileTheCatalogueLoads: a server that loads its catalogue in
// the background answers the lists asked meanwhile as it will once it is
// loaded, never with an error or a partial answer.
func TestListsWhileTheCatalogueLoads(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		f := newCatalogueFixture(t, dialect)
		f.publish(t, passerelle.Practice{Title: "Forum", TerritoryCode: "59350"})
		f.publish(t, passerelle.Practice{Title: "Jardin partagé", TerritoryCode: "62193", Themes: []string{"education"}})
		other := f.open(t) // a process starting on the same database
		loaded := make(chan error, 1)
		store.LoadCatalogueInBackground(context.Background(), other, func(_ time.Duration, err error) { loaded <- err })
		all := mustFind(t, other, store.PracticeFilter{})
		if got := titles(all.Items); all.Total != 2 || !slices.Equal(got, []string{"Jardin partagé", "Forum"}) || len(all.Facets["theme"]) != 2 {
			t.Errorf("all while loading: %d %q %v", all.Total, got, all.Facets)
		}
		checkFacets(t, all)
		if res := mustFind(t, other, store.PracticeFilter{Query: "jardin"}); !slices.Equal(titles(res.Items), []string{"Jardin partagé"}) {
			t.Errorf("search while loading: %q", titles(res.Items))
		}
		select {
		case err := <-loaded:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Minute):
			t.Fatal("the catalogue was not loaded within a minute")
		}
		if res := mustFind(t, other, store.PracticeFilter{Territories: []string{"62193"}}); res.Total != 1 {
			t.Errorf("Calais once loaded: %d", res.Total)
		}
	})
}
