package store

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// Accounts beyond sign-in: invitations, password resets, named API tokens,
// enabling accounts and changing passwords.

type invitationRow struct {
	bun.BaseModel  `bun:"table:invitations,alias:i"`
	ID             int64      `bun:"id,pk,autoincrement"`
	TokenHash      *string    `bun:"token_hash"`
	Email          string     `bun:"email"`
	Name           string     `bun:"name"`
	Role           string     `bun:"role"`
	TerritoryCode  string     `bun:"territory_code"`
	Lang           string     `bun:"lang"`
	InvitedBy      *int64     `bun:"invited_by"`
	CreatedAt      time.Time  `bun:"created_at"`
	ExpiresAt      time.Time  `bun:"expires_at"`
	SentAt         *time.Time `bun:"sent_at"`
	AcceptedAt     *time.Time `bun:"accepted_at"`
	AcceptedUserID *int64     `bun:"accepted_user_id"`
	RevokedAt      *time.Time `bun:"revoked_at"`

	InviterName *string `bun:"inviter_name,scanonly"`
}

func (r *invitationRow) domain() *passerelle.Invitation {
	inv := &passerelle.Invitation{ID: r.ID, Email: r.Email, Name: r.Name, Role: passerelle.Role(r.Role),
		Territory: r.TerritoryCode, Lang: r.Lang, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
		SentAt: r.SentAt, AcceptedAt: r.AcceptedAt, RevokedAt: r.RevokedAt}
	if r.InvitedBy != nil {
		inv.InvitedBy = *r.InvitedBy
	}
	if r.InviterName != nil {
		inv.InvitedByName = *r.InviterName
	}
	return inv
}

func selectInvitations(db bun.IDB, rows *[]invitationRow) *bun.SelectQuery {
	return db.NewSelect().Model(rows).ColumnExpr("i.*").
		ColumnExpr("(SELECT u.name FROM users AS u WHERE u.id = i.invited_by) AS inviter_name")
}

// InsertInvitation stores a new invitation and sets its ID. A second open
// invitation for the same address is a conflict error.
func InsertInvitation(ctx context.Context, db bun.IDB, inv *passerelle.Invitation) error {
	r := &invitationRow{Email: inv.Email, Name: inv.Name, Role: string(inv.Role), TerritoryCode: inv.Territory,
		Lang: inv.Lang, CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt}
	if r.Lang == "" {
		r.Lang = "fr"
	}
	if inv.InvitedBy != 0 {
		r.InvitedBy = &inv.InvitedBy
	}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		if IsUniqueViolation(err) {
			return pendingInvitation()
		}
		return err
	}
	inv.ID = r.ID
	return nil
}

func pendingInvitation() error {
	return &passerelle.Error{Code: passerelle.EConflict, Message: "An invitation to this address is already waiting for an answer.",
		Fields: map[string]string{"email": passerelle.FieldTaken}}
}

// OpenInvitation returns the invitation to email that is neither accepted
// nor revoked (it may have expired), or a not_found error.
func OpenInvitation(ctx context.Context, db bun.IDB, email string) (*passerelle.Invitation, error) {
	var rows []invitationRow
	err := selectInvitations(db, &rows).Where("i.email = ? AND i.accepted_at IS NULL AND i.revoked_at IS NULL", email).Limit(1).Scan(ctx)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, passerelle.Errorf(passerelle.ENotFound, "No open invitation.")
	}
	return rows[0].domain(), nil
}

// InvitationByID returns one invitation, or a not_found error.
func InvitationByID(ctx context.Context, db bun.IDB, id int64) (*passerelle.Invitation, error) {
	return oneInvitation(ctx, db, "i.id = ?", id)
}

// InvitationByTokenHash returns the invitation whose link carries the token
// of this hash, whatever its state, or a not_found error.
func InvitationByTokenHash(ctx context.Context, db bun.IDB, hash string) (*passerelle.Invitation, error) {
	return oneInvitation(ctx, db, "i.token_hash = ?", hash)
}

func oneInvitation(ctx context.Context, db bun.IDB, where string, arg any) (*passerelle.Invitation, error) {
	var rows []invitationRow
	if err := selectInvitations(db, &rows).Where(where, arg).Limit(1).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, passerelle.Errorf(passerelle.ENotFound, "This invitation link is not valid.")
	}
	return rows[0].domain(), nil
}

// SetInvitationToken records the hash of the token about to be sent, while
// the invitation is open; a token sent before stops working. It reports
// false when the invitation is no longer open.
func SetInvitationToken(ctx context.Context, db bun.IDB, id int64, hash string) (bool, error) {
	now := Now()
	res, err := db.NewUpdate().Model((*invitationRow)(nil)).Set("token_hash = ?, sent_at = ?", hash, now).
		Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", id, now).Exec(ctx)
	return affected(res, err)
}

// AcceptInvitation marks an open, unexpired invitation accepted by userID;
// it reports false when another request accepted it first (or it closed).
func AcceptInvitation(ctx context.Context, db bun.IDB, id, userID int64, now time.Time) (bool, error) {
	res, err := db.NewUpdate().Model((*invitationRow)(nil)).Set("accepted_at = ?, accepted_user_id = ?", now, userID).
		Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", id, now).Exec(ctx)
	return affected(res, err)
}

// RevokeInvitation closes an open invitation (also an expired one, to make
// room for a new invitation to the same address).
func RevokeInvitation(ctx context.Context, db bun.IDB, id int64, now time.Time) (bool, error) {
	res, err := db.NewUpdate().Model((*invitationRow)(nil)).Set("revoked_at = ?", now).
		Where("id = ? AND accepted_at IS NULL AND revoked_at IS NULL", id).Exec(ctx)
	return affected(res, err)
}

// InvitationFilter narrows ListInvitations.
type InvitationFilter struct {
	Open        bool     // neither accepted nor revoked
	Territories []string // nil: anywhere
	Limit       int      // 0: 200
}

// ListInvitations returns invitations, newest first.
func ListInvitations(ctx context.Context, db bun.IDB, f InvitationFilter) ([]*passerelle.Invitation, error) {
	var rows []invitationRow
	q := selectInvitations(db, &rows).OrderExpr("i.created_at DESC, i.id DESC")
	if f.Open {
		q = q.Where("i.accepted_at IS NULL AND i.revoked_at IS NULL")
	}
	if f.Territories != nil {
		if len(f.Territories) == 0 {
			return nil, nil
		}
		q = q.Where("i.territory_code IN (?)", bun.List(f.Territories))
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	if err := q.Limit(int64(f.Limit)).Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]*passerelle.Invitation, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

type passwordResetRow struct {
	bun.BaseModel `bun:"table:password_resets"`
	ID            int64      `bun:"id,pk,autoincrement"`
	UserID        int64      `bun:"user_id"`
	TokenHash     *string    `bun:"token_hash"`
	CreatedAt     time.Time  `bun:"created_at"`
	ExpiresAt     time.Time  `bun:"expires_at"`
	UsedAt        *time.Time `bun:"used_at"`
}

// PasswordReset is a password reset as stored.
type PasswordReset struct {
	ID, UserID int64
	ExpiresAt  time.Time
	UsedAt     *time.Time
}

// InsertPasswordReset records a reset asked for userID and returns its ID.
func InsertPasswordReset(ctx context.Context, db bun.IDB, userID int64, now, expires time.Time) (int64, error) {
	r := &passwordResetRow{UserID: userID, CreatedAt: now, ExpiresAt: expires}
	_, err := db.NewInsert().Model(r).Returning("id").Exec(ctx)
	return r.ID, err
}

// PasswordResetByID returns a reset, or a not_found error.
func PasswordResetByID(ctx context.Context, db bun.IDB, id int64) (*PasswordReset, error) {
	return onePasswordReset(ctx, db, "id = ?", id)
}

// PasswordResetByTokenHash returns the reset whose link carries the token of
// this hash, or a not_found error.
func PasswordResetByTokenHash(ctx context.Context, db bun.IDB, hash string) (*PasswordReset, error) {
	return onePasswordReset(ctx, db, "token_hash = ?", hash)
}

func onePasswordReset(ctx context.Context, db bun.IDB, where string, arg any) (*PasswordReset, error) {
	var r passwordResetRow
	if err := db.NewSelect().Model(&r).Where(where, arg).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "This password reset link is not valid.")
		}
		return nil, err
	}
	return &PasswordReset{ID: r.ID, UserID: r.UserID, ExpiresAt: r.ExpiresAt, UsedAt: r.UsedAt}, nil
}

// SetPasswordResetToken records the hash of the token about to be sent,
// while the reset is unused and unexpired; it reports false otherwise.
func SetPasswordResetToken(ctx context.Context, db bun.IDB, id int64, hash string) (bool, error) {
	res, err := db.NewUpdate().Model((*passwordResetRow)(nil)).Set("token_hash = ?", hash).
		Where("id = ? AND used_at IS NULL AND expires_at > ?", id, Now()).Exec(ctx)
	return affected(res, err)
}

// UsePasswordReset marks a reset used, with every other open reset of the
// same account; it reports false when it was used (or expired) meanwhile.
func UsePasswordReset(ctx context.Context, db bun.IDB, r *PasswordReset, now time.Time) (bool, error) {
	res, err := db.NewUpdate().Model((*passwordResetRow)(nil)).Set("used_at = ?", now).
		Where("id = ? AND used_at IS NULL AND expires_at > ?", r.ID, now).Exec(ctx)
	if ok, err := affected(res, err); !ok || err != nil {
		return ok, err
	}
	_, err = db.NewUpdate().Model((*passwordResetRow)(nil)).Set("used_at = ?", now).
		Where("user_id = ? AND used_at IS NULL", r.UserID).Exec(ctx)
	return true, err
}

// EnableUser lets a disabled account sign in again; it reports false when
// the account was not disabled. Its old sessions and tokens stay revoked.
func EnableUser(ctx context.Context, db bun.IDB, id int64) (bool, error) {
	res, err := db.NewUpdate().Model((*userRow)(nil)).Set("disabled_at = NULL").Where("id = ? AND disabled_at IS NOT NULL", id).Exec(ctx)
	return affected(res, err)
}

// SetPasswordHash replaces the password of an account.
func SetPasswordHash(ctx context.Context, db bun.IDB, id int64, hash string) error {
	_, err := db.NewUpdate().Model((*userRow)(nil)).Set("password_hash = ?", hash).Where("id = ?", id).Exec(ctx)
	return err
}

// PasswordHash returns the password hash of an account.
func PasswordHash(ctx context.Context, db bun.IDB, id int64) (string, error) {
	var hash string
	err := db.NewSelect().Model((*userRow)(nil)).Column("password_hash").Where("id = ?", id).Scan(ctx, &hash)
	if IsNotFound(err) {
		return "", passerelle.Errorf(passerelle.ENotFound, "No such account.")
	}
	return hash, err
}

// CountEnabledAdmins returns the number of administrators who may sign in.
func CountEnabledAdmins(ctx context.Context, db bun.IDB) (int, error) {
	n, err := db.NewSelect().Model((*userRow)(nil)).Where("is_admin AND disabled_at IS NULL").Count(ctx)
	return int(n), err
}

// DeleteSessions ends every session of an account but the one whose hash is
// keep ("" ends them all).
func DeleteSessions(ctx context.Context, db bun.IDB, userID int64, keep string) error {
	_, err := db.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ? AND token_hash <> ?", userID, keep).Exec(ctx)
	return err
}

// RevokeTokens revokes every live API token of an account but the one whose
// hash is keep ("" revokes them all).
func RevokeTokens(ctx context.Context, db bun.IDB, userID int64, keep string) error {
	_, err := db.NewUpdate().Model((*tokenRow)(nil)).Set("revoked_at = ?", Now()).
		Where("user_id = ? AND revoked_at IS NULL AND token_hash <> ?", userID, keep).Exec(ctx)
	return err
}

// EndCredentials ends every session and revokes every API token of an
// account, but the one credential whose hash is keep ("" ends them all):
// credentials end together.
func EndCredentials(ctx context.Context, db bun.IDB, userID int64, keep string) error {
	if err := DeleteSessions(ctx, db, userID, keep); err != nil {
		return err
	}
	return RevokeTokens(ctx, db, userID, keep)
}

// SearchUsers returns the accounts whose name or e-mail contains q (any
// case; every account when q is empty), by name, at most limit.
func SearchUsers(ctx context.Context, db bun.IDB, q string, limit int) ([]*passerelle.User, error) {
	var rows []userRow
	sel := db.NewSelect().Model(&rows).Order("name", "id").Limit(int64(limit))
	if q = strings.TrimSpace(q); q != "" {
		pattern := "%" + likeEscaper.Replace(strings.ToLower(q)) + "%"
		sel = sel.Where("LOWER(name) LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\'", pattern, pattern)
	}
	if err := sel.Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]*passerelle.User, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

type namedTokenRow struct {
	bun.BaseModel `bun:"table:api_tokens"`
	ID            int64      `bun:"id,pk,autoincrement"`
	TokenHash     string     `bun:"token_hash"`
	UserID        int64      `bun:"user_id"`
	Name          string     `bun:"name"`
	CreatedAt     time.Time  `bun:"created_at"`
	ExpiresAt     time.Time  `bun:"expires_at"`
	RevokedAt     *time.Time `bun:"revoked_at"`
}

// InsertNamedToken stores an API token by its hash, with a label, and
// returns its ID.
func InsertNamedToken(ctx context.Context, db bun.IDB, tokenHash string, userID int64, name string, expires time.Time) (int64, error) {
	r := &namedTokenRow{TokenHash: tokenHash, UserID: userID, Name: name, CreatedAt: Now(), ExpiresAt: expires}
	_, err := db.NewInsert().Model(r).Returning("id").Exec(ctx)
	return r.ID, err
}

// ListTokens returns the API tokens of an account, newest first.
func ListTokens(ctx context.Context, db bun.IDB, userID int64) ([]passerelle.APIToken, error) {
	var rows []namedTokenRow
	if err := db.NewSelect().Model(&rows).Where("user_id = ?", userID).Order("created_at DESC", "id DESC").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.APIToken, len(rows))
	for i, r := range rows {
		out[i] = passerelle.APIToken{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt}
	}
	return out, nil
}

// RevokeTokenOf revokes the token id of userID; it reports false when the
// account holds no such live token.
func RevokeTokenOf(ctx context.Context, db bun.IDB, userID, id int64) (bool, error) {
	res, err := db.NewUpdate().Model((*namedTokenRow)(nil)).Set("revoked_at = ?", Now()).
		Where("id = ? AND user_id = ? AND revoked_at IS NULL", id, userID).Exec(ctx)
	return affected(res, err)
}

// affected reports whether an update or delete changed a row.
func affected(res interface{ RowsAffected() (int64, error) }, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// GrantsOfUsers returns the grants of several accounts, by account.
func GrantsOfUsers(ctx context.Context, db bun.IDB, ids []int64) (map[int64][]passerelle.Grant, error) {
	out := map[int64][]passerelle.Grant{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []grantRow
	if err := db.NewSelect().Model(&rows).Where("user_id IN (?)", bun.List(ids)).Order("user_id", "role", "territory_code").Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], passerelle.Grant{UserID: r.UserID, Role: passerelle.Role(r.Role), Territory: r.TerritoryCode})
	}
	return out, nil
}
