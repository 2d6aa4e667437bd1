package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// InsertSession stores a session by the hash of its token.
func InsertSession(ctx context.Context, db bun.IDB, tokenHash string, userID int64, expires time.Time) error {
	now := Now()
	_, err := db.NewInsert().Model(&sessionRow{TokenHash: tokenHash, UserID: userID, CreatedAt: now, LastSeenAt: now, ExpiresAt: expires}).Exec(ctx)
	return err
}

// SessionUser returns the enabled account of a live session: not expired and
// seen within idle. It returns a not_found error otherwise.
func SessionUser(ctx context.Context, db bun.IDB, tokenHash string, idle time.Duration) (*passerelle.User, time.Time, error) {
	var s sessionRow
	now := Now()
	err := db.NewSelect().Model(&s).Where("token_hash = ? AND expires_at > ? AND last_seen_at > ?", tokenHash, now, now.Add(-idle)).Scan(ctx)
	if err != nil {
		if IsNotFound(err) {
			return nil, time.Time{}, passerelle.Errorf(passerelle.EUnauthn, "Session expired.")
		}
		return nil, time.Time{}, err
	}
	u, err := UserByID(ctx, db, s.UserID)
	if err != nil || u.Disabled() {
		return nil, time.Time{}, passerelle.Errorf(passerelle.EUnauthn, "Session expired.")
	}
	return u, s.LastSeenAt, nil
}

// TouchSession records activity on a session.
func TouchSession(ctx context.Context, db bun.IDB, tokenHash string) error {
	_, err := db.NewUpdate().Model((*sessionRow)(nil)).Set("last_seen_at = ?", Now()).Where("token_hash = ?", tokenHash).Exec(ctx)
	return err
}

// DeleteSession ends a session.
func DeleteSession(ctx context.Context, db bun.IDB, tokenHash string) error {
	_, err := db.NewDelete().Model((*sessionRow)(nil)).Where("token_hash = ?", tokenHash).Exec(ctx)
	return err
}

// InsertToken stores an API token by its hash.
func InsertToken(ctx context.Context, db bun.IDB, tokenHash string, userID int64, expires time.Time) error {
	_, err := db.NewInsert().Model(&tokenRow{TokenHash: tokenHash, UserID: userID, CreatedAt: Now(), ExpiresAt: expires}).Exec(ctx)
	return err
}

// TokenUser returns the enabled account of a live API token, or an
// unauthenticated error.
func TokenUser(ctx context.Context, db bun.IDB, tokenHash string) (*passerelle.User, error) {
	var t tokenRow
	err := db.NewSelect().Model(&t).Where("token_hash = ? AND revoked_at IS NULL AND expires_at > ?", tokenHash, Now()).Scan(ctx)
	if err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.EUnauthn, "Invalid or expired token.")
		}
		return nil, err
	}
	u, err := UserByID(ctx, db, t.UserID)
	if err != nil || u.Disabled() {
		return nil, passerelle.Errorf(passerelle.EUnauthn, "Invalid or expired token.")
	}
	return u, nil
}

// RevokeToken revokes an API token.
func RevokeToken(ctx context.Context, db bun.IDB, tokenHash string) error {
	_, err := db.NewUpdate().Model((*tokenRow)(nil)).Set("revoked_at = ?", Now()).Where("token_hash = ? AND revoked_at IS NULL", tokenHash).Exec(ctx)
	return err
}
