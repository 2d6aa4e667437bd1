package service

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// ImportResult counts what an import of territories did.
type ImportResult struct {
	Created, Updated, Unchanged int
}

// ImportTerritories reads a territory reference file (see
// passerelle.ParseTerritoryCSV) and makes the tree match it: territories
// missing are created, those whose name, level or parent differ are
// updated, the others are left alone — so importing the same file twice
// changes nothing the second time. The whole file is checked first, and
// applied in one transaction with its audit entry: on any fault nothing
// changes. source names the file in the journal. actor is nil for the
// command line, otherwise an administrator.
// Errors: forbidden, validation_failed (a *passerelle.ImportError naming the
// first faulty line).
func (s *Service) ImportTerritories(ctx context.Context, actor Actor, source string, r io.Reader) (*ImportResult, error) {
	if err := cliOrAdmin(actor, "Only administrators manage territories."); err != nil {
		return nil, err
	}
	rows, err := passerelle.ParseTerritoryCSV(r)
	if err != nil {
		return nil, err
	}
	var res ImportResult
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		existing, err := store.ListTerritories(ctx, tx)
		if err != nil {
			return err
		}
		plan, err := passerelle.PlanImport(existing, rows)
		if err != nil {
			return err
		}
		res = ImportResult{Created: len(plan.Create), Updated: len(plan.Update), Unchanged: plan.Unchanged}
		if len(plan.Create) == 0 && len(plan.Update) == 0 {
			return nil
		}
		for _, t := range plan.Create {
			if err := store.InsertTerritory(ctx, tx, t); err != nil {
				return err
			}
		}
		for _, c := range plan.Update {
			if _, err := store.UpdateTerritory(ctx, tx, c.After); err != nil {
				return err
			}
		}
		details := map[string]string{"rows": strconv.Itoa(len(rows)), "created": strconv.Itoa(res.Created),
			"updated": strconv.Itoa(res.Updated), "unchanged": strconv.Itoa(res.Unchanged)}
		if codes := changedCodes(plan); codes != "" {
			details["codes"] = codes
		}
		if err := audit(ctx, tx, actor, passerelle.AuditTerritoryImport, source, details); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// changedCodes lists the codes an import creates or updates, for the
// journal, cut after a hundred.
func changedCodes(plan *passerelle.ImportPlan) string {
	var codes []string
	for _, t := range plan.Create {
		codes = append(codes, "+"+t.Code)
	}
	for _, c := range plan.Update {
		codes = append(codes, "~"+c.After.Code)
	}
	if len(codes) > 100 {
		codes = append(codes[:100], "…")
	}
	return strings.Join(codes, " ")
}

// TerritoryUpdate is what changes in a territory; nil fields stay as they
// are. Parent "" makes it a root.
type TerritoryUpdate struct {
	Name   *string
	Level  *string
	Parent *string
}

// UpdateTerritory renames, re-levels or moves a territory. Its practices,
// roles and invitations stay attached to it (they point at its code, which
// never changes), and coverage follows the tree: after a move, the
// moderators of its old ancestors no longer cover it and those of its new
// ones do, from every process's next request. Errors: unauthenticated,
// forbidden, not_found, validation_failed (empty or long name, unknown
// level or parent, a parent below the territory itself).
func (s *Service) UpdateTerritory(ctx context.Context, actor Actor, code string, in TerritoryUpdate) (*passerelle.Territory, error) {
	if err := cliOrAdmin(actor, "Only administrators manage territories."); err != nil {
		return nil, err
	}
	var out passerelle.Territory
	err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		all, err := store.ListTerritories(ctx, tx)
		if err != nil {
			return err
		}
		tree := passerelle.NewTree(all)
		cur := tree.Get(code)
		if cur == nil {
			return passerelle.Errorf(passerelle.ENotFound, "Territory not found.")
		}
		t := *cur
		if in.Name != nil {
			t.Name = strings.TrimSpace(*in.Name)
		}
		if in.Level != nil {
			t.Level = passerelle.Level(strings.TrimSpace(*in.Level))
		}
		if in.Parent != nil {
			t.ParentCode = strings.TrimSpace(*in.Parent)
		}
		v := passerelle.Validation{}
		if err := t.Validate(); err != nil {
			for f, r := range err.(*passerelle.Error).Fields {
				v.Add(f, r)
			}
		}
		if t.ParentCode != "" && t.ParentCode != cur.ParentCode {
			if tree.Get(t.ParentCode) == nil {
				v.Add("parent", passerelle.FieldUnknown)
			} else if tree.Within(t.ParentCode, t.Code) {
				v.Add("parent", passerelle.FieldInvalid) // it would lie below itself
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		out = t
		if t == *cur {
			return nil
		}
		if _, err := store.UpdateTerritory(ctx, tx, t); err != nil {
			return err
		}
		details := map[string]string{}
		if t.Name != cur.Name {
			details["name"] = cur.Name + " → " + t.Name
		}
		if t.Level != cur.Level {
			details["level"] = string(cur.Level) + " → " + string(t.Level)
		}
		if t.ParentCode != cur.ParentCode {
			details["parent"] = cur.ParentCode + " → " + t.ParentCode
		}
		if err := audit(ctx, tx, actor, passerelle.AuditTerritoryUpdate, t.Code, details); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RenameTheme gives a theme a new name; its slug, and so its practices and
// subscriptions, stay. Errors: unauthenticated, forbidden, not_found,
// validation_failed.
func (s *Service) RenameTheme(ctx context.Context, actor Actor, slug, name string) error {
	if err := cliOrAdmin(actor, "Only administrators manage themes."); err != nil {
		return err
	}
	t := passerelle.Theme{Slug: slug, Name: name}.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	old := snap.Theme(slug)
	if old == nil {
		return passerelle.Errorf(passerelle.ENotFound, "Theme not found.")
	}
	if old.Name == t.Name {
		return nil
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ok, err := store.UpdateTheme(ctx, tx, t)
		if err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.ENotFound, "Theme not found.")
		}
		if err := audit(ctx, tx, actor, passerelle.AuditThemeUpdate, slug, map[string]string{"name": old.Name + " → " + t.Name}); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
}
