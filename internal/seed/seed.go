// Package seed fills a database with many realistic published practices,
// for demonstrations and benchmarks: French text assembled from fragments
// (actions, publics, partners, places, results) that follow the themes,
// spread over the whole territory tree and the themes, written by the
// contributors of the territories. It needs territories, themes and at
// least one contributor to exist (passerelle serve --demo provides them) and
// writes in large batches, each in one transaction.
package seed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// ErrNoDirectory is returned when the database lacks the territories,
// themes or contributors that practices need.
var ErrNoDirectory = errors.New("seeding needs territories, themes and at least one contributor: " +
	"start once with \"passerelle serve --demo\" on an empty database, or create them with " +
	"\"territory add\", \"theme add\", \"user add\" and \"role grant\"")

// MaxPractices bounds one run.
const MaxPractices = 10_000_000

// Options tunes Practices.
type Options struct {
	// Practices is how many to add (1 to MaxPractices).
	Practices int
	// BatchSize is how many are written per transaction; 0 means 1,000.
	BatchSize int
	// Seed makes the text reproducible; 0 draws one from the clock.
	Seed uint64
	// Now is the latest publication time; zero means now. Publications are
	// spread over the eight years before it.
	Now time.Time
	// Workers is how many batches are written at once; 0 means one on
	// SQLite (a single writer) and one per CPU on PostgreSQL, whose
	// triggers compute each search vector in the server.
	Workers int
	// Progress, when set, is called after each batch with the number
	// written so far (from one goroutine at a time).
	Progress func(done int)
}

// Span is how far back publication times go.
const Span = 8 * 365 * 24 * time.Hour

// Practices adds opts.Practices published practices to db and then brings
// the search index and the planner's statistics up to date. It returns the
// IDs of the first and last practices written. Errors: ErrNoDirectory, a
// usage error for a count out of range, or the database's.
func Practices(ctx context.Context, db *store.DB, opts Options) (first, last int64, err error) {
	if opts.Practices < 1 || opts.Practices > MaxPractices {
		return 0, 0, fmt.Errorf("the number of practices must be between 1 and %d", MaxPractices)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	if opts.Now.IsZero() {
		opts.Now = store.Now()
	}
	if opts.Seed == 0 {
		opts.Seed = uint64(time.Now().UnixNano())
	}
	g, err := newGenerator(ctx, db, opts.Seed)
	if err != nil {
		return 0, 0, err
	}
	if err := store.PrepareBulkLoad(ctx, db); err != nil {
		return 0, 0, err
	}
	if opts.Workers <= 0 {
		opts.Workers = 1
		if db.ConcurrentWriters() {
			opts.Workers = runtime.NumCPU()
		}
	}
	// Batches are drawn in order by one generator, so that a seed always
	// gives the same text, and written by the workers.
	batches := make(chan []*passerelle.Practice, opts.Workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var firstErr error
	done := 0
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
					return store.InsertPractices(ctx, tx, batch)
				})
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				if err == nil {
					if first == 0 || batch[0].ID < first {
						first = batch[0].ID
					}
					last = max(last, batch[len(batch)-1].ID)
					done += len(batch)
					if opts.Progress != nil {
						opts.Progress(done)
					}
				}
				mu.Unlock()
			}
		}()
	}
	start := opts.Now.Add(-Span)
	step := Span / time.Duration(opts.Practices)
	for drawn := 0; drawn < opts.Practices && ctx.Err() == nil; {
		n := min(opts.BatchSize, opts.Practices-drawn)
		batch := make([]*passerelle.Practice, n)
		for i := range batch {
			// Later practices are published later, as in life: ids and
			// publication times grow together.
			at := start.Add(time.Duration(drawn+i)*step + time.Duration(g.rng.Int64N(int64(step)+1)))
			batch[i] = g.practice(at.UTC().Truncate(time.Microsecond))
		}
		select {
		case batches <- batch:
		case <-ctx.Done():
		}
		drawn += n
	}
	close(batches)
	wg.Wait()
	if firstErr != nil {
		return first, last, firstErr
	}
	if err := ctx.Err(); err != nil {
		return first, last, err
	}
	return first, last, store.Optimize(ctx, db)
}

// generator draws practices.
type generator struct {
	rng         *rand.Rand
	territories []passerelle.Territory
	cumWeight   []float64
	themes      []passerelle.Theme
	authors     map[string][]int64 // contributors covering each territory
	anyAuthor   []int64
}

// levelWeight is how many practices a territory of a level gets, relatively:
// most projects are those of neighbourhoods and communes.
var levelWeight = map[passerelle.Level]float64{
	passerelle.LevelQPV: 6, passerelle.LevelCommune: 4, passerelle.LevelEPCI: 2,
	passerelle.LevelDepartment: 1, passerelle.LevelRegion: 1, passerelle.LevelOther: 1,
}

func newGenerator(ctx context.Context, db *store.DB, seed uint64) (*generator, error) {
	territories, err := store.ListTerritories(ctx, db.Read)
	if err != nil {
		return nil, err
	}
	themes, err := store.ListThemes(ctx, db.Read)
	if err != nil {
		return nil, err
	}
	grants, err := store.ListGrants(ctx, db.Read)
	if err != nil {
		return nil, err
	}
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), territories: territories, themes: themes,
		authors: map[string][]int64{}}
	byTerritory := map[string][]int64{}
	seen := map[int64]bool{}
	for _, gr := range grants {
		if gr.Role != passerelle.RoleContributor {
			continue
		}
		byTerritory[gr.Territory] = append(byTerritory[gr.Territory], gr.UserID)
		if !seen[gr.UserID] {
			seen[gr.UserID] = true
			g.anyAuthor = append(g.anyAuthor, gr.UserID)
		}
	}
	if len(territories) == 0 || len(themes) == 0 || len(g.anyAuthor) == 0 {
		return nil, ErrNoDirectory
	}
	tree := passerelle.NewTree(territories)
	total := 0.0
	for _, t := range territories {
		w, ok := levelWeight[t.Level]
		if !ok {
			w = 1
		}
		total += w
		g.cumWeight = append(g.cumWeight, total)
		for _, code := range tree.Chain(t.Code) {
			g.authors[t.Code] = append(g.authors[t.Code], byTerritory[code]...)
		}
	}
	return g, nil
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// pickN returns n distinct items of list (fewer when the list is shorter).
func (g *generator) pickN(list []string, n int) []string {
	n = min(n, len(list))
	out := make([]string, 0, n)
	for _, i := range g.rng.Perm(len(list))[:n] {
		out = append(out, list[i])
	}
	return out
}

func (g *generator) territory() passerelle.Territory {
	x := g.rng.Float64() * g.cumWeight[len(g.cumWeight)-1]
	lo, hi := 0, len(g.cumWeight)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.cumWeight[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return g.territories[lo]
}

// place says where, as the end of a title: "à Roubaix", "dans le quartier
// Moulins", "— Pas-de-Calais".
func place(t passerelle.Territory) string {
	switch t.Level {
	case passerelle.LevelQPV:
		return "dans le quartier " + t.Name
	case passerelle.LevelCommune:
		return "à " + t.Name
	case passerelle.LevelEPCI:
		return "sur le territoire de " + t.Name
	default:
		return "— " + t.Name
	}
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// practice draws one published practice.
func (g *generator) practice(publishedAt time.Time) *passerelle.Practice {
	ter := g.territory()
	authors := g.authors[ter.Code]
	if len(authors) == 0 {
		authors = g.anyAuthor
	}
	// One main theme, whose words the text uses, and up to two more.
	mainTheme := g.themes[g.rng.IntN(len(g.themes))]
	themes := []string{mainTheme.Slug}
	for range g.rng.IntN(3) {
		if t := g.themes[g.rng.IntN(len(g.themes))].Slug; !slices.Contains(themes, t) {
			themes = append(themes, t)
		}
	}
	words, known := themeBank[mainTheme.Slug]
	if !known {
		words = genericWords
	}
	submitted := publishedAt.Add(-time.Duration(1+g.rng.IntN(10)) * 24 * time.Hour)
	created := submitted.Add(-time.Duration(3+g.rng.IntN(60)) * 24 * time.Hour)
	p := &passerelle.Practice{
		TerritoryCode: ter.Code, Themes: themes, AuthorID: authors[g.rng.IntN(len(authors))],
		Status: passerelle.StatusPublished, Revision: 1, Version: 3,
		CreatedAt: created, UpdatedAt: publishedAt, SubmittedAt: &submitted, PublishedAt: &publishedAt,
	}
	problem := g.pick(words.problems)
	opening := fmt.Sprintf(g.pick(contexts), problem)
	var body strings.Builder
	if g.rng.IntN(100) < 55 {
		p.Kind = passerelle.KindExperience
		action, public := g.pick(words.actions), g.pick(publics)
		switch g.rng.IntN(3) {
		case 0:
			p.Title = capitalize(action) + " pour " + public + " " + place(ter)
		case 1:
			p.Title = "Agir contre " + problem + " : " + action + " " + place(ter)
		default:
			p.Title = capitalize(action) + " " + place(ter)
		}
		if !known {
			p.Title += " (" + mainTheme.Name + ")"
		}
		ps := g.pickN(partners, 2+g.rng.IntN(3))
		p.Summary = fmt.Sprintf("%s pour %s, mené avec %s et %s. Objectif : agir sur %s.",
			capitalize(action), public, strings.Join(ps[:len(ps)-1], ", "), ps[len(ps)-1], problem)
		methods := g.pickN(methods, 3)
		enrolled := 20 + g.rng.IntN(400)
		done := enrolled/3 + g.rng.IntN(enrolled/2+1)
		numbers := fmt.Sprintf("Sur %d personnes inscrites, %d ont suivi l'action jusqu'au bout.", enrolled, done)
		result := g.pick(words.results)
		lessonList := g.pickN(lessons, 2)
		fmt.Fprintf(&body, "## Le constat\n\n%s %s\n\n## Ce que nous avons fait\n\n%s %s, pour %s. %s %s\n\n",
			opening, "S'y ajoute un autre enjeu : "+g.pick(words.problems)+".", capitalize(action), place(ter), public, methods[0], methods[1])
		for _, partner := range ps {
			fmt.Fprintf(&body, "- avec %s ;\n", partner)
		}
		fmt.Fprintf(&body, "\n## Les résultats\n\n%s %s\n\n## Points de vigilance\n\n%s %s\n", numbers, result, lessonList[0], lessonList[1])
		started := publishedAt.AddDate(-1-g.rng.IntN(3), -g.rng.IntN(12), 0).Truncate(24 * time.Hour)
		e := &passerelle.Experience{Context: opening, Actions: methods[0] + " " + methods[1] + " " + methods[2], Partners: ps,
			Results: numbers + " " + result, Lessons: lessonList[0] + " " + lessonList[1], StartedOn: &started}
		if g.rng.IntN(3) > 0 {
			ended := started.AddDate(0, 3+g.rng.IntN(18), 0)
			e.EndedOn = &ended
		}
		p.Experience = e
	} else {
		p.Kind = passerelle.KindTool
		kind := toolKinds[g.rng.IntN(len(toolKinds))]
		subject := g.pick(words.tools)
		p.Title = capitalize(kind.noun) + " " + subject
		if !known {
			p.Title += " (" + mainTheme.Name + ")"
		}
		aud := g.pickN(audiences, 1+g.rng.IntN(3))
		duration := g.pick(durations)
		p.Summary = fmt.Sprintf("%s %s, destiné aux publics suivants : %s. Durée : %s.",
			capitalize(kind.noun), subject, strings.Join(aud, ", "), duration)
		uses := g.pickN(toolUses, 3)
		fmt.Fprintf(&body, "## L'outil\n\n%s %s, conçu %s. %s %s\n\n## Pourquoi cet outil\n\n%s Il aide à aborder %s de façon concrète.\n\n## Comment l'utiliser\n\n%s %s\n",
			capitalize(kind.noun), subject, place(ter), uses[0], uses[1], opening, problem, g.pick(methods), uses[2])
		languages := []string{"fr"}
		if g.rng.IntN(5) == 0 {
			languages = append(languages, "en")
		}
		p.Tool = &passerelle.Tool{Audience: aud, Format: kind.format, Duration: duration, License: g.pick(licenses), Languages: languages}
	}
	p.Body = body.String()
	return p
}
