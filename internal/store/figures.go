package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// ReviewEvent is an entry of a practice's review, for the figures: a
// submission or a decision, when, on a practice of which territory.
type ReviewEvent struct {
	PracticeID int64     `bun:"practice_id"`
	Action     string    `bun:"action"`
	At         time.Time `bun:"at"`
	Territory  string    `bun:"territory"`
}

// inTerritories restricts q to practices of the given territories (nil:
// any; empty: none).
func inTerritories(q *bun.SelectQuery, territories []string) *bun.SelectQuery {
	if territories == nil {
		return q
	}
	if len(territories) == 0 {
		return q.Where("1 = 0")
	}
	return q.Where("p.territory_code IN (?)", bun.List(territories))
}

// ReviewEvents returns the submissions and decisions made since since on
// practices of the given territories (nil: any), oldest first.
func ReviewEvents(ctx context.Context, db bun.IDB, since time.Time, territories []string) ([]ReviewEvent, error) {
	var out []ReviewEvent
	q := db.NewSelect().TableExpr("practice_events AS e").Join("JOIN practices AS p ON p.id = e.practice_id").
		ColumnExpr("e.practice_id, e.action, e.at, COALESCE(p.territory_code, '') AS territory").
		Where("e.action IN (?)", bun.List([]string{string(passerelle.ActionSubmit), string(passerelle.ActionApprove),
			string(passerelle.ActionRequestChanges), string(passerelle.ActionReject)})).
		Where("e.at >= ?", since).OrderExpr("e.id")
	err := inTerritories(q, territories).Scan(ctx, &out)
	return out, err
}

// Count is a number of practices for one key (a theme's slug, a
// territory's code).
type Count struct {
	Key string `bun:"key"`
	N   int    `bun:"n"`
}

// PublishedPerTheme counts the published practices of the given
// territories (nil: any) by theme.
func PublishedPerTheme(ctx context.Context, db bun.IDB, territories []string) ([]Count, error) {
	var out []Count
	q := db.NewSelect().TableExpr("practice_themes AS pt").Join("JOIN practices AS p ON p.id = pt.practice_id").
		ColumnExpr("pt.theme_slug AS key, COUNT(*) AS n").Where("p.status = ?", string(passerelle.StatusPublished)).
		GroupExpr("pt.theme_slug")
	err := inTerritories(q, territories).Scan(ctx, &out)
	return out, err
}

// PublishedPerTerritory counts the published practices of the given
// territories (nil: any) by their own territory.
func PublishedPerTerritory(ctx context.Context, db bun.IDB, territories []string) ([]Count, error) {
	var out []Count
	q := db.NewSelect().TableExpr("practices AS p").
		ColumnExpr("COALESCE(p.territory_code, '') AS key, COUNT(*) AS n").Where("p.status = ?", string(passerelle.StatusPublished)).
		GroupExpr("p.territory_code")
	err := inTerritories(q, territories).Scan(ctx, &out)
	return out, err
}
