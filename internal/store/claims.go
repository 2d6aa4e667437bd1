package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type claimRow struct {
	bun.BaseModel `bun:"table:review_claims,alias:c"`
	PracticeID    int64     `bun:"practice_id,pk"`
	ModeratorID   int64     `bun:"moderator_id"`
	ClaimedAt     time.Time `bun:"claimed_at"`
	ExpiresAt     time.Time `bun:"expires_at"`

	ModeratorName string `bun:"moderator_name,scanonly"`
}

func (r *claimRow) domain() *passerelle.Claim {
	return &passerelle.Claim{PracticeID: r.PracticeID, ModeratorID: r.ModeratorID, ModeratorName: r.ModeratorName,
		ClaimedAt: r.ClaimedAt, ExpiresAt: r.ExpiresAt}
}

func selectClaims(db bun.IDB, rows *[]claimRow) *bun.SelectQuery {
	return db.NewSelect().Model(rows).ColumnExpr("c.*").
		ColumnExpr("(SELECT u.name FROM users AS u WHERE u.id = c.moderator_id) AS moderator_name")
}

// GetClaim returns the claim on a practice, live or lapsed, or nil.
func GetClaim(ctx context.Context, db bun.IDB, practiceID int64) (*passerelle.Claim, error) {
	m, err := ClaimsFor(ctx, db, []int64{practiceID})
	return m[practiceID], err
}

// ClaimsFor returns the claims, live or lapsed, on the given practices.
func ClaimsFor(ctx context.Context, db bun.IDB, practiceIDs []int64) (map[int64]*passerelle.Claim, error) {
	out := map[int64]*passerelle.Claim{}
	if len(practiceIDs) == 0 {
		return out, nil
	}
	var rows []claimRow
	if err := selectClaims(db, &rows).Where("c.practice_id IN (?)", bun.List(practiceIDs)).Scan(ctx); err != nil {
		return nil, err
	}
	for i := range rows {
		out[rows[i].PracticeID] = rows[i].domain()
	}
	return out, nil
}

// PutClaim gives the claim on a practice to a moderator until expires,
// settled by the database: it succeeds when there is no claim, when the
// claim is the moderator's own (renewed, keeping its start), when it has
// lapsed at now, or with takeover. It reports false when another
// moderator's live claim stands (a conflict for the caller).
func PutClaim(ctx context.Context, db bun.IDB, practiceID, moderatorID int64, now, expires time.Time, takeover bool) (bool, error) {
	cond := "review_claims.moderator_id = excluded.moderator_id OR review_claims.expires_at <= ?"
	if takeover {
		cond = "TRUE OR review_claims.expires_at <= ?"
	}
	res, err := db.ExecContext(ctx, `INSERT INTO review_claims (practice_id, moderator_id, claimed_at, expires_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (practice_id) DO UPDATE SET
			claimed_at = CASE WHEN review_claims.moderator_id = excluded.moderator_id AND review_claims.expires_at > ?
				THEN review_claims.claimed_at ELSE excluded.claimed_at END,
			moderator_id = excluded.moderator_id,
			expires_at = excluded.expires_at
		WHERE `+cond, practiceID, moderatorID, now, expires, now, now)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// DeleteClaim removes the claim on a practice: held by moderatorID, or by
// anyone when moderatorID is 0. It reports whether there was one.
func DeleteClaim(ctx context.Context, db bun.IDB, practiceID, moderatorID int64) (bool, error) {
	q := db.NewDelete().Model((*claimRow)(nil)).Where("practice_id = ?", practiceID)
	if moderatorID != 0 {
		q = q.Where("moderator_id = ?", moderatorID)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
