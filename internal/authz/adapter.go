package authz

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/policies"
)

// errReadOnly is returned by the adapter's write methods: grants are written
// by the account service in the same transaction as their audit entry, never
// through Casbin.
var errReadOnly = errors.New("authz: the policy is read-only; grants are changed through the account service")

// adapter is a Casbin adapter over bun: the permission lines come from the
// embedded policies/policy.csv, the role assignments from the role_grants
// table (and the admin flag of accounts). Disabled accounts get no line.
type adapter struct {
	ctx context.Context
	db  bun.IDB
}

var _ persist.Adapter = (*adapter)(nil)

// Subject returns the Casbin subject of a user.
func Subject(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// Everywhere is the domain of platform-wide grants (admins).
const Everywhere = "*"

// userID returns the account of a Casbin subject made by Subject.
func userID(sub string) (int64, bool) {
	rest, ok := strings.CutPrefix(sub, "user:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil
}

// loadBasePolicy loads the lines of policies/policy.csv into m.
func loadBasePolicy(m model.Model) error {
	for _, line := range strings.Split(policies.Policy, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := persist.LoadPolicyLine(line, m); err != nil {
			return err
		}
	}
	return nil
}

func (a *adapter) LoadPolicy(m model.Model) error {
	if err := loadBasePolicy(m); err != nil {
		return err
	}
	grants, err := store.ListGrants(a.ctx, a.db)
	if err != nil {
		return err
	}
	for _, g := range grants {
		if err := persist.LoadPolicyArray([]string{"g", Subject(g.UserID), string(g.Role), g.Territory}, m); err != nil {
			return err
		}
	}
	users, err := store.ListUsers(a.ctx, a.db)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.IsAdmin() {
			if err := persist.LoadPolicyArray([]string{"g", Subject(u.ID), string(passerelle.RoleAdmin), Everywhere}, m); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *adapter) SavePolicy(model.Model) error                { return errReadOnly }
func (a *adapter) AddPolicy(string, string, []string) error    { return errReadOnly }
func (a *adapter) RemovePolicy(string, string, []string) error { return errReadOnly }
func (a *adapter) RemoveFilteredPolicy(string, string, int, ...string) error {
	return errReadOnly
}

// probeAdapter loads the base policy and, for each role, one subject that
// holds it in probeDomain (see Snapshot.allows).
type probeAdapter struct{ roles map[passerelle.Role]bool }

func (a *probeAdapter) LoadPolicy(m model.Model) error {
	if err := loadBasePolicy(m); err != nil {
		return err
	}
	a.roles[passerelle.RoleAdmin] = true
	for role := range a.roles {
		if err := persist.LoadPolicyArray([]string{"g", probeSubject(role), string(role), probeDomain}, m); err != nil {
			return err
		}
	}
	return nil
}

func (a *probeAdapter) SavePolicy(model.Model) error                { return errReadOnly }
func (a *probeAdapter) AddPolicy(string, string, []string) error    { return errReadOnly }
func (a *probeAdapter) RemovePolicy(string, string, []string) error { return errReadOnly }
func (a *probeAdapter) RemoveFilteredPolicy(string, string, int, ...string) error {
	return errReadOnly
}
