package store

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/search"
)

// SetTextIndexLimits changes, for db, the size of a catalogue whose text
// index is built at once (larger ones are built in the background) and the
// size of the overlay past which a new base is built.
func SetTextIndexLimits(db *DB, inline, rebuildAt int) {
	db.cat.mu.Lock()
	defer db.cat.mu.Unlock()
	db.cat.text.limits, db.cat.text.inline, db.cat.text.rebuildAt = true, inline, rebuildAt
}

// TextIndexBuilds counts the bases of the text index built for db.
func TextIndexBuilds(db *DB) int {
	db.cat.mu.Lock()
	defer db.cat.mu.Unlock()
	return db.cat.text.builds
}

// WaitTextIndex waits until the current catalogue of db has its text index
// and describes it.
func WaitTextIndex(ctx context.Context, db *DB) (string, error) {
	for {
		var x *textIndex
		err := db.Read.RunInTx(ctx, readOptions(db), func(ctx context.Context, tx bun.Tx) error {
			c, err := currentCatalogue(ctx, db, tx)
			if err == nil {
				x = c.text.Load()
			}
			return err
		})
		if err != nil {
			return "", err
		}
		if x != nil {
			return x.String(), nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// SearchBothWays returns the published practices (ids, in list order) that
// q finds from the text index and from the database's full-text index, and
// the bm25 scores of the first from memory and, on SQLite, from FTS5 (of
// the ScoreLimit most recent). ok is false when the index cannot answer q
// (a phrase) or is not ready.
func SearchBothWays(ctx context.Context, db *DB, q string) (mem, sql []int64, memScores, sqlScores map[int64]float64, ok bool, err error) {
	err = db.Read.RunInTx(ctx, readOptions(db), func(ctx context.Context, tx bun.Tx) error {
		c, err := currentCatalogue(ctx, db, tx)
		if err != nil {
			return err
		}
		x := c.text.Load()
		sq := search.Parse(q)
		if x == nil || sq.Empty() || !inMemory(sq) {
			return nil
		}
		ok = true
		named := make([]entrySet, len(sq.Terms))
		m := memoryMatches(c, x, sq, named, false, fmt.Sprintf("test-mem:%s", sq.FTS5()))
		d, err := composedMatches(ctx, tx, c, sq, named, false, fmt.Sprintf("test-db:%s:%+v", sq.FTS5(), sq.Terms))
		if err != nil {
			return err
		}
		ids := func(s entrySet) []int64 {
			var out []int64
			s.each(func(p int32) bool { out = append(out, c.entries[p].id); return true })
			return out
		}
		mem, sql = ids(m.in), ids(d.in)
		var window []int32
		m.in.each(func(p int32) bool { window = append(window, p); return true })
		memScores = maps.Clone(memoryScores(c, x, sq, window, m))
		if !isPostgres(tx) {
			s, err := bm25Scores(ctx, tx, sq, &matches{})
			if err != nil {
				return err
			}
			sqlScores = maps.Clone(s)
		}
		return nil
	})
	return mem, sql, memScores, sqlScores, ok, err
}

// dumpCatalogue writes c's entries with their values (not their indexes,
// which depend on the order values were met).
func dumpCatalogue(c *catalogue) string {
	var b strings.Builder
	values := func(d dict, is []int32) []string {
		out := make([]string, len(is))
		for k, i := range is {
			out[k] = d.values[i]
		}
		return out
	}
	value := func(d dict, i int32) string {
		if i < 0 {
			return "-"
		}
		return d.values[i]
	}
	for _, e := range c.entries {
		fmt.Fprintf(&b, "%d %s %s %s %s %d %q %q %q %q\\n", e.id, e.key, value(c.territories, e.territory), value(c.kinds, e.kind),
			value(c.formats, e.format), e.year, values(c.themes, e.themes), values(c.auds, e.audiences), value(c.authors, e.author),
			values(c.partners, e.partners))
	}
	return b.String()
}

// HeldCatalogue describes the catalogue db holds: its version and entries.
func HeldCatalogue(db *DB) (int64, string) {
	db.cat.mu.Lock()
	defer db.cat.mu.Unlock()
	if db.cat.cur == nil {
		return 0, ""
	}
	return db.cat.cur.version, dumpCatalogue(db.cat.cur)
}

// FullCatalogue reads the catalogue in full, as a process without a
// snapshot would, and describes it.
func FullCatalogue(ctx context.Context, db *DB) (version int64, entries string, err error) {
	err = db.Read.RunInTx(ctx, readOptions(db), func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Table("catalogue_version").Column("version").Where("id = 1").Scan(ctx, &version); err != nil {
			return err
		}
		c, err := refreshCatalogue(ctx, tx, nil, version)
		if err == nil {
			entries = dumpCatalogue(c)
		}
		return err
	})
	return version, entries, err
}

// KeepSnapshotOnce is one round of KeepCatalogueSnapshot.
func KeepSnapshotOnce(ctx context.Context, db *DB) error { return keepSnapshot(ctx, db) }

// SavedSnapshotVersion is the version of the saved snapshot, 0 for none.
func SavedSnapshotVersion(ctx context.Context, db *DB) (int64, error) {
	return savedSnapshotVersion(ctx, db)
}

// TextIndexRestores counts the bases of the text index db read from the
// saved snapshot.
func TextIndexRestores(db *DB) int {
	db.cat.mu.Lock()
	defer db.cat.mu.Unlock()
	return db.cat.text.restores
}

// TextIndexSaves counts the snapshots of the text index db saved.
func TextIndexSaves(db *DB) int {
	db.cat.mu.Lock()
	defer db.cat.mu.Unlock()
	return db.cat.text.saves
}
