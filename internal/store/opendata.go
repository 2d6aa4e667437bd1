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
			q = q.Where("p.territory_code IN (?)", bun.List(f.Territories))
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

// RecordPosition is a place in the list of the OAI-PMH repository's records,
// ordered by (public_changed_at, id). A record that changes moves to the end
// of the list, so a walk in progress sees it again, changed, at its end.
type RecordPosition struct {
	ChangedAt time.Time
	ID        int64
}

// RecordFilter selects the records of the OAI-PMH repository: every practice
// that was ever published, live or deleted. Empty fields do not filter.
type RecordFilter struct {
	Territories []string // nil: any; empty non-nil: none
	Theme       string
	Kind        passerelle.Kind
	From        *time.Time // changed at or after
	Until       *time.Time // changed strictly before
	After       *RecordPosition
	Limit       int // required, > 0
}

func (f *RecordFilter) apply(q *bun.SelectQuery) *bun.SelectQuery {
	q = q.Where("p.public_changed_at IS NOT NULL")
	if f.Territories != nil {
		if len(f.Territories) == 0 {
			q = q.Where("1 = 0")
		} else {
			q = q.Where("p.territory_code IN (?)", bun.List(f.Territories))
		}
	}
	if f.Theme != "" {
		q = q.Where("EXISTS (SELECT 1 FROM practice_themes AS pt WHERE pt.practice_id = p.id AND pt.theme_slug = ?)", f.Theme)
	}
	if f.Kind != "" {
		q = q.Where("p.kind = ?", string(f.Kind))
	}
	if f.From != nil {
		q = q.Where("p.public_changed_at >= ?", f.From.UTC())
	}
	if f.Until != nil {
		q = q.Where("p.public_changed_at < ?", f.Until.UTC())
	}
	return q
}

// ListRecords returns up to f.Limit records matching f, in
// (public_changed_at, id) order from f.After, with their themes and authors'
// names.
func ListRecords(ctx context.Context, db bun.IDB, f RecordFilter) ([]*passerelle.Practice, error) {
	var rows []practiceRow
	q := f.apply(selectPractices(db, &rows))
	if a := f.After; a != nil {
		at := a.ChangedAt.UTC()
		q = q.Where("p.public_changed_at >= ?", at).
			WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("p.public_changed_at > ?", at).WhereOr("p.id > ?", a.ID)
			})
	}
	limit := max(f.Limit, 1)
	if err := q.OrderExpr("p.public_changed_at ASC, p.id ASC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, err
	}
	return withThemes(ctx, db, rows)
}

// CountRecords returns how many records match f (f.After and f.Limit
// aside).
func CountRecords(ctx context.Context, db bun.IDB, f RecordFilter) (int, error) {
	n, err := f.apply(db.NewSelect().Model((*practiceRow)(nil))).Count(ctx)
	return int(n), err
}

// EarliestRecord returns the oldest datestamp of the repository, and false
// when it holds no record.
func EarliestRecord(ctx context.Context, db bun.IDB) (time.Time, bool, error) {
	var rows []practiceRow
	err := db.NewSelect().Model(&rows).Column("p.id", "p.public_changed_at").
		Where("p.public_changed_at IS NOT NULL").
		OrderExpr("p.public_changed_at ASC, p.id ASC").Limit(1).Scan(ctx)
	if err != nil || len(rows) == 0 || rows[0].PublicChangedAt == nil {
		return time.Time{}, false, err
	}
	return rows[0].PublicChangedAt.UTC(), true, nil
}

// SettleChanges waits until every change stamped in public_changed_at before
// the time it returns is visible to the reads that follow, and returns that
// time, on the clock the triggers use. An OAI-PMH response dated with it
// tells a harvester exactly where to resume: a change still being committed
// when the response was read carries a later datestamp, or was waited for.
func SettleChanges(ctx context.Context, db *DB) (time.Time, error) {
	if db.isPostgres() {
		var now time.Time
		if err := db.Bun.NewRaw("SELECT clock_timestamp()").Scan(ctx, &now); err != nil {
			return time.Time{}, err
		}
		return now.UTC(), SettleBefore(ctx, db)
	}
	// SQLite: the triggers read the process's clock. A write transaction
	// that stamped a change before now either committed or still holds the
	// database's write lock: taking the lock waits for it.
	now := time.Now().UTC()
	err := db.InTx(ctx, func(context.Context, bun.Tx) error { return nil })
	return now, err
}

// KeptSetting returns the value of the server setting name, recording value
// as it when it has none yet: the first value recorded is kept for good, and
// concurrent first calls agree on one.
func KeptSetting(ctx context.Context, db bun.IDB, name, value string) (string, error) {
	if _, err := db.NewRaw("INSERT INTO server_settings (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
		name, value, Now()).Exec(ctx); err != nil {
		return "", err
	}
	var kept string
	err := db.NewSelect().TableExpr("server_settings").ColumnExpr("value").Where("name = ?", name).Scan(ctx, &kept)
	return kept, err
}

// Setting returns the value of the server setting name, and false when it
// has none.
func Setting(ctx context.Context, db bun.IDB, name string) (string, bool, error) {
	var v []string
	err := db.NewSelect().TableExpr("server_settings").ColumnExpr("value").Where("name = ?", name).Scan(ctx, &v)
	if err != nil || len(v) == 0 {
		return "", false, err
	}
	return v[0], true, nil
}

// LatestRecordChange returns the latest public change among the records f
// selects (f.After and f.Limit aside) — published or withdrawn since — and
// false when there is none: what a feed or an export of that selection
// last changed by.
func LatestRecordChange(ctx context.Context, db bun.IDB, f RecordFilter) (time.Time, bool, error) {
	var rows []practiceRow
	f.After = nil
	err := f.apply(db.NewSelect().Model(&rows).Column("p.id", "p.public_changed_at")).
		OrderExpr("p.public_changed_at DESC, p.id DESC").Limit(1).Scan(ctx)
	if err != nil || len(rows) == 0 || rows[0].PublicChangedAt == nil {
		return time.Time{}, false, err
	}
	return rows[0].PublicChangedAt.UTC(), true, nil
}
