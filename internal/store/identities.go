package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type identityLinkRow struct {
	bun.BaseModel `bun:"table:identity_links"`
	ID            int64     `bun:"id,pk,autoincrement"`
	UserID        int64     `bun:"user_id"`
	Issuer        string    `bun:"issuer"`
	Subject       string    `bun:"subject"`
	Email         string    `bun:"email"`
	CreatedAt     time.Time `bun:"created_at"`
	LastUsedAt    time.Time `bun:"last_used_at"`
}

func (r *identityLinkRow) domain() passerelle.IdentityLink {
	return passerelle.IdentityLink{UserID: r.UserID, Issuer: r.Issuer, Subject: r.Subject, Email: r.Email,
		CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt}
}

// UserByIdentity returns the account linked to a provider's subject, or a
// not_found error.
func UserByIdentity(ctx context.Context, db bun.IDB, issuer, subject string) (*passerelle.User, error) {
	var r userRow
	err := db.NewSelect().Model(&r).
		Where("id = (SELECT user_id FROM identity_links WHERE issuer = ? AND subject = ?)", issuer, subject).Scan(ctx)
	if IsNotFound(err) {
		return nil, passerelle.Errorf(passerelle.ENotFound, "No account is linked to this identity.")
	}
	if err != nil {
		return nil, err
	}
	return r.domain(), nil
}

// InsertIdentityLink links an account to a provider's subject. A subject
// already linked is a conflict error.
func InsertIdentityLink(ctx context.Context, db bun.IDB, l passerelle.IdentityLink) error {
	now := Now()
	r := &identityLinkRow{UserID: l.UserID, Issuer: l.Issuer, Subject: l.Subject, Email: l.Email, CreatedAt: now, LastUsedAt: now}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		if IsUniqueViolation(err) {
			return passerelle.Errorf(passerelle.EConflict, "This identity is already linked to an account.")
		}
		return err
	}
	return nil
}

// TouchIdentityLink records a sign-in through a link.
func TouchIdentityLink(ctx context.Context, db bun.IDB, issuer, subject string) error {
	_, err := db.NewUpdate().Model((*identityLinkRow)(nil)).Set("last_used_at = ?", Now()).
		Where("issuer = ? AND subject = ?", issuer, subject).Exec(ctx)
	return err
}

// CountIdentityLinks returns how many links an account has with issuer
// (every issuer when issuer is empty).
func CountIdentityLinks(ctx context.Context, db bun.IDB, userID int64, issuer string) (int, error) {
	q := db.NewSelect().Model((*identityLinkRow)(nil)).Where("user_id = ?", userID)
	if issuer != "" {
		q = q.Where("issuer = ?", issuer)
	}
	n, err := q.Count(ctx)
	return int(n), err
}

// SignInMethodsOfUsers returns how each of the accounts signs in, by
// account.
func SignInMethodsOfUsers(ctx context.Context, db bun.IDB, ids []int64) (map[int64]passerelle.SignInMethods, error) {
	out := make(map[int64]passerelle.SignInMethods, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var users []struct {
		ID       int64 `bun:"id"`
		Password bool  `bun:"password"`
	}
	if err := db.NewSelect().Model((*userRow)(nil)).Column("id").ColumnExpr("password_hash <> '' AS password").
		Where("id IN (?)", bun.List(ids)).Scan(ctx, &users); err != nil {
		return nil, err
	}
	for _, u := range users {
		out[u.ID] = passerelle.SignInMethods{Password: u.Password}
	}
	var links []identityLinkRow
	if err := db.NewSelect().Model(&links).Where("user_id IN (?)", bun.List(ids)).Order("created_at", "id").Scan(ctx); err != nil {
		return nil, err
	}
	for i := range links {
		m := out[links[i].UserID]
		m.Links = append(m.Links, links[i].domain())
		out[links[i].UserID] = m
	}
	return out, nil
}

// OIDCFlow is a sign-in through a provider under way: what the callback
// must find again. Only the hash of its state is stored.
type OIDCFlow struct {
	bun.BaseModel `bun:"table:oidc_flows"`
	StateHash     string     `bun:"state_hash,pk"`
	Nonce         string     `bun:"nonce"`
	Verifier      string     `bun:"verifier"`
	Next          string     `bun:"next"`
	CreatedAt     time.Time  `bun:"created_at"`
	ExpiresAt     time.Time  `bun:"expires_at"`
	UsedAt        *time.Time `bun:"used_at"`
}

// InsertOIDCFlow records a sign-in under way, and forgets those that
// expired more than a day ago.
func InsertOIDCFlow(ctx context.Context, db bun.IDB, f *OIDCFlow) error {
	if _, err := db.NewDelete().Model((*OIDCFlow)(nil)).Where("expires_at < ?", Now().Add(-24*time.Hour)).Exec(ctx); err != nil {
		return err
	}
	_, err := db.NewInsert().Model(f).Exec(ctx)
	return err
}

// UseOIDCFlow marks the flow of a state hash used and returns it, once: an
// unknown, used or expired state is a not_found error.
func UseOIDCFlow(ctx context.Context, db bun.IDB, stateHash string) (*OIDCFlow, error) {
	now := Now()
	var f OIDCFlow
	if err := db.NewSelect().Model(&f).Where("state_hash = ?", stateHash).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "No such sign-in.")
		}
		return nil, err
	}
	res, err := db.NewUpdate().Model((*OIDCFlow)(nil)).Set("used_at = ?", now).
		Where("state_hash = ? AND used_at IS NULL AND expires_at > ?", stateHash, now).Exec(ctx)
	ok, err := affected(res, err)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, passerelle.Errorf(passerelle.ENotFound, "No such sign-in.")
	}
	return &f, nil
}
