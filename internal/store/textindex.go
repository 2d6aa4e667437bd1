package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/search"
)

// The text index answers the public search from memory, on both databases
// alike: which published practices hold a word, and how well each matches
// (bm25). It holds, for every stem of the catalogue's texts, the practices
// whose title, summary or body (with the fields of the sheet) hold it and
// how many times in each: the stems search.IndexText gives, which are what
// SQLite's FTS5 table indexes. A search of words then costs no database
// scan and no ranking query; only the page shown is read.
//
// It is built from the texts of the published practices (only them: what
// the public may find), in the background at 100,000 practices (2.5 s of
// CPU on make bench's corpus, 33 MB: 14 of postings by stem, 19 of the
// same counts by practice for ranking), at once for a small catalogue; a
// process starts from the base the last build saved in the database when
// there is one (textindex_snapshot.go). Until it is ready, and for any
// search the index cannot answer (a quoted phrase of several words, which
// needs the words' positions), the database answers, as before.
//
// It follows the catalogue: each catalogue version has its index, the one
// of the previous version plus the practices logged since (an overlay over
// the base built from all the texts); when the overlay grows past
// textRebuildAt, a new base is built in the background and caught up
// through catalogue_log when it is attached.
//
// Ranking is FTS5's bm25 (k1 = 1.2, b = 0.75) with the same field weights
// (title 10, summary 4, body 1), over the statistics of the published
// practices (FTS5 counts every row of its table, drafts included: the
// scores differ in the last digits). On PostgreSQL this replaces
// ts_rank_cd: both databases now rank a search alike.

const (
	// textInline: a catalogue of at most this many practices builds its
	// index at once, in the list that found it missing (milliseconds).
	textInline = 2000
	// textRebuildAt: an overlay of more changed practices than this (or
	// than a twentieth of the base) has a new base built.
	textRebuildAt = 2000
	bm25K1        = 1.2
	bm25B         = 0.75
)

// The field weights of bm25, as FTS5's bm25(practice_search, 10.0, 4.0, 1.0).
const (
	weightTitle   = 10
	weightSummary = 4
	weightBody    = 1
)

// fieldCounts is how many times a stem is in each field of a practice.
type fieldCounts struct{ title, summary, body uint32 }

func (f fieldCounts) weighted() float64 {
	return float64(weightTitle*f.title + weightSummary*f.summary + weightBody*f.body)
}

// docText is a practice's indexed text: its stems with their counts, and
// its length in stems (FTS5's column sizes, added up).
type docText struct {
	length uint32
	terms  map[string]fieldCounts
}

// textBase is the index of every published practice's text at one
// version, immutable. postings[t] lists the practices holding stem t by
// increasing id: the difference to the previous id (uvarint), then the
// counts — one byte title | summary<<2 | body<<4 when they fit (title and
// summary under 3, body under 15), else 0xFF and the three as uvarints.
//
// forward holds the same counts by practice, for ranking: the stems of the
// practice at ids[i] are forward[at[i]:at[i+1]], each its number (uvarint)
// and its counts, encoded as in the postings.
type textBase struct {
	terms    map[string]int32
	postings [][]byte
	forward  []byte
	at       []uint32
	ids      []int64 // increasing
	lens     []uint32
	tokens   int64
	bytes    int // of the postings and the forward lists
}

// length returns the length of the practice id of the base.
func (b *textBase) length(id int64) (uint32, bool) {
	i, ok := slices.BinarySearch(b.ids, id)
	if !ok {
		return 0, false
	}
	return b.lens[i], true
}

// textIndex is the index of the texts at one catalogue version: a base and
// the practices changed since it was built.
type textIndex struct {
	version     int64
	baseVersion int64 // of the base
	base        *textBase
	// changed holds the practices logged since the base was read: their
	// text now, nil when they are no longer published. Their entries in
	// the base no longer count.
	changed map[int64]*docText
	docs    int   // published practices indexed
	tokens  int64 // their stems
}

// eachDoc calls fn with every practice holding stem, and its counts.
func (x *textIndex) eachDoc(stem string, fn func(id int64, f fieldCounts)) {
	if t, ok := x.base.terms[stem]; ok {
		p := x.base.postings[t]
		var id int64
		for len(p) > 0 {
			d, n := binary.Uvarint(p)
			p = p[n:]
			id += int64(d) //nolint:gosec // G115: ids are positive int64
			var f fieldCounts
			f, p = readCounts(p)
			if _, gone := x.changed[id]; !gone {
				fn(id, f)
			}
		}
	}
	for id, d := range x.changed {
		if d == nil {
			continue
		}
		if f, ok := d.terms[stem]; ok {
			fn(id, f)
		}
	}
}

// readCounts decodes the counts at the start of p (see appendCounts) and
// returns the rest.
func readCounts(p []byte) (fieldCounts, []byte) {
	if c := p[0]; c != 0xFF {
		return fieldCounts{uint32(c & 3), uint32(c >> 2 & 3), uint32(c >> 4)}, p[1:]
	}
	p = p[1:]
	var v [3]uint64
	for i := range v {
		var n int
		v[i], n = binary.Uvarint(p)
		p = p[n:]
	}
	return fieldCounts{uint32(v[0]), uint32(v[1]), uint32(v[2])}, p //nolint:gosec // G115: counts of one text
}

// textColumns reads a practice's fields as the search indexes them: title,
// summary, and the body followed by the fields of the sheet.
const textColumns = "p.id, p.title, p.summary, p.body, coalesce(p.experience, ''), coalesce(p.tool, '')"

// readTexts calls fn with the indexed text of each published practice
// (those of ids only, when ids is not nil), by increasing id. All of them
// are read by ranges of ids, each in the order of the primary key: a
// single query would have the database sort every text (to temporary
// files on SQLite, where it picks the index on the status).
func readTexts(ctx context.Context, tx bun.IDB, ids []int64, fn func(id int64, fields [3][]string) error) error {
	status := "p.status"
	if !isPostgres(tx) {
		status = "+p.status" // not by the index on the status
	}
	q := "SELECT " + textColumns + " FROM practices AS p WHERE " + status + " = ? AND p.published_at IS NOT NULL"
	published := string(passerelle.StatusPublished)
	if ids != nil {
		if len(ids) == 0 {
			return nil
		}
		return readTextRows(ctx, tx, fn, q+" AND p.id IN (?) ORDER BY p.id", published, bun.List(ids))
	}
	var maxID sql.NullInt64
	if err := tx.NewRaw("SELECT max(id) FROM practices").Scan(ctx, &maxID); err != nil {
		return err
	}
	const span = 5000
	for lo := int64(0); lo < maxID.Int64; lo += span {
		if err := readTextRows(ctx, tx, fn, q+" AND p.id > ? AND p.id <= ? ORDER BY p.id", published, lo, lo+span); err != nil {
			return err
		}
	}
	return nil
}

func readTextRows(ctx context.Context, tx bun.IDB, fn func(id int64, fields [3][]string) error, q string, args ...any) error {
	rows, err := tx.QueryContext(ctx, tx.NewRaw(q, args...).String())
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var id int64
		var title, summary, body, experience, tool string
		if err := rows.Scan(&id, &title, &summary, &body, &experience, &tool); err != nil {
			return err
		}
		if err := fn(id, [3][]string{{title}, {summary}, {body, SheetText(experience, tool)}}); err != nil {
			return err
		}
	}
	return rows.Err()
}

// vocabulary numbers the stems of an index, and remembers what each word
// indexes (its stem and its variants' stems, by number): a catalogue has a
// small vocabulary next to the words it holds, so a word costs one lookup.
type vocabulary struct {
	terms map[string]int32
	stems []string
	words map[string][]int32 // empty for a stop word
	buf   []byte
}

func newVocabulary() *vocabulary {
	return &vocabulary{terms: map[string]int32{}, words: map[string][]int32{}}
}

func (v *vocabulary) term(stem string) int32 {
	t, ok := v.terms[stem]
	if !ok {
		t = int32(len(v.stems)) //nolint:gosec // G115: a vocabulary is far below 2³¹ stems
		v.terms[stem] = t
		v.stems = append(v.stems, stem)
	}
	return t
}

// scan calls add with the number of each stem of the fields (0 title,
// 1 summary, 2 body), as IndexText gives them.
func (v *vocabulary) scan(fields [3][]string, add func(field int, t int32)) {
	for f, texts := range fields {
		for _, text := range texts {
			v.buf = search.ScanWords(text, v.buf, func(w []byte) {
				ts, ok := v.words[string(w)]
				if !ok {
					word := string(w)
					if stem, variants, indexed := search.WordStems(word); indexed {
						ts = append(ts, v.term(stem))
						for _, vs := range variants {
							ts = append(ts, v.term(vs))
						}
					}
					v.words[word] = ts
				}
				for _, t := range ts {
					add(f, t)
				}
			})
		}
	}
}

func (f *fieldCounts) add(field int) {
	switch field {
	case 0:
		f.title++
	case 1:
		f.summary++
	default:
		f.body++
	}
}

// textDoc is a practice's text as read, for the build.
type textDoc struct {
	id     int64
	fields [3][]string
}

// buildTextBase indexes the texts of every published practice as tx sees
// them. The database is read in one goroutine while the texts are indexed
// in this one.
func buildTextBase(ctx context.Context, tx bun.IDB) (*textBase, error) {
	const batch = 256
	batches := make(chan []textDoc, 8)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var readErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		defer close(batches)
		docs := make([]textDoc, 0, batch)
		readErr = readTexts(ctx, tx, nil, func(id int64, fields [3][]string) error {
			if docs = append(docs, textDoc{id, fields}); len(docs) == batch {
				select {
				case batches <- docs:
				case <-ctx.Done():
					return ctx.Err()
				}
				docs = make([]textDoc, 0, batch)
			}
			return nil
		})
		if readErr == nil && len(docs) > 0 {
			batches <- docs
		}
	}()
	b := &textBase{}
	v := newVocabulary()
	var last []int64 // per term, the last id appended
	var counts []fieldCounts
	var touched []int32
	for docs := range batches {
		for _, d := range docs {
			var length uint32
			v.scan(d.fields, func(field int, t int32) {
				for int(t) >= len(counts) {
					b.postings = append(b.postings, nil)
					last = append(last, 0)
					counts = append(counts, fieldCounts{})
				}
				c := &counts[t]
				if *c == (fieldCounts{}) {
					touched = append(touched, t)
				}
				c.add(field)
				length++
			})
			b.at = append(b.at, uint32(len(b.forward))) //nolint:gosec // G115: checked below
			for _, t := range touched {
				b.postings[t] = appendPosting(b.postings[t], d.id-last[t], counts[t])
				b.forward = appendCounts(binary.AppendUvarint(b.forward, uint64(t)), counts[t]) //nolint:gosec // G115: t ≥ 0
				last[t], counts[t] = d.id, fieldCounts{}
			}
			if len(b.forward) > math.MaxUint32 {
				return nil, errors.New("text index: more than 4 GB of stems")
			}
			touched = touched[:0]
			b.ids = append(b.ids, d.id)
			b.lens = append(b.lens, length)
			b.tokens += int64(length)
		}
	}
	<-read
	if readErr != nil {
		return nil, readErr
	}
	b.terms = v.terms
	b.at = append(b.at, uint32(len(b.forward))) //nolint:gosec // G115: checked above
	b.forward = slices.Clip(b.forward)
	// One block for every list: fewer objects for the collector, no
	// spare capacity.
	total := 0
	for _, p := range b.postings {
		total += len(p)
	}
	b.bytes = total + len(b.forward)
	block := make([]byte, 0, total)
	for t, p := range b.postings {
		block = append(block, p...)
		b.postings[t] = block[len(block)-len(p) : len(block) : len(block)]
	}
	b.ids, b.lens, b.at = slices.Clip(b.ids), slices.Clip(b.lens), slices.Clip(b.at)
	return b, nil
}

func appendPosting(p []byte, delta int64, f fieldCounts) []byte {
	return appendCounts(binary.AppendUvarint(p, uint64(delta)), f) //nolint:gosec // G115: ids increase
}

// appendCounts encodes f: one byte when the counts are small, else 0xFF
// and the three as uvarints.
func appendCounts(p []byte, f fieldCounts) []byte {
	if f.title < 3 && f.summary < 3 && f.body < 15 {
		return append(p, byte(f.title|f.summary<<2|f.body<<4)) //nolint:gosec // G115: checked just above
	}
	p = append(p, 0xFF)
	p = binary.AppendUvarint(p, uint64(f.title))
	p = binary.AppendUvarint(p, uint64(f.summary))
	return binary.AppendUvarint(p, uint64(f.body))
}

// newTextIndex returns the index of base at version.
func newTextIndex(base *textBase, version int64) *textIndex {
	return &textIndex{version: version, baseVersion: version, base: base, changed: map[int64]*docText{},
		docs: len(base.ids), tokens: base.tokens}
}

// update returns the index at version: x with the practices ids read again
// in tx (gone when no longer published).
func (x *textIndex) update(ctx context.Context, tx bun.IDB, version int64, ids []int64) (*textIndex, error) {
	next := &textIndex{version: version, baseVersion: x.baseVersion, base: x.base, changed: make(map[int64]*docText, len(x.changed)+len(ids)),
		docs: x.docs, tokens: x.tokens}
	for id, d := range x.changed {
		next.changed[id] = d
	}
	// Take out what the practices weighed, then add what they weigh now.
	for _, id := range ids {
		if d, ok := next.changed[id]; ok {
			if d != nil {
				next.docs--
				next.tokens -= int64(d.length)
			}
		} else if n, ok := x.base.length(id); ok {
			next.docs--
			next.tokens -= int64(n)
		}
		next.changed[id] = nil
	}
	v := newVocabulary()
	err := readTexts(ctx, tx, ids, func(id int64, fields [3][]string) error {
		d := &docText{terms: map[string]fieldCounts{}}
		v.scan(fields, func(field int, t int32) {
			c := d.terms[v.stems[t]]
			c.add(field)
			d.terms[v.stems[t]] = c
			d.length++
		})
		next.changed[id] = d
		next.docs++
		next.tokens += int64(d.length)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return next, nil
}

// stale reports whether the overlay has grown past rebuildAt practices
// (or a twentieth of the base) for a new base.
func (x *textIndex) stale(rebuildAt int) bool {
	return len(x.changed) > max(rebuildAt, len(x.base.ids)/20)
}

// String describes the index, for logs and tests.
func (x *textIndex) String() string {
	return fmt.Sprintf("text index v%d: %d practices, %d stems, %d KB of postings, %d changed", x.version, x.docs,
		len(x.base.terms), x.base.bytes/1024, len(x.changed))
}

// textState is what a DB knows of its text indexes beside the catalogue.
type textState struct {
	building bool       // a base is being built in the background
	built    *textIndex // a base built, not yet attached to a catalogue
	// Tests change the limits (textInline, textRebuildAt) when limits is
	// set.
	limits            bool
	inline, rebuildAt int
	builds            int // bases built, for tests
	restores          int // bases read from the snapshot, for tests
	saves             int // snapshots saved, for tests
	// restoreTried is set once the first background build has looked
	// for a snapshot (textindex_snapshot.go).
	restoreTried bool
}

func (ts *textState) inlineLimit() int {
	if ts.limits {
		return ts.inline
	}
	return textInline
}

func (ts *textState) rebuildLimit() int {
	if ts.limits {
		return ts.rebuildAt
	}
	return textRebuildAt
}

// attachText gives cur, the current catalogue (cache.mu held), its text
// index when it has none: a base built meanwhile, caught up on what changed
// since through catalogue_log in tx, which sees version; or one built now
// when the catalogue is small; or one built in the background. It also
// has a new base built when the overlay has grown. Failures leave the
// search to the database.
func (db *DB) attachText(ctx context.Context, tx bun.IDB, cur *catalogue, version int64) {
	ts := &db.cat.text
	if x := cur.text.Load(); x != nil {
		// A new base when the overlay has grown, or when the saved one
		// (of a large catalogue) is about to fall out of the log's reach.
		old := len(cur.entries) > ts.inlineLimit() && x.version-x.baseVersion > textSnapshotLag
		if (x.stale(ts.rebuildLimit()) || old) && !ts.building && ts.built == nil {
			db.buildTextInBackground()
		}
		if ts.built == nil {
			return
		}
	}
	if b := ts.built; b != nil {
		switch {
		case b.version == cur.version:
			cur.text.Store(b)
			db.cat.textReady.Store(true)
			ts.built = nil
		case b.version < cur.version && version == cur.version:
			ts.built = nil
			ids, ok, err := loggedSince(ctx, tx, b.version, version)
			if err != nil || !ok {
				if err == nil {
					db.buildTextInBackground()
				}
				return
			}
			x, err := b.update(ctx, tx, version, ids)
			if err != nil {
				return
			}
			cur.text.Store(x)
			db.cat.textReady.Store(true)
		}
		return
	}
	if ts.building || version != cur.version {
		return
	}
	if len(cur.entries) > ts.inlineLimit() {
		db.buildTextInBackground()
		return
	}
	base, err := buildTextBase(ctx, tx)
	if err != nil {
		return
	}
	ts.builds++
	cur.text.Store(newTextIndex(base, version))
	db.cat.textReady.Store(true)
}

// buildTextInBackground starts building a base of the text index in its
// own read transaction (cache.mu held); the next list attaches it.
func (db *DB) buildTextInBackground() {
	ts := &db.cat.text
	ts.building = true
	restore := !ts.restoreTried
	ts.restoreTried = true
	go func() {
		if restore {
			// The first of a process: the first public pages of a start
			// are served before the index competes with them for the
			// processor (reading its snapshot takes 0.3-1 s of CPU at
			// 100,000 practices); searches meanwhile go to the database.
			time.Sleep(textStartDelay)
		}
		began := time.Now()
		var x *textIndex
		restored := false
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		err := db.Read.RunInTx(ctx, readOptions(db), func(ctx context.Context, tx bun.Tx) error {
			if restore {
				var err error
				if x, err = readTextSnapshot(ctx, tx); err != nil || x != nil {
					restored = x != nil
					return err
				}
			}
			var version int64
			if err := tx.NewSelect().Table("catalogue_version").Column("version").Where("id = 1").Scan(ctx, &version); err != nil {
				return err
			}
			base, err := buildTextBase(ctx, tx)
			if err == nil {
				x = newTextIndex(base, version)
			}
			return err
		})
		db.cat.mu.Lock()
		ts.building = false
		if err != nil {
			db.cat.mu.Unlock()
			slog.Warn("search: the text index could not be built; the database answers searches", "err", err)
			return
		}
		ts.built = x // the next list attaches it, and searches from it
		db.cat.textReady.Store(true)
		if restored {
			ts.restores++
		} else {
			ts.builds++
		}
		db.cat.mu.Unlock()
		took := time.Since(began).Round(time.Millisecond)
		if restored {
			slog.Info("search: text index read from its snapshot", "took", took, "index", x.String())
			return
		}
		slog.Info("search: text index built", "took", took, "index", x.String())
		if err := saveTextSnapshot(ctx, db, x); err != nil {
			slog.Warn("search: the text index snapshot could not be saved", "err", err)
			return
		}
		db.cat.mu.Lock()
		ts.saves++
		db.cat.mu.Unlock()
	}()
}

// SearchFromMemory reports whether the public search is answered from the
// text index: false from a start until its first index is read from its
// snapshot or built (the next list attaches it), when the database answers
// searches.
func (db *DB) SearchFromMemory() bool { return db.cat.textReady.Load() }

// textStartDelay is how long after the first list of a process its text
// index starts being read or built (see buildTextInBackground).
const textStartDelay = time.Second

// textSnapshotLag is how many versions an index may run ahead of its base
// before a new base is built (and saved): the saved snapshot then stays
// within the reach of catalogue_log (maxCatchUp versions).
const textSnapshotLag = maxCatchUp / 2

// loggedSince returns the practices logged in catalogue_log after version
// from up to version to, and whether the log still reaches back that far.
func loggedSince(ctx context.Context, tx bun.IDB, from, to int64) ([]int64, bool, error) {
	if to-from > maxCatchUp {
		return nil, false, nil
	}
	var logged []struct {
		Version    int64 `bun:"version"`
		PracticeID int64 `bun:"practice_id"`
	}
	err := tx.NewSelect().Table("catalogue_log").Column("version", "practice_id").
		Where("version > ?", from).Where("version <= ?", to).
		OrderExpr("version").Limit(maxCatchUpRows+1).Scan(ctx, &logged)
	if err != nil {
		return nil, false, err
	}
	if len(logged) > maxCatchUpRows {
		return nil, false, nil
	}
	reaches := from == to
	seen := map[int64]bool{}
	var ids []int64
	for _, l := range logged {
		reaches = reaches || l.Version == from+1
		if !seen[l.PracticeID] {
			seen[l.PracticeID] = true
			ids = append(ids, l.PracticeID)
		}
	}
	return ids, reaches, nil
}

// inMemory reports whether the text index can answer sq: every term is
// one stem (with its alternatives); a quoted phrase of several words needs
// the words' positions, which only the database keeps.
func inMemory(sq search.Query) bool {
	for _, t := range sq.Terms {
		if len(t.Stems) != 1 {
			return false
		}
	}
	return true
}

// stemMatches returns the entries of c whose text holds stem. Those of a
// common stem (held by more than one practice in stemCacheShare) are
// remembered with the catalogue, up to stemCacheSize of them: reading the
// postings of a stem costs what it holds, and a rare stem is quickly read
// again.
func stemMatches(c *catalogue, x *textIndex, stem string) *matches {
	sc := &c.stems
	sc.mu.Lock()
	found := sc.found[stem]
	sc.mu.Unlock()
	if found != nil && found.memory == x {
		return found
	}
	in := newEntrySet(len(c.entries))
	x.eachDoc(stem, func(id int64, _ fieldCounts) {
		if p, ok := c.position(id); ok {
			in.add(p)
		}
	})
	found = &matches{in: in, key: stem, hits: in.count(), memory: x}
	if found.hits > len(c.entries)/stemCacheShare {
		sc.mu.Lock()
		defer sc.mu.Unlock()
		if sc.found == nil {
			sc.found = map[string]*matches{}
		}
		if len(sc.found) >= stemCacheSize {
			clear(sc.found)
		}
		sc.found[stem] = found
	}
	return found
}

// The stems of a catalogue remembered: at most stemCacheSize of those
// held by more than one practice in stemCacheShare (12.5 KB each at
// 100,000 practices: 12.8 MB at most).
const (
	stemCacheSize  = 1024
	stemCacheShare = 64
)

// stemCache remembers the entries of common stems (see stemMatches).
type stemCache struct {
	mu    sync.Mutex
	found map[string]*matches
}

// termText returns the entries whose text holds the term t (any of its
// forms).
func termText(c *catalogue, x *textIndex, t search.Term) entrySet {
	first := stemMatches(c, x, t.Stems[0]).in
	if len(t.AltStems) == 0 {
		return first
	}
	in := slices.Clone(first)
	for _, a := range t.AltStems {
		in.or(stemMatches(c, x, a).in)
	}
	return in
}

// memoryMatches returns what sq finds in c from the text index x, term by
// term as composedMatches does, with the names (named, when anyNamed).
// Its text set is what the full-text index alone would find: what bm25
// scores.
func memoryMatches(c *catalogue, x *textIndex, sq search.Query, named []entrySet, anyNamed bool, key string) *matches {
	if found := c.matches.get(key); found != nil {
		return found
	}
	n := len(c.entries)
	in, text := newEntrySet(n), newEntrySet(n)
	in.fill(n)
	text.fill(n)
	if !anyNamed {
		// Without names, what the search finds is what the text holds.
		text = in
	}
	byName := make([]entrySet, len(sq.Terms))
	found := newEntrySet(n)
	for ti, t := range sq.Terms {
		words := termText(c, x, t)
		copy(found, words)
		if named[ti] != nil {
			found.or(named[ti])
		}
		if t.Exclude {
			in.andNot(found)
			if anyNamed {
				text.andNot(words)
			}
			continue
		}
		in.and(found)
		if anyNamed {
			text.and(words)
		}
		byName[ti] = named[ti]
	}
	m := &matches{in: in, key: key, text: text, memory: x}
	if anyNamed {
		m.byName, m.named, m.terms = true, byName, positiveTerms(sq)
	}
	c.matches.put(key, m)
	return m
}

// memoryScores returns the bm25 scores (negative, better lower, as FTS5's)
// of the entries of window that the text of the search holds, computed
// from x once per search and entry and kept with the search's matches.
func memoryScores(c *catalogue, x *textIndex, sq search.Query, window []int32, found *matches) map[int64]float64 {
	found.mu.Lock()
	defer found.mu.Unlock()
	if found.scores == nil {
		found.scores = map[int64]float64{}
	}
	var todo []int64
	for _, p := range window {
		id := c.entries[p].id
		if _, ok := found.scores[id]; !ok && found.text.has(p) {
			todo = append(todo, id)
		}
	}
	if len(todo) == 0 || x.docs == 0 {
		return found.scores
	}
	// Every form of every term is a phrase of FTS5's query, excluded ones
	// too (which add nothing to what they do not match).
	type phrase struct {
		stem string
		term int32 // in the base, -1 for none
		idf  float64
	}
	var phrases []phrase
	for _, t := range sq.Terms {
		if t.Exclude {
			continue
		}
		for _, stem := range append([]string{t.Stems[0]}, t.AltStems...) {
			hits := stemMatches(c, x, stem).hits
			idf := math.Log((float64(x.docs) - float64(hits) + 0.5) / (float64(hits) + 0.5))
			if idf <= 0 {
				idf = 1e-6
			}
			term, ok := x.base.terms[stem]
			if !ok {
				term = -1
			}
			phrases = append(phrases, phrase{stem, term, idf})
		}
	}
	avgdl := float64(x.tokens) / float64(x.docs)
	score := make([]float64, len(todo))
	freq := make([]fieldCounts, len(phrases))
	for i, id := range todo {
		clear(freq)
		var length uint32
		if d, changed := x.changed[id]; changed {
			if d == nil {
				continue
			}
			length = d.length
			for k, ph := range phrases {
				freq[k] = d.terms[ph.stem]
			}
		} else if at, ok := slices.BinarySearch(x.base.ids, id); ok {
			// The practice's stems, from the forward lists.
			length = x.base.lens[at]
			for p := x.base.forward[x.base.at[at]:x.base.at[at+1]]; len(p) > 0; {
				t, n := binary.Uvarint(p)
				var f fieldCounts
				f, p = readCounts(p[n:])
				for k, ph := range phrases {
					if uint64(ph.term) == t { //nolint:gosec // G115: -1 matches no stem
						freq[k] = f
					}
				}
			}
		}
		// Added in the order of the query's phrases, as FTS5 does.
		s := 0.0
		for k, ph := range phrases {
			if w := freq[k].weighted(); w > 0 {
				s += ph.idf * w * (bm25K1 + 1) / (w + bm25K1*(1-bm25B+bm25B*float64(length)/avgdl))
			}
		}
		score[i] = s
	}
	for i, id := range todo {
		found.scores[id] = -score[i]
	}
	return found.scores
}
