package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"modernc.org/sqlite"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/search"
)

// The SQLite functions the search migration's triggers call. They are
// registered once for every connection of the driver; see
// migrations/sqlite/20261128210000_search.sql.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("passerelle_search_text", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			return search.IndexText(textArg(args[0])), nil
		})
	sqlite.MustRegisterDeterministicScalarFunction("passerelle_search_sheet", 3,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			return search.IndexText(textArg(args[0]), SheetText(textArg(args[1]), textArg(args[2]))), nil
		})
	sqlite.MustRegisterDeterministicScalarFunction("passerelle_fold", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			return search.Fold(textArg(args[0])), nil
		})
}

func textArg(v driver.Value) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// formatWords gives the words a reader may search a tool's format by; the
// PostgreSQL function passerelle_sheet_text says the same.
var formatWords = map[string]string{"kit": "kit mallette", "game": "jeu", "guide": "guide", "video": "vidéo", "training": "formation"}

// SheetText returns the searchable text of the sheet fields, as stored in
// the experience and tool columns (JSON): the context, actions, results,
// lessons and partners of an experience report; the audience, duration and
// format of a tool. Malformed JSON counts as empty.
func SheetText(experienceJSON, toolJSON string) string {
	var parts []string
	if experienceJSON != "" {
		var e passerelle.Experience
		if json.Unmarshal([]byte(experienceJSON), &e) == nil {
			parts = append(parts, e.Context, e.Actions, e.Results, e.Lessons)
			parts = append(parts, e.Partners...)
		}
	}
	if toolJSON != "" {
		var t passerelle.Tool
		if json.Unmarshal([]byte(toolJSON), &t) == nil {
			parts = append(parts, t.Audience...)
			parts = append(parts, t.Duration, formatWords[t.Format])
		}
	}
	return strings.Join(parts, " ")
}

// SearchTimeout bounds every query of a public list. The queries are built
// to do bounded work; this is the safety net behind that.
const SearchTimeout = 3 * time.Second

// MaxOffset is how deep a public list may be paged with an offset: beyond
// it, the database would read and throw away ever more rows for a page no
// reader asks for. Deeper walks of the whole catalogue go through feeds and
// exports.
const MaxOffset = 10_000

// searchCond returns the condition matching the practices that contain
// the terms of q, for the dialect of db; an empty query matches nothing.
func searchCond(db bun.IDB, q search.Query) (string, []any) {
	if q.Empty() {
		return "1 = 0", nil
	}
	if isPostgres(db) {
		tsq, args := tsquery(q)
		return "p.id IN (SELECT s.practice_id FROM practice_search AS s WHERE s.search @@ " + tsq + ")", args
	}
	return "p.id IN (SELECT rowid FROM practice_search WHERE practice_search MATCH ?)", []any{q.FTS5()}
}

// tsquery returns a PostgreSQL tsquery expression for q: each term goes
// through phraseto_tsquery on unaccented text (so quoted words must follow
// one another, and its words are stemmed as the documents were), a word's
// alternatives are joined with ||, terms with && and exclusions negated
// with !!. The words are bound values, never SQL.
func tsquery(q search.Query) (string, []any) {
	const word = "phraseto_tsquery('french', passerelle_unaccent(?))"
	var b strings.Builder
	args := make([]any, 0, len(q.Terms))
	b.WriteByte('(')
	for i, t := range q.Terms {
		if i > 0 {
			b.WriteString(" && ")
		}
		if t.Exclude {
			b.WriteString("!!")
		}
		b.WriteString("(" + word)
		args = append(args, t.Text)
		for _, alt := range t.Alternatives {
			b.WriteString(" || " + word)
			args = append(args, alt)
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String(), args
}

// rankedJoin adds to q, which selects practices AS p, the match of the
// terms of sq with a score column "s.score" (lower is better), for
// ordering by relevance.
func rankedJoin(q *bun.SelectQuery, db bun.IDB, sq search.Query) *bun.SelectQuery {
	if isPostgres(db) {
		tsq, args := tsquery(sq)
		// ts_rank_cd weighs A (title) 1.0, B (summary) 0.4, C (body) 0.2.
		both := append(append([]any{}, args...), args...)
		return q.Join("JOIN (SELECT s.practice_id, -ts_rank_cd(s.search, "+tsq+") AS score FROM practice_search AS s WHERE s.search @@ "+tsq+") AS s ON s.practice_id = p.id", both...)
	}
	// bm25 is negative, better matches lower; a word in the title counts ten
	// times one in the body, one in the summary four times.
	return q.Join("JOIN (SELECT rowid AS practice_id, bm25(practice_search, 10.0, 4.0, 1.0) AS score FROM practice_search WHERE practice_search MATCH ?) AS s ON s.practice_id = p.id", sq.FTS5())
}

// Ranking is bounded, so that a word found in most of the catalogue costs
// no more than a rare one. The matches that pass the filters are ranked by
// relevance in a window: the RankWindow most recently published. Past it,
// matches follow by publication date. The total and the facets always
// count every match.
//
// A search of words is answered from the text index in memory
// (textindex.go) once it is built, on both databases: every match of the
// window is scored with bm25 (the weights below), in Go. Until then, and
// for a quoted phrase of several words, the database answers: on SQLite,
// bm25 needs statistics of the whole index that FTS5 gathers once per
// statement: it is computed in one statement for the ScoreLimit most
// recent matches (highest ids) and kept with the search's matches; a
// window entry older than those (a very common word with a narrow filter)
// follows the ranked ones by date. On PostgreSQL the database ranks with
// ts_rank_cd (title 1.0, summary 0.4, body 0.2), the index with bm25 as
// SQLite does: the same search may order a page differently while the
// index is being built (the matches and the total are the same).
const (
	RankWindow = 1000
	ScoreLimit = 4000
)

// Results is one page of a public list, with what a reader needs to go on.
type Results struct {
	Items []*passerelle.Practice
	// Total counts every practice matching the filter.
	Total int
	// Facets counts them by territory, theme, kind, format and year; nil
	// unless asked for.
	Facets map[string][]Facet
}

// FindPractices returns the page of f (Limit, Offset) of the practices
// matching it — best match first when f has a query, newest publication
// first otherwise — their total and, when withFacets, the facets. A list of
// published practices (the public lists) is filtered, counted and paged in
// the catalogue (catalogue.go); any other goes to SQL. Everything is read
// in one read transaction, so items, total and facets agree, with a
// statement timeout (SearchTimeout) on PostgreSQL and a deadline on SQLite.
// Errors: invalid_request when the search runs out of time (PostgreSQL's
// statement timeout, SQLite's deadline); a PostgreSQL that does not answer
// at all is an outage (see Outage).
func FindPractices(ctx context.Context, db *DB, f PracticeFilter, withFacets bool) (*Results, error) {
	published := len(f.Statuses) == 1 && f.Statuses[0] == passerelle.StatusPublished
	inCatalogue := published && f.AuthorID == 0 && !f.OldestFirst
	if loading := db.cat.pending(); loading != nil && inCatalogue {
		// The catalogue is still being read at start: the list waits for
		// it, outside its own deadline. (Reading the list from SQL
		// meanwhile costs a third of the whole load at 100,000 practices
		// for each list, and its facets ran out of time on a busy machine.)
		select {
		case <-loading:
		case <-ctx.Done():
			return nil, passerelle.Errorf(passerelle.EUnavailable, "The list is being prepared: try again in a moment.")
		}
	}
	ctx, cancel := context.WithTimeout(ctx, SearchTimeout+time.Second)
	defer cancel()
	f.Offset = min(max(f.Offset, 0), MaxOffset)
	var res *Results
	err := db.Read.RunInTx(ctx, readOptions(db), func(ctx context.Context, tx bun.Tx) error {
		if db.isPostgres() {
			ms := strconv.FormatInt(SearchTimeout.Milliseconds(), 10)
			if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = "+ms); err != nil {
				return err
			}
		}
		var err error
		if !inCatalogue {
			res, err = findBySQL(ctx, tx, f, withFacets)
		} else {
			res, err = findInCatalogue(ctx, db, tx, f, withFacets)
		}
		return err
	})
	if err != nil {
		// PostgreSQL's own statement timeout, or SQLite's deadline, says
		// the search is too broad. PostgreSQL silent past the deadline is
		// another matter: an outage (store.Outage), not the reader's fault.
		if isTimeout(err) || (!db.isPostgres() && errors.Is(ctx.Err(), context.DeadlineExceeded)) {
			return nil, passerelle.Errorf(passerelle.EInvalid, "The search took too long: add words or filters.")
		}
		return nil, err
	}
	return res, nil
}

func findBySQL(ctx context.Context, tx bun.IDB, f PracticeFilter, withFacets bool) (*Results, error) {
	res := &Results{}
	var err error
	if withFacets {
		if res.Facets, res.Total, err = facets(ctx, tx, f); err != nil {
			return nil, err
		}
		res.Items, _, err = listPractices(ctx, tx, f, false)
		return res, err
	}
	res.Items, res.Total, err = listPractices(ctx, tx, f, true)
	return res, err
}

func findInCatalogue(ctx context.Context, db *DB, tx bun.IDB, f PracticeFilter, withFacets bool) (*Results, error) {
	c, err := currentCatalogue(ctx, db, tx)
	if err != nil {
		return nil, err
	}
	var inSearch entrySet
	var found *matches
	var sq search.Query
	hasQuery := strings.TrimSpace(f.Query) != ""
	if hasQuery {
		if sq = search.Parse(f.Query); sq.Empty() {
			res := &Results{Items: []*passerelle.Practice{}}
			if withFacets {
				res.Facets = map[string][]Facet{"territory": {}, "theme": {}, "kind": {}, "format": {}, "year": {}}
			}
			return res, nil
		}
		// What the search finds by text and by name, remembered as one:
		// from the text index when it is ready and can answer, else from
		// the database's.
		x := c.text.Load()
		if x != nil && !inMemory(sq) {
			x = nil
		}
		key := textKey(tx, sq) + "|names:" + namesKey(f.Named)
		if x != nil {
			key = "mem:" + sq.FTS5() + "|names:" + namesKey(f.Named)
		}
		if found = c.matches.get(key); found == nil {
			named, anyNamed := c.namedEntries(sq, f.Named)
			if x != nil {
				found = memoryMatches(c, x, sq, named, anyNamed, key)
			} else if anyNamed || len(sq.Terms) > 1 {
				found, err = composedMatches(ctx, tx, c, sq, named, anyNamed, key)
			} else if found, err = searchMatches(ctx, tx, c, sq); err == nil {
				c.matches.put(key, found)
			}
			if err != nil {
				return nil, err
			}
		}
		inSearch = found.in
	}
	keep := -1
	if f.Limit > 0 {
		keep = f.Offset + f.Limit
		if hasQuery {
			keep = max(keep, RankWindow)
		}
	}
	searchKey := ""
	if hasQuery {
		searchKey = found.key
	}
	sel := c.selectCached(f, searchKey, inSearch, withFacets, keep)
	order := sel.positions
	if hasQuery && !f.ByDate && f.Offset < RankWindow && len(order) > 0 {
		if order, err = rankMatches(ctx, tx, c, sq, order, found); err != nil {
			return nil, err
		}
	}
	res := &Results{Total: sel.total, Facets: sel.facets}
	if f.Limit <= 0 {
		f.Limit = len(order)
	}
	from, to := min(f.Offset, len(order)), min(f.Offset+f.Limit, len(order))
	ids := make([]int64, 0, to-from)
	for _, p := range order[from:to] {
		ids = append(ids, c.entries[p].id)
	}
	res.Items, err = practicesByID(ctx, tx, ids)
	return res, err
}

// searchMatches returns what the search finds in c. The ids come back from
// the database as one string, not a row each: a common word finds most of
// the catalogue. They are remembered with the catalogue.
func searchMatches(ctx context.Context, tx bun.IDB, c *catalogue, sq search.Query) (*matches, error) {
	key := textKey(tx, sq)
	if found := c.matches.get(key); found != nil {
		return found, nil
	}
	var list sql.NullString
	var err error
	if isPostgres(tx) {
		tsq, args := tsquery(sq)
		err = tx.NewRaw("SELECT string_agg(s.practice_id::text, ',') FROM practice_search AS s WHERE s.search @@ "+tsq, args...).Scan(ctx, &list)
	} else {
		err = tx.NewRaw("SELECT group_concat(rowid) FROM practice_search WHERE practice_search MATCH ?", sq.FTS5()).Scan(ctx, &list)
	}
	if err != nil {
		return nil, err
	}
	in := newEntrySet(len(c.entries))
	// A common word finds most of the catalogue: the ids are read digit by
	// digit rather than cut and parsed one by one.
	var id int64
	digits := false
	s := list.String
	for i := 0; i <= len(s); i++ {
		if i < len(s) && '0' <= s[i] && s[i] <= '9' {
			id, digits = id*10+int64(s[i]-'0'), true
			continue
		}
		if digits {
			if p, ok := c.position(id); ok {
				in.add(p)
			}
		}
		id, digits = 0, false
	}
	found := &matches{in: in, key: key}
	c.matches.put(key, found)
	return found, nil
}

// textKey identifies a search of the full-text index: PostgreSQL receives
// the words as typed (folded), SQLite their stems.
func textKey(tx bun.IDB, sq search.Query) string {
	if isPostgres(tx) {
		return fmt.Sprintf("%+v", sq.Terms)
	}
	return sq.FTS5()
}

// rankMatches orders the window of positions (entries of c in list order)
// by relevance, best first, ties by recency; the rest keep their order.
func rankMatches(ctx context.Context, tx bun.IDB, c *catalogue, sq search.Query, positions []int32, found *matches) ([]int32, error) {
	window := positions[:min(len(positions), RankWindow)]
	var score map[int64]float64
	if found.memory != nil {
		// Every text match of the window is scored (there is no
		// ScoreLimit in memory).
		score = memoryScores(c, found.memory, sq, window, found)
	} else if isPostgres(tx) {
		// ts_rank_cd needs no statistics of the whole catalogue: only the
		// window's vectors are read. It weighs A (title) 1.0, B (summary)
		// 0.4, C (body) 0.2. The scores are kept with the search's
		// matches (as bm25's are on SQLite): a window read again, or
		// another filter's window over the same matches, reads only the
		// vectors not scored yet.
		found.mu.Lock()
		defer found.mu.Unlock()
		if found.scores == nil {
			found.scores = map[int64]float64{}
		}
		var ids []int64
		for _, p := range window {
			if _, ok := found.scores[c.entries[p].id]; !ok {
				ids = append(ids, c.entries[p].id)
			}
		}
		if len(ids) > 0 {
			var scores []struct {
				ID    int64   `bun:"id"`
				Score float64 `bun:"score"`
			}
			tsq, args := tsquery(sq)
			err := tx.NewRaw("SELECT s.practice_id AS id, -ts_rank_cd(s.search, "+tsq+") AS score FROM practice_search AS s WHERE s.practice_id IN (?)",
				append(args, bun.List(ids))...).Scan(ctx, &scores)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				found.scores[id] = 0 // no vector: no text score
			}
			for _, s := range scores {
				found.scores[s.ID] = s.Score
			}
		}
		score = found.scores
	} else {
		var err error
		if score, err = bm25Scores(ctx, tx, sq, found); err != nil {
			return nil, err
		}
	}
	if found.byName {
		out := orderByRelevance(c, window, score, found)
		return append(out, positions[len(window):]...), nil
	}
	// The scored entries of the window by score; the others (older than
	// the scored matches) after them, by date.
	var ranked, rest []int32
	for _, p := range window {
		if _, ok := score[c.entries[p].id]; ok {
			ranked = append(ranked, p)
		} else {
			rest = append(rest, p)
		}
	}
	slices.SortStableFunc(ranked, func(a, b int32) int {
		sa, sb := score[c.entries[a].id], score[c.entries[b].id]
		switch {
		case sa < sb:
			return -1
		case sa > sb:
			return 1
		}
		return 0
	})
	out := make([]int32, 0, len(positions))
	out = append(append(append(out, ranked...), rest...), positions[len(window):]...)
	return out, nil
}

// bm25Scores returns the bm25 scores of the ScoreLimit most recent matches
// of sq (negative, better matches lower: a word in the title counts ten
// times one in the body, one in the summary four times), computed once per
// search and catalogue. They come back as one string, as the ids did.
func bm25Scores(ctx context.Context, tx bun.IDB, sq search.Query, found *matches) (map[int64]float64, error) {
	found.mu.Lock()
	defer found.mu.Unlock()
	if found.scores != nil {
		return found.scores, nil
	}
	var list sql.NullString
	err := tx.NewRaw("WITH s AS MATERIALIZED (SELECT rowid AS id, bm25(practice_search, 10.0, 4.0, 1.0) AS score FROM practice_search"+
		" WHERE practice_search MATCH ? ORDER BY rowid DESC LIMIT ?) SELECT group_concat(id || ':' || score) FROM s",
		sq.FTS5(), ScoreLimit).Scan(ctx, &list)
	if err != nil {
		return nil, err
	}
	score := make(map[int64]float64, ScoreLimit)
	for s := list.String; len(s) > 0; {
		var field string
		field, s, _ = strings.Cut(s, ",")
		idText, scoreText, _ := strings.Cut(field, ":")
		id, err1 := strconv.ParseInt(idText, 10, 64)
		v, err2 := strconv.ParseFloat(scoreText, 64)
		if err1 == nil && err2 == nil {
			score[id] = v
		}
	}
	found.scores = score
	return score, nil
}

// practicesByID returns the published practices of ids, in that order.
func practicesByID(ctx context.Context, db bun.IDB, ids []int64) ([]*passerelle.Practice, error) {
	if len(ids) == 0 {
		return []*passerelle.Practice{}, nil
	}
	var rows []practiceRow
	err := selectPractices(db, &rows).Where("p.id IN (?)", bun.List(ids)).
		Where("p.status = ?", string(passerelle.StatusPublished)).Scan(ctx)
	if err != nil {
		return nil, err
	}
	found, err := withThemes(ctx, db, rows)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*passerelle.Practice, len(found))
	for _, p := range found {
		byID[p.ID] = p
	}
	out := make([]*passerelle.Practice, 0, len(ids))
	for _, id := range ids {
		if p := byID[id]; p != nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// isTimeout reports a PostgreSQL statement timeout (SQLSTATE 57014).
func isTimeout(err error) bool {
	var coded interface{ SQLState() string }
	return errors.As(err, &coded) && coded.SQLState() == "57014"
}

// formatExpr and yearExpr read a practice's tool format and year of
// publication (UTC) in SQL.
func formatExpr(db bun.IDB) string {
	if isPostgres(db) {
		return "(p.tool::jsonb ->> 'format')"
	}
	return "json_extract(p.tool, '$.format')"
}

func yearExpr(db bun.IDB) string {
	if isPostgres(db) {
		return "CAST(date_part('year', p.published_at AT TIME ZONE 'UTC') AS INTEGER)"
	}
	return "CAST(substr(p.published_at, 1, 4) AS INTEGER)"
}

// facets counts the practices matching f by territory, kind, format and
// year in one pass, and by theme in a second, in SQL; it returns them with
// the total. The public lists count in the catalogue instead.
func facets(ctx context.Context, db bun.IDB, f PracticeFilter) (map[string][]Facet, int, error) {
	var groups []struct {
		Territory *string `bun:"territory"`
		Kind      string  `bun:"kind"`
		Format    *string `bun:"format"`
		Year      *int    `bun:"year"`
		N         int     `bun:"n"`
	}
	format, year := formatExpr(db), yearExpr(db)
	err := f.apply(db.NewSelect().Model((*practiceRow)(nil))).
		ColumnExpr("p.territory_code AS territory, p.kind, "+format+" AS format, "+year+" AS year, count(*) AS n").
		GroupExpr("p.territory_code, p.kind, "+format+", "+year).
		Scan(ctx, &groups)
	if err != nil {
		return nil, 0, err
	}
	counts := map[string]map[string]int{"territory": {}, "kind": {}, "format": {}, "year": {}}
	total := 0
	for _, g := range groups {
		total += g.N
		if g.Territory != nil {
			counts["territory"][*g.Territory] += g.N
		}
		counts["kind"][g.Kind] += g.N
		if g.Format != nil && *g.Format != "" {
			counts["format"][*g.Format] += g.N
		}
		if g.Year != nil {
			counts["year"][strconv.Itoa(*g.Year)] += g.N
		}
	}
	out := map[string][]Facet{}
	for name, m := range counts {
		out[name] = sortedFacets(m, name == "year")
	}
	var themes []Facet
	if total > 0 {
		ids := f.apply(db.NewSelect().Model((*practiceRow)(nil)).Column("p.id"))
		err = db.NewSelect().TableExpr("practice_themes AS pt").
			ColumnExpr("pt.theme_slug AS value").ColumnExpr("count(*) AS count").
			Where("pt.practice_id IN (?)", ids).
			GroupExpr("pt.theme_slug").Scan(ctx, &themes)
		if err != nil {
			return nil, 0, err
		}
	}
	m := make(map[string]int, len(themes))
	for _, t := range themes {
		m[t.Value] = t.Count
	}
	out["theme"] = sortedFacets(m, false)
	return out, total, nil
}

// sortedFacets lists m by count, most first, then by value; byValueDesc
// lists by value, greatest first (years).
func sortedFacets(m map[string]int, byValueDesc bool) []Facet {
	out := make([]Facet, 0, len(m))
	for v, n := range m {
		out = append(out, Facet{Value: v, Count: n})
	}
	slices.SortFunc(out, func(a, b Facet) int {
		if byValueDesc {
			return strings.Compare(b.Value, a.Value)
		}
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}
