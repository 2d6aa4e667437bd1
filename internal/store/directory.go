package store

import (
	"context"
	"slices"

	"github.com/uptrace/bun"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// InsertTerritory adds a territory. A duplicate code is a conflict error.
func InsertTerritory(ctx context.Context, db bun.IDB, t passerelle.Territory) error {
	r := &territoryRow{Code: t.Code, Name: t.Name, Level: string(t.Level), CreatedAt: Now()}
	if t.ParentCode != "" {
		r.ParentCode = &t.ParentCode
	}
	if _, err := db.NewInsert().Model(r).Exec(ctx); err != nil {
		if IsUniqueViolation(err) {
			return passerelle.Errorf(passerelle.EConflict, "Territory %q already exists.", t.Code)
		}
		return err
	}
	return nil
}

// ListTerritories returns every territory, by code.
func ListTerritories(ctx context.Context, db bun.IDB) ([]passerelle.Territory, error) {
	var rows []territoryRow
	if err := db.NewSelect().Model(&rows).Order("code").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Territory, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// InsertTheme adds a theme. A duplicate slug is a conflict error.
func InsertTheme(ctx context.Context, db bun.IDB, t passerelle.Theme) error {
	if _, err := db.NewInsert().Model(&themeRow{Slug: t.Slug, Name: t.Name, CreatedAt: Now()}).Exec(ctx); err != nil {
		if IsUniqueViolation(err) {
			return passerelle.Errorf(passerelle.EConflict, "Theme %q already exists.", t.Slug)
		}
		return err
	}
	return nil
}

// ListThemes returns every theme, by name in French order: neither database
// sorts "Éducation" among the E (SQLite compares bytes, PostgreSQL its
// server's collation), so the sort is done here.
func ListThemes(ctx context.Context, db bun.IDB) ([]passerelle.Theme, error) {
	var rows []themeRow
	if err := db.NewSelect().Model(&rows).Order("slug").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Theme, len(rows))
	for i, r := range rows {
		out[i] = passerelle.Theme{Slug: r.Slug, Name: r.Name}
	}
	col := collate.New(language.French, collate.Loose)
	slices.SortStableFunc(out, func(a, b passerelle.Theme) int { return col.CompareString(a.Name, b.Name) })
	return out, nil
}

// PolicyVersion returns the counter bumped by every change to territories,
// themes, roles or accounts.
func PolicyVersion(ctx context.Context, db bun.IDB) (int64, error) {
	var v int64
	err := db.NewSelect().Table("policy_version").Column("version").Where("id = 1").Scan(ctx, &v)
	return v, err
}

// BumpPolicyVersion increments the policy version, so that every process
// reloads territories and roles on its next request.
func BumpPolicyVersion(ctx context.Context, db bun.IDB) error {
	_, err := db.NewUpdate().Table("policy_version").Set("version = version + 1").Where("id = 1").Exec(ctx)
	return err
}

// IsEmpty reports whether the database holds no account, territory or theme:
// the only state in which demo data may be loaded.
func IsEmpty(ctx context.Context, db bun.IDB) (bool, error) {
	for _, table := range []string{"users", "territories", "themes"} {
		n, err := db.NewSelect().Table(table).Limit(1).Count(ctx)
		if err != nil || n > 0 {
			return false, err
		}
	}
	return true, nil
}
