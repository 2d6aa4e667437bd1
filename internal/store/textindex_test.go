package store_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// corpusWords are the words of the random corpus: accents, plurals,
// feminine forms in -ée, verbs in -ent, words in -eu/-eux, stop words, and
// a few common ones that most texts hold.
var corpusWords = strings.Fields(`égalité egalite femmes hommes discrimination discriminations embauche embaucher
	emploi emplois jeunes diplômée diplômées diplômés rencontrent rencontrer jardin jardins jardinent jeu jeux lieu
	lieux forum forums quartier quartiers habitants habitantes école écoles collège collégiens outil outils formation
	formations santé logement logements mobilité numérique culture sport sports associations association réseau
	réseaux accompagnement accompagner insertion handicap vieillissement parentalité violences prévention
	le la les des du de et à au aux pour avec dans sur une un en est sont été
	projet projets action actions public publics`)

func randomText(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		w := corpusWords[rng.IntN(len(corpusWords))]
		if rng.IntN(7) == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		ws[i] = w
	}
	return strings.Join(ws, " ") + "."
}

func randomQuery(rng *rand.Rand) string {
	n := 1 + rng.IntN(3)
	var q []string
	for i := range n {
		w := corpusWords[rng.IntN(len(corpusWords))]
		if i > 0 && rng.IntN(5) == 0 {
			w = "-" + w
		}
		q = append(q, w)
	}
	return strings.Join(q, " ")
}

// TestTextIndexAnswersAsTheDatabase: on a random corpus, every search of
// words finds from the in-memory text index exactly what the database's
// full-text index finds (FTS5 on SQLite, the tsvector on PostgreSQL), and,
// on SQLite, the bm25 scores are FTS5's while every practice is published
// (then the statistics are the same). It holds as the catalogue catches up on
// new, changed and withdrawn practices, after a new base is built, and in
// another process that starts from the saved snapshot.
func TestTextIndexAnswersAsTheDatabase(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newCatalogueFixture(t, dialect)
		rng := rand.New(rand.NewPCG(7, 2026))
		var published []*passerelle.Practice
		publish := func(n int) {
			for range n {
				p := passerelle.Practice{Title: randomText(rng, 2+rng.IntN(5)), Summary: randomText(rng, 5+rng.IntN(10)),
					Body: randomText(rng, 10+rng.IntN(60))}
				if rng.IntN(3) == 0 {
					p.Experience = &passerelle.Experience{Context: randomText(rng, 5), Results: randomText(rng, 5),
						Partners: []string{randomText(rng, 2)}}
				}
				published = append(published, f.publish(t, p))
			}
		}
		publish(150)
		// The scores are FTS5's while every practice is published: FTS5
		// counts every row in its statistics, the index the published.
		check := func(when string, scores bool) {
			t.Helper()
			if _, err := store.WaitTextIndex(ctx, f.db); err != nil {
				t.Fatal(err)
			}
			asked := 0
			for range 150 {
				q := randomQuery(rng)
				mem, db, memScores, dbScores, ok, err := store.SearchBothWays(ctx, f.db, q)
				if err != nil {
					t.Fatalf("%s: %q: %v", when, q, err)
				}
				if !ok {
					continue
				}
				asked++
				if !slices.Equal(mem, db) {
					t.Errorf("%s: %q found %v in memory, %v in the database", when, q, mem, db)
					continue
				}
				if len(memScores) != len(mem) {
					t.Errorf("%s: %q: %d scores for %d matches", when, q, len(memScores), len(mem))
				}
				if dialect != store.SQLite || !scores {
					continue
				}
				for id, want := range dbScores {
					if got := memScores[id]; math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
						t.Errorf("%s: %q: practice %d scores %v in memory, %v by FTS5", when, q, id, got, want)
					}
				}
			}
			if asked < 100 {
				t.Errorf("%s: only %d searches of words", when, asked)
			}
		}
		check("built", true)

		// Changes: new practices, texts rewritten, one withdrawn.
		publish(5)
		for _, p := range published[10:15] {
			if _, err := f.db.Bun.NewUpdate().Table("practices").Set("title = ?", randomText(rng, 4)).
				Set("body = ?", randomText(rng, 30)).Where("id = ?", p.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.db.Bun.NewUpdate().Table("practices").Set("status = ?", string(passerelle.StatusArchived)).
			Where("id = ?", published[20].ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		builds := store.TextIndexBuilds(f.db)
		check("caught up", false)
		if n := store.TextIndexBuilds(f.db); n != builds {
			t.Errorf("the index was built again (%d builds, then %d): it should have caught up", builds, n)
		}

		// A new base, built in the background once the overlay has grown.
		store.SetTextIndexLimits(f.db, 0, 3)
		publish(10)
		deadline := time.Now().Add(time.Minute)
		for store.TextIndexBuilds(f.db) == builds && time.Now().Before(deadline) {
			if _, err := store.WaitTextIndex(ctx, f.db); err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if store.TextIndexBuilds(f.db) == builds {
			t.Fatal("no new base built")
		}
		publish(2)
		check("rebuilt", false)

		// Another process starts from the snapshot the last build saved,
		// and catches up on what was published since.
		for store.TextIndexSaves(f.db) == 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		publish(3)
		other := f.open(t)
		store.SetTextIndexLimits(other, 0, 1000)
		if _, err := store.WaitTextIndex(ctx, other); err != nil {
			t.Fatal(err)
		}
		if n, b := store.TextIndexRestores(other), store.TextIndexBuilds(other); n != 1 || b != 0 {
			t.Errorf("the other process read %d snapshots and built %d bases, want 1 and 0", n, b)
		}
		f.db = other
		check("restored", false)
	})
}

// TestSearchWhileTheTextIndexBuilds: a large catalogue has its text index
// built in the background; searches answer from the database meanwhile,
// then from memory, the same.
func TestSearchWhileTheTextIndexBuilds(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newCatalogueFixture(t, dialect)
		store.SetTextIndexLimits(f.db, 0, 1000)
		f.publish(t, passerelle.Practice{Title: "Lutter contre les discriminations", Summary: "Un forum.", Body: "Des CV anonymes."})
		f.publish(t, passerelle.Practice{Title: "Forum de l'emploi", Summary: "Des entreprises.", Body: "Contre les discriminations."})
		before := f.find(t, store.PracticeFilter{Query: "discrimination forum"})
		if _, err := store.WaitTextIndex(ctx, f.db); err != nil {
			t.Fatal(err)
		}
		after := f.find(t, store.PracticeFilter{Query: "discrimination forum"})
		if before.Total != 2 || after.Total != 2 || !slices.Equal(titles(before.Items), titles(after.Items)) {
			t.Errorf("before the index: %q (%d), after: %q (%d)", titles(before.Items), before.Total, titles(after.Items), after.Total)
		}
	})
}
