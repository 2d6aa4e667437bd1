package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type reuseRow struct {
	bun.BaseModel `bun:"table:practice_reuses,alias:r"`
	ID            int64     `bun:"id,pk,autoincrement"`
	PracticeID    int64     `bun:"practice_id"`
	TerritoryCode string    `bun:"territory_code"`
	UserID        int64     `bun:"user_id"`
	Note          string    `bun:"note"`
	EventID       int64     `bun:"event_id"`
	CreatedAt     time.Time `bun:"created_at"`

	UserName          string `bun:"user_name,scanonly"`
	PracticeTitle     string `bun:"practice_title,scanonly"`
	PracticeTerritory string `bun:"practice_territory,scanonly"`
}

func (r *reuseRow) domain() passerelle.Reuse {
	return passerelle.Reuse{ID: r.ID, PracticeID: r.PracticeID, TerritoryCode: r.TerritoryCode, UserID: r.UserID,
		UserName: r.UserName, Note: r.Note, EventID: r.EventID, CreatedAt: r.CreatedAt,
		PracticeTitle: r.PracticeTitle, PracticeTerritory: r.PracticeTerritory}
}

// InsertReuse stores a reuse and sets its ID. Errors: conflict when the
// practice is already recorded as reused in that territory.
func InsertReuse(ctx context.Context, db bun.IDB, re *passerelle.Reuse) error {
	r := &reuseRow{PracticeID: re.PracticeID, TerritoryCode: re.TerritoryCode, UserID: re.UserID, Note: re.Note,
		EventID: re.EventID, CreatedAt: re.CreatedAt}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		if IsUniqueViolation(err) {
			return passerelle.Errorf(passerelle.EConflict, "This practice is already recorded as reused in this territory.")
		}
		return err
	}
	re.ID = r.ID
	return nil
}

// ReuseExists reports whether a practice is recorded as reused in a
// territory.
func ReuseExists(ctx context.Context, db bun.IDB, practiceID int64, territory string) (bool, error) {
	return db.NewSelect().Model((*reuseRow)(nil)).Where("practice_id = ? AND territory_code = ?", practiceID, territory).Exists(ctx)
}

// GetReuse returns one reuse with the names it shows. Errors: not_found.
func GetReuse(ctx context.Context, db bun.IDB, id int64) (*passerelle.Reuse, error) {
	var rows []reuseRow
	if err := reuseSelect(db, &rows).Where("r.id = ?", id).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, passerelle.Errorf(passerelle.ENotFound, "Reuse not found.")
	}
	re := rows[0].domain()
	return &re, nil
}

func reuseSelect(db bun.IDB, rows *[]reuseRow) *bun.SelectQuery {
	return db.NewSelect().Model(rows).ColumnExpr("r.*").
		ColumnExpr("u.name AS user_name").ColumnExpr("p.title AS practice_title").
		ColumnExpr("COALESCE(p.territory_code, '') AS practice_territory").
		Join("JOIN users AS u ON u.id = r.user_id").
		Join("JOIN practices AS p ON p.id = r.practice_id")
}

// ListReuses returns the reuses of a practice, oldest first.
func ListReuses(ctx context.Context, db bun.IDB, practiceID int64) ([]passerelle.Reuse, error) {
	var rows []reuseRow
	if err := reuseSelect(db, &rows).Where("r.practice_id = ?", practiceID).OrderExpr("r.id").Scan(ctx); err != nil {
		return nil, err
	}
	return reuseDomains(rows), nil
}

// ReuseFilter selects the reuses of published practices shown on a
// territory's page: those recorded in the territories In (borrowed), or
// those of practices of the territories From (lent). Newest first, at most
// Limit.
type ReuseFilter struct {
	In, From []string
	Limit    int
}

// FindReuses returns the reuses of published practices matching f, newest
// first, and how many there are in all.
func FindReuses(ctx context.Context, db bun.IDB, f ReuseFilter) ([]passerelle.Reuse, int, error) {
	var rows []reuseRow
	q := reuseSelect(db, &rows)
	if f.From != nil {
		// The reuses lead, the practices are read by id: a territory's
		// practices are tens of thousands where its reuses are a few, and
		// SQLite, without statistics on the reuses, would otherwise walk
		// every practice of the territory (CROSS JOIN keeps the order on
		// SQLite; PostgreSQL plans it as the inner join it is).
		q = db.NewSelect().Model(&rows).ColumnExpr("r.*").
			ColumnExpr("u.name AS user_name").ColumnExpr("p.title AS practice_title").
			ColumnExpr("COALESCE(p.territory_code, '') AS practice_territory").
			Join("CROSS JOIN practices AS p").
			Join("JOIN users AS u ON u.id = r.user_id").
			Where("p.id = r.practice_id")
	}
	q = q.Where("p.status = ?", string(passerelle.StatusPublished))
	if f.In != nil {
		if len(f.In) == 0 {
			return nil, 0, nil
		}
		q = q.Where("r.territory_code IN (?)", bun.List(f.In))
	}
	if f.From != nil {
		if len(f.From) == 0 {
			return nil, 0, nil
		}
		q = q.Where("p.territory_code IN (?)", bun.List(f.From))
	}
	n, err := q.OrderExpr("r.id DESC").Limit(int64(max(f.Limit, 1))).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, err
	}
	return reuseDomains(rows), int(n), nil
}

func reuseDomains(rows []reuseRow) []passerelle.Reuse {
	out := make([]passerelle.Reuse, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out
}

// TravelCount is a published practice and the number of territories it
// was reused in.
type TravelCount struct {
	PracticeID int64 `bun:"practice_id"`
	Count      int   `bun:"n"`
}

// MostTravelled returns the published practices reused in the most
// territories, most first (then the latest reused), at most limit.
func MostTravelled(ctx context.Context, db bun.IDB, limit int) ([]TravelCount, error) {
	var out []TravelCount
	err := db.NewSelect().TableExpr("practice_reuses AS r").
		Join("JOIN practices AS p ON p.id = r.practice_id").
		ColumnExpr("r.practice_id, count(*) AS n").
		Where("p.status = ?", string(passerelle.StatusPublished)).
		GroupExpr("r.practice_id").OrderExpr("n DESC, max(r.id) DESC").Limit(int64(limit)).Scan(ctx, &out)
	return out, err
}
