// Package authz answers "may this user do that on this territory?" with
// Casbin, from the model and policy in policies/ and the role grants in the
// database. A role on a territory covers every territory below it. It also
// keeps the territory tree and themes in memory, reloaded with the policy.
package authz

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/policies"
)

// Authorizer holds the current Snapshot and replaces it when the policy
// version in the database changes. It is safe for concurrent use.
type Authorizer struct {
	db *store.DB

	mu     sync.Mutex // serialises reloads
	latest sync.Map   // "snap" → *Snapshot
}

// New loads the policy and returns an Authorizer.
func New(ctx context.Context, db *store.DB) (*Authorizer, error) {
	a := &Authorizer{db: db}
	if _, err := a.Refresh(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// Current returns the snapshot loaded last, without checking the database.
func (a *Authorizer) Current() *Snapshot {
	s, _ := a.latest.Load("snap")
	return s.(*Snapshot)
}

// Refresh checks the policy version (one small query) and reloads grants,
// territories and themes when another process or the CLI changed them. Call it
// once per request so that a change takes effect on the next one.
func (a *Authorizer) Refresh(ctx context.Context) (*Snapshot, error) {
	v, err := store.PolicyVersion(ctx, a.db.Read)
	if err != nil {
		return nil, fmt.Errorf("read policy version: %w", err)
	}
	if s, ok := a.latest.Load("snap"); ok && s.(*Snapshot).version >= v {
		return s.(*Snapshot), nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.latest.Load("snap"); ok && s.(*Snapshot).version >= v {
		return s.(*Snapshot), nil
	}
	s, err := load(ctx, a.db)
	if err != nil {
		return nil, err
	}
	a.latest.Store("snap", s)
	return s, nil
}

// Snapshot is an immutable view of the policy, the territory tree and the
// themes at one policy version.
type Snapshot struct {
	version  int64
	enforcer *casbin.SyncedEnforcer
	tree     *passerelle.Tree
	themes   []passerelle.Theme
	grants   map[int64][]passerelle.Grant
}

func load(ctx context.Context, db *store.DB) (*Snapshot, error) {
	// Read everything in one read transaction so that the version, grants and
	// tree agree with each other.
	tx, err := db.Read.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	v, err := store.PolicyVersion(ctx, tx)
	if err != nil {
		return nil, err
	}
	m, err := model.NewModelFromString(policies.Model)
	if err != nil {
		return nil, fmt.Errorf("policies/model.conf: %w", err)
	}
	e, err := casbin.NewSyncedEnforcer(m, &adapter{ctx: ctx, db: tx})
	if err != nil {
		return nil, fmt.Errorf("load policy: %w", err)
	}
	territories, err := store.ListTerritories(ctx, tx)
	if err != nil {
		return nil, err
	}
	themes, err := store.ListThemes(ctx, tx)
	if err != nil {
		return nil, err
	}
	grants, err := store.ListGrants(ctx, tx)
	if err != nil {
		return nil, err
	}
	byUser := map[int64][]passerelle.Grant{}
	for _, g := range grants {
		byUser[g.UserID] = append(byUser[g.UserID], g)
	}
	return &Snapshot{version: v, enforcer: e, tree: passerelle.NewTree(territories), themes: themes, grants: byUser}, nil
}

// Tree returns the territory tree.
func (s *Snapshot) Tree() *passerelle.Tree { return s.tree }

// Themes returns every theme, by name.
func (s *Snapshot) Themes() []passerelle.Theme { return s.themes }

// Theme returns the theme with slug, or nil.
func (s *Snapshot) Theme(slug string) *passerelle.Theme {
	for i := range s.themes {
		if s.themes[i].Slug == slug {
			return &s.themes[i]
		}
	}
	return nil
}

// Grants returns the role grants of a user.
func (s *Snapshot) Grants(userID int64) []passerelle.Grant { return s.grants[userID] }

// Can reports whether user may do perm on territory: whether a role the user
// holds on territory, on one of its ancestors, or everywhere, allows it.
// Anonymous and disabled users may do nothing here (reading published
// practices needs no permission).
func (s *Snapshot) Can(user *passerelle.User, perm passerelle.Permission, territory string) bool {
	if user == nil || user.Disabled() || s.tree.Get(territory) == nil {
		return false
	}
	obj, act, _ := strings.Cut(string(perm), ".")
	sub := Subject(user.ID)
	for _, dom := range append(s.tree.Chain(territory), Everywhere) {
		if ok, err := s.enforcer.Enforce(sub, dom, obj, act); err == nil && ok {
			return true
		}
	}
	return false
}

// CanAnywhere reports whether user may do perm on at least one territory.
func (s *Snapshot) CanAnywhere(user *passerelle.User, perm passerelle.Permission) bool {
	return len(s.Scopes(user, perm)) > 0
}

// Scopes returns the territories on which user may do perm, each with
// everything below it; nil when none. For an admin it is every root.
func (s *Snapshot) Scopes(user *passerelle.User, perm passerelle.Permission) []string {
	if user == nil || user.Disabled() {
		return nil
	}
	var tops []string
	if user.Admin {
		tops = s.tree.Roots()
	} else {
		for _, g := range s.grants[user.ID] {
			if s.Can(user, perm, g.Territory) {
				tops = append(tops, g.Territory)
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, top := range tops {
		for _, code := range s.tree.Subtree(top) {
			if !seen[code] {
				seen[code] = true
				out = append(out, code)
			}
		}
	}
	return out
}
