package store

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// InsertPractices stores many new practices at once with their themes and
// sets their IDs: one statement for the practices, one for their themes.
// The search index follows through the database's own triggers. It checks
// nothing: it is for loading generated data (passerelle seed), in a
// transaction of the caller's.
func InsertPractices(ctx context.Context, db bun.IDB, ps []*passerelle.Practice) error {
	if len(ps) == 0 {
		return nil
	}
	rows := make([]practiceRow, len(ps))
	for i, p := range ps {
		rows[i] = *practiceToRow(p)
	}
	if _, err := db.NewInsert().Model(&rows).Returning("id").Exec(ctx); err != nil {
		return err
	}
	var themes []practiceThemeRow
	for i, p := range ps {
		p.ID = rows[i].ID
		for _, slug := range p.Themes {
			themes = append(themes, practiceThemeRow{PracticeID: p.ID, ThemeSlug: slug})
		}
	}
	if len(themes) == 0 {
		return nil
	}
	_, err := db.NewInsert().Model(&themes).Exec(ctx)
	return err
}

// PrepareBulkLoad readies db for a bulk load by this process: on SQLite, a
// page cache of 256 MB for the writer instead of 2 MB, so that the indexes
// being filled stay in memory rather than being read back page by page.
func PrepareBulkLoad(ctx context.Context, db *DB) error {
	if db.isPostgres() {
		return nil
	}
	_, err := db.Bun.ExecContext(ctx, "PRAGMA cache_size = -262144")
	return err
}

// Optimize brings the query planner's statistics and the search index up
// to date after a bulk load: SQLite merges the segments of the FTS5 index
// and runs ANALYZE; PostgreSQL vacuums and analyzes the tables lists read,
// which also lets them be read from their indexes alone.
func Optimize(ctx context.Context, db *DB) error {
	var stmts []string
	if db.isPostgres() {
		stmts = []string{"VACUUM (ANALYZE) practices, practice_themes, practice_search, practice_audiences"}
	} else {
		stmts = []string{"INSERT INTO practice_search (practice_search) VALUES ('optimize')", "ANALYZE", "PRAGMA optimize"}
	}
	for _, s := range stmts {
		if _, err := db.Bun.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
