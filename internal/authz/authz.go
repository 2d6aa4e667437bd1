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
	"sync/atomic"

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
	memo, _ := ctx.Value(memoKey{}).(*atomic.Pointer[Snapshot])
	if memo != nil {
		if s := memo.Load(); s != nil {
			return s, nil
		}
	}
	s, err := a.refresh(ctx)
	if err == nil && memo != nil {
		memo.Store(s)
	}
	return s, err
}

type memoKey struct{}

// OncePerRequest returns a context in which Refresh checks the policy
// version once and then answers with that snapshot: a page asks for it from
// the handler, the service methods and the menus, and one check is enough
// for a request that changes nothing. Only for reading requests: one that
// grants a role and then checks it must see the change.
func OncePerRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, new(atomic.Pointer[Snapshot]))
}

func (a *Authorizer) refresh(ctx context.Context) (*Snapshot, error) {
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

	// The index Can answers from: the roles each user holds on each domain,
	// as the adapter gave them to Casbin, and what each role may do, asked of
	// Casbin once per role and permission (see allows).
	roles     map[int64]map[string][]passerelle.Role
	probe     *casbin.SyncedEnforcer
	rolePerms map[passerelle.Role]map[passerelle.Permission]bool // filled at load for passerelle.Permissions
	perms     sync.Map                                           // role + "\x00" + permission → bool, for any other permission
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
	s := &Snapshot{version: v, enforcer: e, tree: passerelle.NewTree(territories), themes: themes, grants: byUser}
	if err := s.index(); err != nil {
		return nil, err
	}
	return s, nil
}

// probeDomain is the domain of the probe enforcer: each role is held there
// by a subject of its own, so that asking Casbin whether that subject may do
// something says what the role may do — whatever policy.csv and model.conf
// say, since it is Casbin that answers.
const probeDomain = "probe"

func probeSubject(role passerelle.Role) string { return "role:" + string(role) }

// index builds the per-user index of roles by domain from the enforcer's
// own grouping policy (what the adapter loaded), and a probe enforcer over
// the same model and base policy.
func (s *Snapshot) index() error {
	rules, err := s.enforcer.GetGroupingPolicy()
	if err != nil {
		return fmt.Errorf("read grouping policy: %w", err)
	}
	s.roles = map[int64]map[string][]passerelle.Role{}
	roleSet := map[passerelle.Role]bool{}
	for _, r := range rules {
		if len(r) != 3 {
			continue
		}
		id, ok := userID(r[0])
		if !ok {
			continue
		}
		role := passerelle.Role(r[1])
		if s.roles[id] == nil {
			s.roles[id] = map[string][]passerelle.Role{}
		}
		s.roles[id][r[2]] = append(s.roles[id][r[2]], role)
		roleSet[role] = true
	}
	pm, err := model.NewModelFromString(policies.Model)
	if err != nil {
		return err
	}
	probe, err := casbin.NewSyncedEnforcer(pm, &probeAdapter{roles: roleSet})
	if err != nil {
		return fmt.Errorf("load probe policy: %w", err)
	}
	s.probe = probe
	// Resolve what every role may do now rather than on the first requests.
	s.rolePerms = map[passerelle.Role]map[passerelle.Permission]bool{}
	for role := range roleSet {
		s.rolePerms[role] = map[passerelle.Permission]bool{}
		for _, perm := range passerelle.Permissions {
			s.rolePerms[role][perm] = s.enforceProbe(role, perm)
		}
	}
	return nil
}

// allows reports whether role may do perm, as Casbin says for a subject
// holding only that role; the answer is kept for the snapshot's lifetime.
func (s *Snapshot) allows(role passerelle.Role, perm passerelle.Permission) bool {
	if v, ok := s.rolePerms[role][perm]; ok {
		return v
	}
	key := string(role) + "\x00" + string(perm)
	if v, ok := s.perms.Load(key); ok {
		return v.(bool)
	}
	ok := s.enforceProbe(role, perm)
	s.perms.Store(key, ok)
	return ok
}

// enforceProbe asks the probe enforcer whether role may do perm.
func (s *Snapshot) enforceProbe(role passerelle.Role, perm passerelle.Permission) bool {
	obj, act, _ := strings.Cut(string(perm), ".")
	ok, err := s.probe.Enforce(probeSubject(role), probeDomain, obj, act)
	return ok && err == nil
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
//
// It answers from an index built at load time — the roles each user holds on
// each domain, and what each role may do as Casbin says — walking up from
// territory to the root and then "*": a few map lookups, where asking Casbin
// domain by domain (CanCasbin, which gives the same answers) costs tens of
// microseconds.
func (s *Snapshot) Can(user *passerelle.User, perm passerelle.Permission, territory string) bool {
	if user == nil || user.Disabled() {
		return false
	}
	t := s.tree.Get(territory)
	if t == nil {
		return false
	}
	doms := s.roles[user.ID]
	if len(doms) == 0 {
		return false
	}
	// The tree never loops (territories are checked when they move), but a
	// bound keeps a damaged database from hanging a request.
	for depth := 0; t != nil && depth < 64; depth++ {
		for _, role := range doms[t.Code] {
			if s.allows(role, perm) {
				return true
			}
		}
		if t.ParentCode == "" {
			break
		}
		t = s.tree.Get(t.ParentCode)
	}
	for _, role := range doms[Everywhere] {
		if s.allows(role, perm) {
			return true
		}
	}
	return false
}

// CanCasbin answers like Can by asking Casbin about territory, each of its
// ancestors and "*" in turn. It is the reference Can is tested against, and
// the baseline of the enforcement benchmark.
func (s *Snapshot) CanCasbin(user *passerelle.User, perm passerelle.Permission, territory string) bool {
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
	if user.IsAdmin() {
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
