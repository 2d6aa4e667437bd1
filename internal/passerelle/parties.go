package passerelle

import "time"

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

// NearestModerators returns, of the moderators of each territory of p's
// chain (levels[i] for chain[i], the practice's own territory first), those
// of the nearest territory that has moderators who Moderate p, and that
// territory's index in the chain; -1 when no territory of the chain has
// any. They are who hears of a submission nobody holds, and who is
// reminded first of one waiting too long; the levels above come in only
// on escalation.
func NearestModerators(pol Policy, p *Practice, levels [][]*User) ([]*User, int) {
	for i, mods := range levels {
		var out []*User
		for _, m := range mods {
			if Moderates(pol, m, p) {
				out = append(out, m)
			}
		}
		if len(out) > 0 {
			return out, i
		}
	}
	return nil, -1
}

// Holder returns who holds the review of p: the moderator of its claim c
// (passed as claimant) while the claim is live at now and they still
// Moderate p; else, for a resubmission, the moderator who asked for the
// changes it answers (returnee, see ReturnsTo) while they still Moderate
// p; else nil — nobody holds it.
func Holder(pol Policy, p *Practice, c *Claim, claimant, returnee *User, now time.Time) *User {
	if c.Live(now) && claimant != nil && claimant.ID == c.ModeratorID && Moderates(pol, claimant, p) {
		return claimant
	}
	if returnee != nil && Moderates(pol, returnee, p) {
		return returnee
	}
	return nil
}

// ReturnsTo returns the moderator a resubmission goes back to: who asked
// for the changes it answers (the actor of the last request_changes of the
// history, oldest first, before the event at), or 0. The review is theirs
// again while they still Moderate the practice (Holder).
func ReturnsTo(history []Event, before int64) int64 {
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].ID < before && history[i].Action == ActionRequestChanges {
			return history[i].ActorID
		}
	}
	return 0
}
