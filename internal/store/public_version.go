package store

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"
)

// PublicVersion returns the version of everything an anonymous visitor is
// shown: the public_version counter, bumped by triggers in every
// transaction that changes a published practice or what hangs on it,
// territories, themes, meetings, reuses or a user's name (migration
// 20261209130000_public_version), joined to the policy version (roles,
// accounts). Two equal versions mean the same public pages; one query.
func PublicVersion(ctx context.Context, db bun.IDB) (string, error) {
	var row struct {
		Public int64 `bun:"public"`
		Policy int64 `bun:"policy"`
	}
	err := db.NewRaw("SELECT p.version AS public, q.version AS policy FROM public_version AS p, policy_version AS q WHERE p.id = 1 AND q.id = 1").
		Scan(ctx, &row)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(row.Public, 10) + "." + strconv.FormatInt(row.Policy, 10), nil
}
