package service

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// AddTerritory creates a territory under an existing parent. actor is nil for
// the command line, otherwise an admin. Errors: validation_failed (bad code,
// name or level, unknown parent), conflict (code taken), forbidden.
func (s *Service) AddTerritory(ctx context.Context, actor Actor, t passerelle.Territory) error {
	if err := cliOrAdmin(actor, "Only administrators manage territories."); err != nil {
		return err
	}
	t = t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if t.ParentCode != "" {
			all, err := store.ListTerritories(ctx, tx)
			if err != nil {
				return err
			}
			if passerelle.NewTree(all).Get(t.ParentCode) == nil {
				return &passerelle.Error{Code: passerelle.EValidation, Message: "Unknown parent territory.",
					Fields: map[string]string{"parent": passerelle.FieldUnknown}}
			}
		}
		if err := store.InsertTerritory(ctx, tx, t); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, passerelle.AuditTerritoryCreate, t.Code, map[string]string{
			"name": t.Name, "level": string(t.Level), "parent": t.ParentCode}); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
}

// AddTheme creates a theme. Errors: validation_failed, conflict, forbidden.
func (s *Service) AddTheme(ctx context.Context, actor Actor, t passerelle.Theme) error {
	if err := cliOrAdmin(actor, "Only administrators manage themes."); err != nil {
		return err
	}
	t = t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.InsertTheme(ctx, tx, t); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, passerelle.AuditThemeCreate, t.Slug, map[string]string{"name": t.Name}); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
}
