package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// Position is a place in the list of published practices ordered by
// (published_at, id): the practice last seen. Paging from a Position (keyset
// paging) is stable under new publications, costs the same deep in the list
// as at its start, and never skips or repeats a practice, even when several
// share a publication time.
type Position struct {
	PublishedAt time.Time
	ID          int64
}

// HarvestFilter selects published practices for feeds, exports and
// harvesters. Empty fields do not filter.
type HarvestFilter struct {
	Territories []string // nil: any; empty non-nil: none
	Theme       string
	Kind        passerelle.Kind
	From        *time.Time // published at or after
	Until       *time.Time // published strictly before
	After       *Position  // exclusive: the page starts after this practice
	NewestFirst bool       // (published_at, id) descending instead of ascending
	Limit       int        // required, > 0
}

func (f *HarvestFilter) apply(q *bun.SelectQuery) *bun.SelectQuery {
	q = q.Where("p.status = ?", string(passerelle.StatusPublished)).Where("p.published_at IS NOT NULL")
	if f.Territories != nil {
		if len(f.Territories) == 0 {
			q = q.Where("1 = 0")
		} else {
			q = q.Where("p.territory_code IN (?)", bun.In(f.Territories))
		}
	}
	if f.Theme != "" {
		q = q.Where("EXISTS (SELECT 1 FROM practice_themes AS pt WHERE pt.practice_id = p.id AND pt.theme_slug = ?)", f.Theme)
	}
	if f.Kind != "" {
		q = q.Where("p.kind = ?", string(f.Kind))
	}
	if f.From != nil {
		q = q.Where("p.published_at >= ?", f.From.UTC())
	}
	if f.Until != nil {
		q = q.Where("p.published_at < ?", f.Until.UTC())
	}
	return q
}

// HarvestPractices returns up to f.Limit published practices matching f, in
// (published_at, id) order from f.After. The caller asks for one more than it
// shows to learn whether another page follows.
func HarvestPractices(ctx context.Context, db bun.IDB, f HarvestFilter) ([]*passerelle.Practice, error) {
	var rows []practiceRow
	q := f.apply(selectPractices(db, &rows))
	if a := f.After; a != nil {
		// (published_at, id) after the position. The first condition alone
		// lets both databases seek in the (status, published_at, id) index
		// instead of scanning from the start of the list; the second only
		// sorts out the practices sharing the position's time.
		op := ">"
		if f.NewestFirst {
			op = "<"
		}
		at := a.PublishedAt.UTC()
		q = q.Where("p.published_at "+op+"= ?", at).
			WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("p.published_at "+op+" ?", at).WhereOr("p.id "+op+" ?", a.ID)
			})
	}
	if f.NewestFirst {
		q = q.OrderExpr("p.published_at DESC, p.id DESC")
	} else {
		q = q.OrderExpr("p.published_at ASC, p.id ASC")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1
	}
	if err := q.Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, err
	}
	return withThemes(ctx, db, rows)
}

// CountHarvest returns how many published practices match f (f.After and
// f.Limit are ignored).
func CountHarvest(ctx context.Context, db bun.IDB, f HarvestFilter) (int, error) {
	n, err := f.apply(db.NewSelect().Model((*practiceRow)(nil))).Count(ctx)
	return int(n), err
}

// EarliestPublication returns the publication time of the first published
// practice, and false when nothing is published.
func EarliestPublication(ctx context.Context, db bun.IDB) (time.Time, bool, error) {
	var rows []practiceRow
	err := db.NewSelect().Model(&rows).Column("p.id", "p.published_at").
		Where("p.status = ?", string(passerelle.StatusPublished)).Where("p.published_at IS NOT NULL").
		OrderExpr("p.published_at ASC, p.id ASC").Limit(1).Scan(ctx)
	if err != nil || len(rows) == 0 {
		return time.Time{}, false, err
	}
	return rows[0].PublishedAt.UTC(), true, nil
}

// PageStub is the little a sitemap needs of a published practice.
type PageStub struct {
	ID        int64     `bun:"id"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// PublishedStubs returns up to limit published practices with an id above
// afterID, by id.
func PublishedStubs(ctx context.Context, db bun.IDB, afterID, maxID int64, limit int) ([]PageStub, error) {
	var out []PageStub
	q := db.NewSelect().Model((*practiceRow)(nil)).Column("p.id", "p.updated_at").
		Where("p.status = ?", string(passerelle.StatusPublished)).Where("p.id > ?", afterID)
	if maxID > 0 {
		q = q.Where("p.id <= ?", maxID)
	}
	err := q.OrderExpr("p.id ASC").Limit(int64(limit)).Scan(ctx, &out)
	return out, err
}

// IDChunk describes the published practices whose ids fall in one block of
// consecutive ids: ((N-1)*size, N*size]. Blocks of ids, unlike pages of a
// list, never shift when practices are published or archived, so a sitemap
// split on them keeps its URLs.
type IDChunk struct {
	N     int64 `bun:"n"`
	Count int   `bun:"count"`
}

// PublishedIDChunks returns the non-empty blocks of size ids of published
// practices, by N.
func PublishedIDChunks(ctx context.Context, db bun.IDB, size int64) ([]IDChunk, error) {
	var out []IDChunk
	err := db.NewSelect().Model((*practiceRow)(nil)).
		ColumnExpr("(p.id - 1) / ? + 1 AS n", size).
		ColumnExpr("count(*) AS count").
		Where("p.status = ?", string(passerelle.StatusPublished)).
		GroupExpr("(p.id - 1) / ? + 1", size).OrderExpr("n").Scan(ctx, &out)
	return out, err
}
