package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

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
