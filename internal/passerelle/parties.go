package passerelle

// Who is who around a practice. Each predicate below is the one definition
// of its rule: the service, the jobs and the pages call it rather than
// restating it, so that a change of the rule is a change of one function.

// Policy answers role questions: whether u's roles allow perm on territory
// or on a territory above it. The authorizer's snapshot (authz.Snapshot)
// implements it; anonymous and disabled users may do nothing.
type Policy interface {
	Can(u *User, perm Permission, territory string) bool
}

// IsAdmin reports whether u is an administrator: an enabled account with
// the administrator flag. It is the one definition: the Casbin role "admin"
// on every territory is derived from it when the policy loads
// (internal/authz), and every "administrators only" check calls it. A nil
// user is no administrator.
func (u *User) IsAdmin() bool { return u != nil && u.Admin && !u.Disabled() }

// Moderates reports whether u may decide on p — approve it, ask for
// changes, reject it, claim it: a moderator whose territories cover p's
// (PermDecide there), who is not p's author. A moderator never reviews
// their own practice.
func Moderates(pol Policy, u *User, p *Practice) bool {
	return ActsAsModerator(pol, u, p, PermDecide)
}

// ActsAsModerator reports whether u may act on p as PartyModerator with
// perm (PermDecide, PermArchive): perm on p's territory, and not its author.
// Moderates is the common case.
func ActsAsModerator(pol Policy, u *User, p *Practice, perm Permission) bool {
	if u == nil || u.Disabled() || u.ID == p.AuthorID || p.TerritoryCode == "" {
		return false
	}
	return pol.Can(u, perm, p.TerritoryCode)
}

// TakesPart reports whether u takes part in the review of p: its author,
// a moderator covering its territory (PermReadUnpublished there, whether or
// not they may decide on it), or an administrator. They see the practice
// in every state, its conversation and its claims; the rule of what each
// party sees is built on this predicate.
func TakesPart(pol Policy, u *User, p *Practice) bool {
	if u == nil || u.Disabled() {
		return false
	}
	if u.ID == p.AuthorID || u.IsAdmin() {
		return true
	}
	return p.TerritoryCode != "" && pol.Can(u, PermReadUnpublished, p.TerritoryCode)
}
