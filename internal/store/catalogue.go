package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/search"
)

// The catalogue is what public lists know of every published practice
// without reading it: its place in the list (newest publication first), its
// territory, kind, tool format, year, themes and audiences — a few dozen
// bytes each, held in memory by each process. Filtering, counting facets
// and paging 100,000 practices in memory takes a millisecond or two, where
// the same aggregates in SQL read every row of the filtered set on each
// request (hundreds of milliseconds on SQLite). Only the page shown is then
// read from the database, by id.
//
// The database says when the catalogue is stale: every change a list can
// see bumps catalogue_version and records the practice in catalogue_log
// (see the search migration). Each list reads the version in its own read
// transaction and, when it is ahead of the catalogue, catches up on the
// practices logged since, or reloads everything when the log no longer
// reaches back that far. A list therefore never shows less than what was
// committed before it began, in any process.

// A catalogue catches up on at most maxCatchUp versions and maxCatchUpRows
// changed practices; beyond, a full reload is cheaper.
const (
	maxCatchUp     = 500
	maxCatchUpRows = 5000
)

type catalogueEntry struct {
	id        int64
	key       string // publication time as the database orders it
	territory int32  // index in dict "territory", -1 for none
	kind      int32
	format    int32 // -1 for none
	year      int32
	themes    []int32
	audiences []int32
	author    int32 // index in dict "authors" (display names)
	partners  []int32
}

// dict numbers the values of one attribute.
type dict struct {
	values []string
	index  map[string]int32
}

func (d *dict) id(v string) int32 {
	if i, ok := d.index[v]; ok {
		return i
	}
	if d.index == nil {
		d.index = map[string]int32{}
	}
	i := int32(len(d.values)) //nolint:gosec // G115: a catalogue has far fewer than 2³¹ distinct values
	d.values = append(d.values, v)
	d.index[v] = i
	return i
}

func (d *dict) lookup(v string) int32 {
	if i, ok := d.index[v]; ok {
		return i
	}
	return -1
}

func (d dict) clone() dict {
	c := dict{values: slices.Clone(d.values), index: make(map[string]int32, len(d.index))}
	for k, v := range d.index {
		c.index[k] = v
	}
	return c
}

// catalogue is immutable once built: a change builds a new one. Only its
// cache of search matches grows.
type catalogue struct {
	version int64
	entries []catalogueEntry // newest publication first
	// byID gives the index in entries of a practice by id: dense (an
	// index per id, -1 for none) when ids are not much sparser than the
	// entries, as they are in practice; pos otherwise.
	byID                                      []int32
	pos                                       map[int64]int32
	territories, kinds, formats, themes, auds dict
	authors, partners                         dict
	// names indexes the words of the values of the dictionaries searched
	// by name (see names.go), built on the first search that needs it.
	names func() *nameIndex
	// postings lists the entries of each value of the dictionaries, for
	// a search by name to gather them without walking every entry; built
	// on the first search that needs it.
	postings func() *postings
	// cols holds what filters and facets read of each entry, built on the
	// first walk that needs it.
	cols       func() *columns
	matches    matchCache
	stems      stemCache // of the text index
	selections selectionCache
	// text is the index of the texts at this version (textindex.go), nil
	// until it is built; a new base of the same version may replace it.
	text         atomic.Pointer[textIndex]
	perTerritory func() map[string]int // counted once
}

// matchCache remembers what the latest searches found, for as long as the
// catalogue they were made against: finding a common word means reading
// most of the search index, and a catalogue changes far less often than
// readers search.
type matchCache struct {
	mu    sync.Mutex
	found map[string]*matches
	order []string // oldest first
}

// matches are what a search found: which entries of the catalogue, by
// index; on SQLite, the bm25 scores of the most recent matches, once a list
// needed them.
type matches struct {
	in  entrySet
	key string // in matchCache
	// byName is set when some term named entries (see names.go); named
	// then holds, for each term not excluded, the entries its names hold
	// (nil for none), out of terms.
	byName bool
	named  []entrySet
	terms  int
	// memory is the text index that found them (textindex.go), nil when
	// the database did; text then holds what the text alone finds (what
	// bm25 scores), and hits counts the entries of a single stem.
	memory *textIndex
	text   entrySet
	hits   int

	mu     sync.Mutex
	scores map[int64]float64
}

// A search by several words also keeps each word's matches (see
// composedMatches), hence room for a few per search: an entry is one bit
// per practice, 12.5 KB at 100,000.
const matchCacheSize = 512

func (m *matchCache) get(key string) *matches {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.found[key]
}

func (m *matchCache) put(key string, found *matches) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.found == nil {
		m.found = map[string]*matches{}
	}
	if _, ok := m.found[key]; ok {
		return
	}
	if len(m.order) >= matchCacheSize {
		delete(m.found, m.order[0])
		m.order = m.order[1:]
	}
	m.found[key] = found
	m.order = append(m.order, key)
}

// catalogueCache holds the latest catalogue of a DB.
type catalogueCache struct {
	mu  sync.Mutex // serialises refreshes
	cur *catalogue
	// loading is closed when the first load started by
	// LoadCatalogueInBackground ends; nil when none was started.
	loading atomic.Pointer[chan struct{}]
	// snapshot is the version of the snapshot the first catalogue started
	// from, 0 for none (catalogue_snapshot.go).
	snapshot int64
	// text follows the building of text indexes (under mu).
	text textState
	// textReady is set once a text index was attached (SearchFromMemory).
	textReady atomic.Bool
}

// pending returns a channel closed when the background load of the
// catalogue ends, or nil when no such load is running.
func (c *catalogueCache) pending() <-chan struct{} {
	ch := c.loading.Load()
	if ch == nil {
		return nil
	}
	select {
	case <-*ch:
		return nil
	default:
		return *ch
	}
}

// currentCatalogue returns a catalogue at least as recent as what tx sees.
func currentCatalogue(ctx context.Context, db *DB, tx bun.IDB) (*catalogue, error) {
	var version int64
	if err := tx.NewSelect().Table("catalogue_version").Column("version").Where("id = 1").Scan(ctx, &version); err != nil {
		return nil, err
	}
	cache := &db.cat
	cache.mu.Lock()
	defer cache.mu.Unlock()
	cur := cache.cur
	if cur == nil {
		// The first catalogue of a process starts, when it can, from the
		// snapshot some process saved (catalogue_snapshot.go).
		var err error
		if cur, err = readSnapshot(ctx, tx, version); err != nil {
			return nil, err
		}
		if cur != nil {
			cache.snapshot = cur.version
		}
	}
	if cur != nil && cur.version >= version {
		cache.cur = cur
		if cur.text.Load() == nil || cache.text.built != nil {
			db.attachText(ctx, tx, cur, version)
		}
		return cur, nil
	}
	next, err := refreshCatalogue(ctx, tx, cur, version)
	if err != nil {
		return nil, err
	}
	cache.cur = next
	db.attachText(ctx, tx, next, version)
	return next, nil
}

// refreshCatalogue builds the catalogue at version as tx sees it, from cur
// and the changes logged since when it can.
func refreshCatalogue(ctx context.Context, tx bun.IDB, cur *catalogue, version int64) (*catalogue, error) {
	if cur != nil && version-cur.version <= maxCatchUp {
		var logged []struct {
			Version    int64 `bun:"version"`
			PracticeID int64 `bun:"practice_id"`
		}
		err := tx.NewSelect().Table("catalogue_log").Column("version", "practice_id").
			Where("version > ?", cur.version).Where("version <= ?", version).
			OrderExpr("version").Limit(maxCatchUpRows+1).Scan(ctx, &logged)
		if err != nil {
			return nil, err
		}
		if len(logged) > maxCatchUpRows {
			logged = nil
		}
		// The log must reach back to the version after ours; an older log
		// was pruned.
		reaches := false
		ids := map[int64]bool{}
		for _, l := range logged {
			reaches = reaches || l.Version == cur.version+1
			ids[l.PracticeID] = true
		}
		if reaches {
			return cur.apply(ctx, tx, version, ids)
		}
	}
	c := &catalogue{version: version}
	entries, err := loadEntries(ctx, tx, c, nil)
	if err != nil {
		return nil, err
	}
	c.entries = entries
	c.index()
	return c, nil
}

func (c *catalogue) index() {
	c.perTerritory = sync.OnceValue(c.countPerTerritory)
	c.names = sync.OnceValue(c.indexNames)
	c.postings = sync.OnceValue(c.listPostings)
	c.cols = sync.OnceValue(c.buildColumns)
	var maxID int64
	for i := range c.entries {
		maxID = max(maxID, c.entries[i].id)
	}
	if maxID < 4*int64(len(c.entries))+4096 {
		c.byID = make([]int32, maxID+1)
		for i := range c.byID {
			c.byID[i] = -1
		}
		for i := range c.entries {
			c.byID[c.entries[i].id] = int32(i) //nolint:gosec // G115: positions fit
		}
		return
	}
	c.pos = make(map[int64]int32, len(c.entries))
	for i, e := range c.entries {
		c.pos[e.id] = int32(i) //nolint:gosec // G115: positions fit
	}
}

// position returns the index in entries of the practice id, if it is in
// the catalogue.
func (c *catalogue) position(id int64) (int32, bool) {
	if c.byID != nil {
		if id < 0 || id >= int64(len(c.byID)) || c.byID[id] < 0 {
			return 0, false
		}
		return c.byID[id], true
	}
	p, ok := c.pos[id]
	return p, ok
}

// columns are what filters and facets read of the entries, one dense array
// per attribute (by entry index): a walk of many entries — a common word
// finds most of the catalogue — then reads a few bytes of each instead of
// the whole entry and its themes elsewhere in memory.
type columns struct {
	territory, kind, format, year []int32
	// themes has a bit per theme (by index in dict "themes"); nil when
	// there are more than 64 themes.
	themes []uint64
}

func (c *catalogue) buildColumns() *columns {
	n := len(c.entries)
	cols := &columns{territory: make([]int32, n), kind: make([]int32, n), format: make([]int32, n), year: make([]int32, n)}
	if len(c.themes.values) <= 64 {
		cols.themes = make([]uint64, n)
	}
	for i := range c.entries {
		e := &c.entries[i]
		cols.territory[i], cols.kind[i], cols.format[i], cols.year[i] = e.territory, e.kind, e.format, e.year
		if cols.themes != nil {
			for _, t := range e.themes {
				cols.themes[i] |= 1 << uint(t) //nolint:gosec // G115: t < 64
			}
		}
	}
	return cols
}

// postings are the entries of each value of the catalogue's dictionaries
// (by the value's index), in list order.
type postings struct {
	territories, kinds, formats, themes, auds, authors, partners [][]int32
}

func (c *catalogue) listPostings() *postings {
	p := &postings{
		territories: make([][]int32, len(c.territories.values)), kinds: make([][]int32, len(c.kinds.values)),
		formats: make([][]int32, len(c.formats.values)), themes: make([][]int32, len(c.themes.values)),
		auds: make([][]int32, len(c.auds.values)), authors: make([][]int32, len(c.authors.values)),
		partners: make([][]int32, len(c.partners.values)),
	}
	for i := range c.entries {
		e, at := &c.entries[i], int32(i) //nolint:gosec // G115: positions fit
		if e.territory >= 0 {
			p.territories[e.territory] = append(p.territories[e.territory], at)
		}
		p.kinds[e.kind] = append(p.kinds[e.kind], at)
		if e.format >= 0 {
			p.formats[e.format] = append(p.formats[e.format], at)
		}
		p.authors[e.author] = append(p.authors[e.author], at)
		for _, v := range e.themes {
			p.themes[v] = append(p.themes[v], at)
		}
		for _, v := range e.audiences {
			p.auds[v] = append(p.auds[v], at)
		}
		for _, v := range e.partners {
			p.partners[v] = append(p.partners[v], at)
		}
	}
	return p
}

// apply returns a copy of c with the practices ids reloaded.
func (c *catalogue) apply(ctx context.Context, tx bun.IDB, version int64, ids map[int64]bool) (*catalogue, error) {
	next := &catalogue{version: version, territories: c.territories.clone(), kinds: c.kinds.clone(),
		formats: c.formats.clone(), themes: c.themes.clone(), auds: c.auds.clone(),
		authors: c.authors.clone(), partners: c.partners.clone()}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	changed, err := loadEntries(ctx, tx, next, list)
	if err != nil {
		return nil, err
	}
	// Both lists are in list order: merge them, leaving out the old entries
	// of the changed practices.
	slices.SortFunc(changed, compareEntries)
	entries := make([]catalogueEntry, 0, len(c.entries)+len(changed))
	j := 0
	for _, e := range c.entries {
		if ids[e.id] {
			continue
		}
		for j < len(changed) && compareEntries(changed[j], e) < 0 {
			entries = append(entries, changed[j])
			j++
		}
		entries = append(entries, e)
	}
	next.entries = append(entries, changed[j:]...)
	next.index()
	// The text index follows, by the same practices.
	if x := c.text.Load(); x != nil && x.version == c.version {
		nx, err := x.update(ctx, tx, version, list)
		if err != nil {
			return nil, err
		}
		next.text.Store(nx)
	}
	return next, nil
}

// compareEntries orders entries as lists do: latest publication first, then
// highest id.
func compareEntries(a, b catalogueEntry) int {
	if a.key != b.key {
		return -strings.Compare(a.key, b.key)
	}
	switch {
	case a.id > b.id:
		return -1
	case a.id < b.id:
		return 1
	}
	return 0
}

// loadEntries reads the published practices (only those of ids, when
// given) in list order, numbering their values in c's dictionaries. Each of
// its three queries returns one string: a row each would cost more than the
// work itself.
func loadEntries(ctx context.Context, tx bun.IDB, c *catalogue, ids []int64) ([]catalogueEntry, error) {
	if ids != nil && len(ids) == 0 {
		return nil, nil
	}
	pg := isPostgres(tx)
	// Fields are separated by \x1f, records by \x1e. The publication time is
	// read as text that sorts as the database sorts: SQLite's own text (all
	// times are UTC), PostgreSQL's formatted.
	// Then the author's name (control characters blanked) and the
	// partners of an experience as a JSON array (which escapes them).
	record := "p.id || char(31) || p.published_at || char(31) || ifnull(p.territory_code, '') || char(31) || p.kind || char(31) || ifnull(json_extract(p.tool, '$.format'), '')" +
		" || char(31) || ifnull((SELECT replace(replace(u.name, char(31), ' '), char(30), ' ') FROM users AS u WHERE u.id = p.author_id), '')" +
		" || char(31) || ifnull(json_extract(p.experience, '$.partners'), '')"
	agg := "group_concat(%s, char(30))"
	if pg {
		record = "p.id || chr(31) || to_char(p.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || chr(31) || coalesce(p.territory_code, '') || chr(31) || p.kind || chr(31) || coalesce(p.tool::jsonb ->> 'format', '')" +
			" || chr(31) || coalesce((SELECT replace(replace(u.name, chr(31), ' '), chr(30), ' ') FROM users AS u WHERE u.id = p.author_id), '')" +
			" || chr(31) || coalesce((p.experience::jsonb -> 'partners')::text, '')"
		agg = "string_agg(%s, chr(30))"
	}
	published := func(q *bun.SelectQuery, col string) *bun.SelectQuery {
		q = q.Where("p.status = ?", string(passerelle.StatusPublished)).Where("p.published_at IS NOT NULL")
		if ids != nil {
			q = q.Where(col+" IN (?)", bun.List(ids))
		}
		return q
	}
	var list sql.NullString
	// In list order: the aggregate follows the order of its subquery (and,
	// on PostgreSQL, is told so).
	inner := published(tx.NewSelect().TableExpr("practices AS p").ColumnExpr(record+" AS r").
		ColumnExpr("p.published_at").ColumnExpr("p.id"), "p.id").OrderExpr("p.published_at DESC, p.id DESC")
	var q *bun.SelectQuery
	if pg {
		q = tx.NewSelect().TableExpr("(?) AS o", inner).ColumnExpr("string_agg(o.r, chr(30) ORDER BY o.published_at DESC, o.id DESC)")
	} else {
		q = tx.NewSelect().TableExpr("(?) AS o", inner).ColumnExpr(fmt.Sprintf(agg, "o.r"))
	}
	if err := q.Scan(ctx, &list); err != nil {
		return nil, err
	}
	var out []catalogueEntry
	byID := map[int64]int{}
	for rec := range strings.SplitSeq(list.String, "\x1e") {
		f := strings.Split(rec, "\x1f")
		if len(f) != 7 {
			continue
		}
		id, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		e := catalogueEntry{id: id, key: f[1], territory: -1, format: -1, kind: c.kinds.id(f[3])}
		if len(e.key) >= 4 {
			y, _ := strconv.Atoi(e.key[:4])
			e.year = int32(y) //nolint:gosec // G109: four digits
		}
		if f[2] != "" {
			e.territory = c.territories.id(f[2])
		}
		if f[4] != "" {
			e.format = c.formats.id(f[4])
		}
		e.author = c.authors.id(f[5])
		if f[6] != "" {
			var partners []string
			if json.Unmarshal([]byte(f[6]), &partners) == nil {
				for _, v := range partners {
					if v = strings.TrimSpace(v); v != "" {
						e.partners = append(e.partners, c.partners.id(v))
					}
				}
			}
		}
		byID[id] = len(out)
		out = append(out, e)
	}
	// Themes and audiences, as "id\x1fvalue" records.
	// Slugs hold no control character; audiences are free text, whose
	// separators are blanked.
	fieldSep, recordSep := "char(31)", "char(30)"
	if pg {
		fieldSep, recordSep = "chr(31)", "chr(30)"
	}
	for _, side := range []struct {
		table, value string
		into         func(e *catalogueEntry, v string)
	}{
		{"practice_themes AS x", "x.theme_slug", func(e *catalogueEntry, v string) { e.themes = append(e.themes, c.themes.id(v)) }},
		{"practice_audiences AS x", fmt.Sprintf("replace(replace(x.audience, %s, ' '), %s, ' ')", fieldSep, recordSep),
			func(e *catalogueEntry, v string) { e.audiences = append(e.audiences, c.auds.id(v)) }},
	} {
		pair := "x.practice_id || " + fieldSep + " || " + side.value
		// All of them, or those of ids: the few of unpublished practices
		// are dropped below, cheaper than asking the database to.
		q := tx.NewSelect().TableExpr(side.table).ColumnExpr(fmt.Sprintf(agg, pair))
		if ids != nil {
			q = q.Where("x.practice_id IN (?)", bun.List(ids))
		}
		var pairs sql.NullString
		if err := q.Scan(ctx, &pairs); err != nil {
			return nil, err
		}
		for rec := range strings.SplitSeq(pairs.String, "\x1e") {
			idText, v, ok := strings.Cut(rec, "\x1f")
			id, err := strconv.ParseInt(idText, 10, 64)
			if !ok || err != nil {
				continue
			}
			if i, ok := byID[id]; ok {
				side.into(&out[i], v)
			}
		}
	}
	return out, nil
}

// selection is the outcome of a filter over the catalogue.
type selection struct {
	positions []int32 // the first matching entries, in list order
	total     int     // how many match
	facets    map[string][]Facet
}

// Years of publication counted by the year facet.
const minYear, maxYear = 1900, 2199

// selectEntries returns the entries matching f (its statuses are taken to
// be "published") and, when inSearch is not nil, found by the search (by
// entry index): the first keep of them (all when keep < 0), how many there
// are, and with withFacets the counts of the facets.
func (c *catalogue) selectEntries(f PracticeFilter, inSearch entrySet, withFacets bool, keep int) selection {
	var sel selection
	var territories []bool
	if f.Territories != nil {
		territories = make([]bool, len(c.territories.values))
		for _, code := range f.Territories {
			if i := c.territories.lookup(code); i >= 0 {
				territories[i] = true
			}
		}
	}
	impossible := false
	lookup := func(d *dict, v string) int32 {
		if v == "" {
			return -1
		}
		i := d.lookup(v)
		impossible = impossible || i < 0
		return i
	}
	theme := lookup(&c.themes, f.Theme)
	kind := lookup(&c.kinds, string(f.Kind))
	format := lookup(&c.formats, f.Format)
	audience := lookup(&c.auds, search.Fold(strings.TrimSpace(f.Audience)))
	var terCount, kindCount, formatCount, themeCount []int
	var yearCount [maxYear - minYear + 1]int
	if withFacets {
		terCount = make([]int, len(c.territories.values))
		kindCount = make([]int, len(c.kinds.values))
		formatCount = make([]int, len(c.formats.values))
		themeCount = make([]int, len(c.themes.values))
	}
	year := int32(f.Year) //nolint:gosec // G115: a year, checked by the service
	cols := c.cols()
	visit := func(i int32) bool {
		ter, k, fm, y := cols.territory[i], cols.kind[i], cols.format[i], cols.year[i]
		if territories != nil && (ter < 0 || !territories[ter]) {
			return true
		}
		if kind >= 0 && k != kind || format >= 0 && fm != format || year != 0 && y != year {
			return true
		}
		if theme >= 0 {
			if cols.themes != nil {
				if cols.themes[i]&(1<<uint(theme)) == 0 { //nolint:gosec // G115: theme < 64 with cols.themes
					return true
				}
			} else if !slices.Contains(c.entries[i].themes, theme) {
				return true
			}
		}
		if audience >= 0 && !slices.Contains(c.entries[i].audiences, audience) {
			return true
		}
		if keep < 0 || sel.total < keep {
			sel.positions = append(sel.positions, i)
		}
		sel.total++
		if withFacets {
			if ter >= 0 {
				terCount[ter]++
			}
			kindCount[k]++
			if fm >= 0 {
				formatCount[fm]++
			}
			if minYear <= y && y <= maxYear {
				yearCount[y-minYear]++
			}
			if cols.themes != nil {
				for m := cols.themes[i]; m != 0; m &= m - 1 {
					themeCount[bits.TrailingZeros64(m)]++
				}
			} else {
				for _, t := range c.entries[i].themes {
					themeCount[t]++
				}
			}
		}
		return true
	}
	switch {
	case impossible:
	case inSearch != nil:
		// Only what the search found: a search finds far fewer than
		// the catalogue holds, most of the time.
		inSearch.each(visit)
	default:
		for i := range c.entries {
			visit(int32(i)) //nolint:gosec // G115: positions fit
		}
	}
	if withFacets {
		counts := func(d dict, n []int) map[string]int {
			m := map[string]int{}
			for i, v := range n {
				if v > 0 {
					m[d.values[i]] = v
				}
			}
			return m
		}
		years := map[string]int{}
		for i, n := range yearCount {
			if n > 0 {
				years[strconv.Itoa(minYear+i)] = n
			}
		}
		sel.facets = map[string][]Facet{
			"territory": sortedFacets(counts(c.territories, terCount), false),
			"theme":     sortedFacets(counts(c.themes, themeCount), false),
			"kind":      sortedFacets(counts(c.kinds, kindCount), false),
			"format":    sortedFacets(counts(c.formats, formatCount), false),
			"year":      sortedFacets(years, true),
		}
	}
	return sel
}

// selectionCache remembers the latest selections — total, facets and the
// first entries of a filter — for as long as the catalogue they were made
// from: the public lists are few (the home page, a territory, a theme, the
// tools, their first pages), each read far more often than the catalogue
// changes, and counting the facets walks every entry.
type selectionCache struct {
	mu    sync.Mutex
	found map[string]selection
	order []string // oldest first
}

const (
	selectionCacheSize = 256
	// maxCachedKeep bounds the entries a cached selection holds.
	maxCachedKeep = 2 * RankWindow
)

// selectCached is selectEntries, answered from the cache when the same
// selection was made before on c. search names the search whose matches
// inSearch are ("" for none). The selection returned is shared: callers
// must not change it.
func (c *catalogue) selectCached(f PracticeFilter, search string, inSearch entrySet, withFacets bool, keep int) selection {
	if keep < 0 || keep > maxCachedKeep {
		return c.selectEntries(f, inSearch, withFacets, keep)
	}
	key := fmt.Sprintf("%t%q|%q|%q|%q|%q|%d|%q|%t|%d", f.Territories == nil, f.Territories, f.Theme, f.Kind, f.Format, f.Audience, f.Year, search, withFacets, keep)
	m := &c.selections
	m.mu.Lock()
	sel, ok := m.found[key]
	m.mu.Unlock()
	if ok {
		return sel
	}
	sel = c.selectEntries(f, inSearch, withFacets, keep)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.found == nil {
		m.found = map[string]selection{}
	}
	if _, ok := m.found[key]; !ok {
		if len(m.order) >= selectionCacheSize {
			delete(m.found, m.order[0])
			m.order = m.order[1:]
		}
		m.found[key] = sel
		m.order = append(m.order, key)
	}
	return sel
}

// countByTerritory counts the published practices of each territory, once
// per catalogue; callers must not change the map.
func (c *catalogue) countByTerritory() map[string]int {
	return c.perTerritory()
}

func (c *catalogue) countPerTerritory() map[string]int {
	n := make([]int, len(c.territories.values))
	for i := range c.entries {
		if t := c.entries[i].territory; t >= 0 {
			n[t]++
		}
	}
	out := make(map[string]int, len(n))
	for i, v := range n {
		if v > 0 {
			out[c.territories.values[i]] = v
		}
	}
	return out
}

// PublishedCountByTerritory returns the number of published practices of
// each territory (on its own, not with what lies below it), from the
// catalogue.
func PublishedCountByTerritory(ctx context.Context, db *DB) (map[string]int, error) {
	var out map[string]int
	err := db.Read.RunInTx(ctx, readOptions(db), func(ctx context.Context, tx bun.Tx) error {
		c, err := currentCatalogue(ctx, db, tx)
		if err == nil {
			out = maps.Clone(c.countByTerritory())
		}
		return err
	})
	return out, err
}

// readOptions are those of a read transaction whose queries all see one
// snapshot: SQLite's read transactions always do (and its read pool is
// query-only); PostgreSQL's need REPEATABLE READ.
func readOptions(db *DB) *sql.TxOptions {
	if db.isPostgres() {
		return &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	return nil
}

// String describes the catalogue, for logs and tests.
func (c *catalogue) String() string {
	return fmt.Sprintf("catalogue v%d: %d practices, %d territories, %d themes", c.version, len(c.entries),
		len(c.territories.values), len(c.themes.values))
}

// LoadCatalogueInBackground starts reading the catalogue and returns at
// once, for a server that answers its first requests while it loads (a
// second or more at 100,000 published practices): pages that need no list
// are served at once, and the public lists wait for it (see FindPractices).
// done, when not nil, is called with the outcome. A failed load is not
// fatal: the next list loads the catalogue itself.
func LoadCatalogueInBackground(ctx context.Context, db *DB, done func(took time.Duration, err error)) {
	ch := make(chan struct{})
	db.cat.loading.Store(&ch)
	go func() {
		began := time.Now()
		err := LoadCatalogue(ctx, db)
		close(ch)
		if done != nil {
			done(time.Since(began), err)
		}
	}()
}

// LoadCatalogue reads the catalogue now rather than on the first list that
// needs it (about a second per 100,000 published practices on SQLite), for
// a server that would rather pay it at start.
func LoadCatalogue(ctx context.Context, db *DB) error {
	return db.Read.RunInTx(ctx, readOptions(db), func(ctx context.Context, tx bun.Tx) error {
		_, err := currentCatalogue(ctx, db, tx)
		return err
	})
}
