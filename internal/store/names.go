package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/search"
)

// A search finds a practice by what it is, not only by what its text says:
// its themes, its territory and every territory above it, its kind, its
// tool's format and audiences, its author's name and its partners. These
// are matched here, in the catalogue, the same way on both databases: a
// term of the search is found in a practice when its text holds it (the
// full-text index) or when one of these names it (search.Term.Names).
// Names weigh less than the title and the summary in the ranking.
//
// The service resolves what it knows by name (territories with their
// hierarchy, themes) into TermNames; the catalogue matches the rest itself.

// TermNames is what one term of a search names among the territories and
// themes, as the service resolved it.
type TermNames struct {
	// Territories are the codes of the territories the term names, each
	// with every territory below it.
	Territories []string
	// Themes are the slugs of the themes the term names.
	Themes []string
}

// nameWeight is what a term found by name adds to a practice's relevance,
// where a text match counts up to 1 (the best in the window): more than a
// word in the body, less than one in the title or the summary.
const nameWeight = 0.3

// kindNames and formatNames give the words a kind and a tool's format are
// searched by, in French and English.
var (
	kindNames   = map[string]string{"experience": "expérience retour d'expérience experience report", "tool": "outil tool"}
	formatNames = map[string]string{"kit": "kit mallette", "game": "jeu game", "guide": "guide", "video": "vidéo video", "training": "formation training"}
)

// nameIndex files the values of the catalogue's dictionaries searched by
// name under the stems of their words.
type nameIndex struct {
	kinds, formats, auds, authors, partners map[string][]int32
}

func fileNames(d dict, text func(v string) string) map[string][]int32 {
	m := map[string][]int32{}
	for i, v := range d.values {
		for _, k := range search.Keys(text(v)) {
			m[k] = append(m[k], int32(i)) //nolint:gosec // G115: far fewer than 2³¹ values
		}
	}
	return m
}

func (c *catalogue) indexNames() *nameIndex {
	same := func(v string) string { return v }
	return &nameIndex{
		kinds:    fileNames(c.kinds, func(v string) string { return kindNames[v] }),
		formats:  fileNames(c.formats, func(v string) string { return formatNames[v] }),
		auds:     fileNames(c.auds, same),
		authors:  fileNames(c.authors, same),
		partners: fileNames(c.partners, same),
	}
}

// namedValues returns which values of d the term names (nil for none),
// looking them up in filed.
func namedValues(t search.Term, d dict, filed map[string][]int32, text func(v string) string) []bool {
	var out []bool
	for _, k := range t.FirstKeys() {
		for _, i := range filed[k] {
			if t.Names(text(d.values[i])) {
				if out == nil {
					out = make([]bool, len(d.values))
				}
				out[i] = true
			}
		}
	}
	return out
}

// namedEntries returns, for each term of sq, which entries of c it names
// (nil for a term that names none), and whether any term names any. The
// entries of each value named come from the catalogue's postings: the
// work follows what is named, not the size of the catalogue.
func (c *catalogue) namedEntries(sq search.Query, names []TermNames) ([]entrySet, bool) {
	idx := c.names()
	same := func(v string) string { return v }
	out := make([]entrySet, len(sq.Terms))
	anyNamed := false
	var post *postings
	for ti, t := range sq.Terms {
		var in entrySet
		gather := func(lists [][]int32, value int32) {
			if value < 0 || len(lists[value]) == 0 {
				return
			}
			if in == nil {
				in = newEntrySet(len(c.entries))
			}
			in.addAll(lists[value])
		}
		gatherAll := func(lists [][]int32, values []bool) {
			for v, named := range values {
				if named {
					gather(lists, int32(v)) //nolint:gosec // G115: far fewer than 2³¹ values
				}
			}
		}
		kinds := namedValues(t, c.kinds, idx.kinds, func(v string) string { return kindNames[v] })
		formats := namedValues(t, c.formats, idx.formats, func(v string) string { return formatNames[v] })
		auds := namedValues(t, c.auds, idx.auds, same)
		authors := namedValues(t, c.authors, idx.authors, same)
		partners := namedValues(t, c.partners, idx.partners, same)
		var ters, themes []string
		if ti < len(names) {
			ters, themes = names[ti].Territories, names[ti].Themes
		}
		if len(ters) == 0 && len(themes) == 0 && kinds == nil && formats == nil && auds == nil && authors == nil && partners == nil {
			continue
		}
		if post == nil {
			post = c.postings()
		}
		for _, code := range ters {
			gather(post.territories, c.territories.lookup(code))
		}
		for _, slug := range themes {
			gather(post.themes, c.themes.lookup(slug))
		}
		gatherAll(post.kinds, kinds)
		gatherAll(post.formats, formats)
		gatherAll(post.auds, auds)
		gatherAll(post.authors, authors)
		gatherAll(post.partners, partners)
		if in != nil {
			out[ti], anyNamed = in, true
		}
	}
	return out, anyNamed
}

// namesKey identifies what the service resolved, for the caches.
func namesKey(names []TermNames) string {
	h := fnv.New64a()
	_, _ = fmt.Fprintf(h, "%q", names)
	return fmt.Sprintf("%x", h.Sum64())
}

// composedMatches returns what a search finds in c, term by term: each
// term is looked up on its own in the full-text index (and remembered
// there, so that a word met in another search costs nothing more), then
// every term must be found in a practice's text or names (named, when
// anyNamed), and no excluded one. Terms are sets of documents on both
// databases (FTS5's AND and NOT, tsquery's && and !!), so the answer is
// the one the whole query would give.
func composedMatches(ctx context.Context, tx bun.IDB, c *catalogue, sq search.Query, named []entrySet, anyNamed bool, key string) (*matches, error) {
	if found := c.matches.get(key); found != nil {
		return found, nil
	}
	in := newEntrySet(len(c.entries))
	in.fill(len(c.entries))
	byName := make([]entrySet, len(sq.Terms))
	found := newEntrySet(len(c.entries))
	for ti, t := range sq.Terms {
		one := t
		one.Exclude = false
		text, err := searchMatches(ctx, tx, c, search.Query{Terms: []search.Term{one}})
		if err != nil {
			return nil, err
		}
		// Found in its text or by name.
		copy(found, text.in)
		if named[ti] != nil {
			found.or(named[ti])
		}
		if t.Exclude {
			in.andNot(found)
			continue
		}
		in.and(found)
		byName[ti] = named[ti]
	}
	m := &matches{in: in, key: key}
	if anyNamed {
		m.byName, m.named, m.terms = true, byName, positiveTerms(sq)
	}
	c.matches.put(key, m)
	return m, nil
}

// namedHits counts the terms of the search found in the names of the entry
// at p.
func (m *matches) namedHits(p int32) int {
	n := 0
	for _, set := range m.named {
		if set != nil && set.has(p) {
			n++
		}
	}
	return n
}

func positiveTerms(sq search.Query) int {
	n := 0
	for _, t := range sq.Terms {
		if !t.Exclude {
			n++
		}
	}
	return n
}

// orderByRelevance orders window (entries of c) when some terms were found
// by name: a practice's relevance is its text score, relative to the best
// of the window (up to 1), plus nameWeight for the share of the terms its
// names hold. Ties keep the window's order (newest first).
func orderByRelevance(c *catalogue, window []int32, score map[int64]float64, found *matches) []int32 {
	best := 0.0
	for _, p := range window {
		best = min(best, score[c.entries[p].id])
	}
	rel := make(map[int32]float64, len(window))
	for _, p := range window {
		r := 0.0
		if s, ok := score[c.entries[p].id]; ok && best < 0 {
			r = s / best
		}
		if found.terms > 0 {
			r += nameWeight * float64(found.namedHits(p)) / float64(found.terms)
		}
		rel[p] = r
	}
	out := slices.Clone(window)
	slices.SortStableFunc(out, func(a, b int32) int {
		switch ra, rb := rel[a], rel[b]; {
		case ra > rb:
			return -1
		case ra < rb:
			return 1
		}
		return 0
	})
	return out
}

// SimilarPractices returns up to limit published practices like the
// published practice id, from the catalogue: each scores 2 per theme they
// share, near[its territory] (the caller weighs the territories around
// id's), 0.5 for the same kind; the best candidates then gain 0.5 per word
// their titles and summaries share (at most 3), and the best come first,
// newest on a tie. Only published practices are in the catalogue; none
// when id is not one of them.
func SimilarPractices(ctx context.Context, db *DB, id int64, near map[string]float64, limit int) ([]*passerelle.Practice, error) {
	var out []*passerelle.Practice
	err := db.Read.RunInTx(ctx, readOptions(db), func(ctx context.Context, tx bun.Tx) error {
		c, err := currentCatalogue(ctx, db, tx)
		if err != nil {
			return err
		}
		at, ok := c.position(id)
		if !ok {
			return nil
		}
		me := &c.entries[at]
		nearIdx := make(map[int32]float64, len(near))
		for code, w := range near {
			if i := c.territories.lookup(code); i >= 0 {
				nearIdx[i] = w
			}
		}
		type cand struct {
			pos   int32
			score float64
		}
		var cands []cand
		for i := range c.entries {
			e := &c.entries[i]
			if int32(i) == at { //nolint:gosec // G115: positions fit
				continue
			}
			score := 0.0
			for _, t := range e.themes {
				if slices.Contains(me.themes, t) {
					score += 2
				}
			}
			if e.territory >= 0 {
				score += nearIdx[e.territory]
			}
			if score == 0 {
				continue
			}
			if e.kind == me.kind {
				score += 0.5
			}
			cands = append(cands, cand{int32(i), score}) //nolint:gosec // G115: positions fit
		}
		// Entries are newest first: a stable sort keeps the newest on a tie.
		slices.SortStableFunc(cands, func(a, b cand) int { return cmpDesc(a.score, b.score) })
		cands = cands[:min(len(cands), 4*limit+10)]
		ids := []int64{id}
		for _, cd := range cands {
			ids = append(ids, c.entries[cd.pos].id)
		}
		found, err := practicesByID(ctx, tx, ids)
		if err != nil || len(found) == 0 || found[0].ID != id {
			return err
		}
		mine := map[string]bool{}
		for _, k := range search.Keys(found[0].Title + " " + found[0].Summary) {
			mine[k] = true
		}
		score := map[int64]float64{}
		for _, cd := range cands {
			score[c.entries[cd.pos].id] = cd.score
		}
		rest := found[1:]
		for _, p := range rest {
			shared := 0
			for _, k := range search.Keys(p.Title + " " + p.Summary) {
				if mine[k] && len(k) > 2 {
					shared++
				}
			}
			score[p.ID] += 0.5 * float64(min(shared, 6))
		}
		slices.SortStableFunc(rest, func(a, b *passerelle.Practice) int { return cmpDesc(score[a.ID], score[b.ID]) })
		out = rest[:min(len(rest), limit)]
		return nil
	})
	return out, err
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
