package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// dueForReview is the condition of a published practice last known current
// (confirmed, else published) before the first argument, whose author was
// not asked since: its author is to be asked. Columns unqualified, so
// that it serves in an UPDATE too.
const dueForReview = `status = 'published' AND published_at IS NOT NULL
	AND COALESCE(reviewed_at, published_at) < ?
	AND (review_asked_at IS NULL OR review_asked_at < COALESCE(reviewed_at, published_at))`

// DueForReview returns up to limit published practices whose author is to
// be asked to confirm them (last known current before cutoff, not asked
// since), oldest first.
func DueForReview(ctx context.Context, db bun.IDB, cutoff time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := db.NewSelect().TableExpr("practices").Column("id").Where(dueForReview, cutoff).
		OrderExpr("COALESCE(reviewed_at, published_at), id").Limit(int64(limit)).Scan(ctx, &ids)
	return ids, err
}

// AskReview records that the author of practice id was asked to confirm it
// at now, if it is still due (see DueForReview); it reports whether it was.
// Run in the transaction that tells the author: asked once per period.
func AskReview(ctx context.Context, db bun.IDB, id int64, cutoff, now time.Time) (bool, error) {
	res, err := db.NewUpdate().TableExpr("practices").Set("review_asked_at = ?", now).
		Where("id = ?", id).Where(dueForReview, cutoff).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ConfirmCurrent records that the published practice id was confirmed
// current at now; it reports whether it was published.
func ConfirmCurrent(ctx context.Context, db bun.IDB, id int64, now time.Time) (bool, error) {
	res, err := db.NewUpdate().TableExpr("practices").Set("reviewed_at = ?", now).
		Where("id = ? AND status = ?", id, string(passerelle.StatusPublished)).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ReviewDueIn returns the published practices of the given territories
// (nil: any) whose author was asked to confirm them and that nobody
// confirmed since (passerelle.Practice.ReviewDue), asked longest ago first.
func ReviewDueIn(ctx context.Context, db bun.IDB, territories []string, limit int) ([]*passerelle.Practice, error) {
	var rows []practiceRow
	q := selectPractices(db, &rows).Where("p.status = ?", string(passerelle.StatusPublished)).
		Where("p.review_asked_at IS NOT NULL AND COALESCE(p.reviewed_at, p.published_at) <= p.review_asked_at")
	if territories != nil {
		if len(territories) == 0 {
			return nil, nil
		}
		q = q.Where("p.territory_code IN (?)", bun.List(territories))
	}
	if err := q.OrderExpr("p.review_asked_at, p.id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, err
	}
	return withThemes(ctx, db, rows)
}

// BackdatePublication moves the publication of practice id, and the
// history's entries of its writing and review, to at: for the demo's sheet
// older than the review period.
func BackdatePublication(ctx context.Context, db bun.IDB, id int64, at time.Time) error {
	if _, err := db.NewUpdate().TableExpr("practices").
		Set("created_at = ?, updated_at = ?, submitted_at = ?, published_at = ?", at, at, at, at).
		Where("id = ?", id).Exec(ctx); err != nil {
		return err
	}
	_, err := db.NewUpdate().TableExpr("practice_events").Set("at = ?", at).Where("practice_id = ?", id).Exec(ctx)
	return err
}
