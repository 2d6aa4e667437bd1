package store

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// InsertUser creates an account and returns it with its ID. A duplicate
// e-mail is a conflict error.
func InsertUser(ctx context.Context, db bun.IDB, u *passerelle.User, passwordHash string) error {
	r := &userRow{Email: u.Email, Name: u.Name, PasswordHash: passwordHash, IsAdmin: u.Admin, Lang: u.Lang, CreatedAt: Now()}
	if r.Lang == "" {
		r.Lang = "fr"
	}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		if IsUniqueViolation(err) {
			return &passerelle.Error{Code: passerelle.EConflict, Message: "An account with this e-mail already exists.",
				Fields: map[string]string{"email": passerelle.FieldTaken}}
		}
		return err
	}
	*u = *r.domain()
	return nil
}

// UserByEmail returns the account with email and its password hash, or a
// not_found error.
func UserByEmail(ctx context.Context, db bun.IDB, email string) (*passerelle.User, string, error) {
	var r userRow
	if err := db.NewSelect().Model(&r).Where("email = ?", email).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, "", passerelle.Errorf(passerelle.ENotFound, "No account with this e-mail.")
		}
		return nil, "", err
	}
	return r.domain(), r.PasswordHash, nil
}

// UserByID returns the account with id, or a not_found error.
func UserByID(ctx context.Context, db bun.IDB, id int64) (*passerelle.User, error) {
	var r userRow
	if err := db.NewSelect().Model(&r).Where("id = ?", id).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "No such account.")
		}
		return nil, err
	}
	return r.domain(), nil
}

// ListUsers returns every account, by name.
func ListUsers(ctx context.Context, db bun.IDB) ([]*passerelle.User, error) {
	var rows []userRow
	if err := db.NewSelect().Model(&rows).Order("name", "id").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]*passerelle.User, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// DisableUser marks the account disabled and deletes its sessions and
// tokens, so that it stops working at once.
func DisableUser(ctx context.Context, db bun.IDB, id int64) error {
	now := Now()
	if _, err := db.NewUpdate().Model((*userRow)(nil)).Set("disabled_at = ?", now).Where("id = ? AND disabled_at IS NULL", id).Exec(ctx); err != nil {
		return err
	}
	if _, err := db.NewDelete().Model((*sessionRow)(nil)).Where("user_id = ?", id).Exec(ctx); err != nil {
		return err
	}
	_, err := db.NewUpdate().Model((*tokenRow)(nil)).Set("revoked_at = ?", now).Where("user_id = ? AND revoked_at IS NULL", id).Exec(ctx)
	return err
}

// InsertGrant gives a role on a territory; granting a role already held
// changes nothing and reports false.
func InsertGrant(ctx context.Context, db bun.IDB, g passerelle.Grant) (bool, error) {
	res, err := db.NewInsert().Model(&grantRow{UserID: g.UserID, Role: string(g.Role), TerritoryCode: g.Territory, CreatedAt: Now()}).
		On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// DeleteGrant takes a role back; it reports false when the role was not held.
func DeleteGrant(ctx context.Context, db bun.IDB, g passerelle.Grant) (bool, error) {
	res, err := db.NewDelete().Model((*grantRow)(nil)).
		Where("user_id = ? AND role = ? AND territory_code = ?", g.UserID, string(g.Role), g.Territory).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// ListGrants returns every grant held by an enabled account.
func ListGrants(ctx context.Context, db bun.IDB) ([]passerelle.Grant, error) {
	var rows []grantRow
	if err := db.NewSelect().Model(&rows).
		Where("user_id IN (SELECT id FROM users WHERE disabled_at IS NULL)").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Grant, len(rows))
	for i, r := range rows {
		out[i] = passerelle.Grant{UserID: r.UserID, Role: passerelle.Role(r.Role), Territory: r.TerritoryCode}
	}
	return out, nil
}

// GrantsOfUser returns the grants of one account.
func GrantsOfUser(ctx context.Context, db bun.IDB, userID int64) ([]passerelle.Grant, error) {
	var rows []grantRow
	if err := db.NewSelect().Model(&rows).Where("user_id = ?", userID).Order("role", "territory_code").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Grant, len(rows))
	for i, r := range rows {
		out[i] = passerelle.Grant{UserID: r.UserID, Role: passerelle.Role(r.Role), Territory: r.TerritoryCode}
	}
	return out, nil
}

// UsersWithRoleOn returns the enabled accounts holding role on any of the
// given territories.
func UsersWithRoleOn(ctx context.Context, db bun.IDB, role passerelle.Role, territories []string) ([]*passerelle.User, error) {
	var rows []userRow
	if len(territories) == 0 {
		return nil, nil
	}
	err := db.NewSelect().Model(&rows).
		Where("disabled_at IS NULL").
		Where("id IN (SELECT user_id FROM role_grants WHERE role = ? AND territory_code IN (?))", string(role), bun.List(territories)).
		Order("id").Scan(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*passerelle.User, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
