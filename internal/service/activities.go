package service

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// The rules of passerelle.Activities — comments, claims, attachments, draft
// deletion — meet the policy here, as those of passerelle.Transitions do in
// check (practices.go).

type authzSnapshot = *authz.Snapshot

// checkActivity tells whether actor may perform action (one of
// passerelle.Activities) on p now, and as which party: forbidden (wrong
// party or no role), conflict (wrong state), unauthenticated.
func checkActivity(snap authzSnapshot, actor Actor, p *passerelle.Practice, action passerelle.Action) (passerelle.Party, error) {
	a := passerelle.ActivityFor(action)
	if actor == nil {
		return "", SignInNeeded()
	}
	var party passerelle.Party
	switch {
	case actor.ID == p.AuthorID && a.OpenTo(passerelle.PartyAuthor):
		if !mayWrite(snap, actor, passerelle.PermEditPractice, p.TerritoryCode) {
			return "", forbidden("You are no longer a contributor for this territory.")
		}
		party = passerelle.PartyAuthor
	case actor.ID == p.AuthorID:
		return "", forbidden("A moderator never reviews their own practice.")
	case a.OpenTo(passerelle.PartyModerator) && passerelle.Moderates(snap, actor, p):
		party = passerelle.PartyModerator
	case a.OpenTo(passerelle.PartyModerator):
		return "", forbidden("You are not a moderator for this territory.")
	default:
		return "", forbidden("Only the author can do this.")
	}
	if !a.Allows(p.Status) {
		return "", passerelle.Errorf(passerelle.EConflict, "This cannot be done while the practice is %s.", p.Status)
	}
	return party, nil
}

// reload returns the practice as stored now, with its attachments.
func (s *Service) reload(ctx context.Context, db bun.IDB, id int64) (*passerelle.Practice, error) {
	p, err := store.GetPractice(ctx, db, id)
	if err != nil {
		return nil, err
	}
	if p.Attachments, err = store.ListAttachments(ctx, db, id); err != nil {
		return nil, err
	}
	return p, nil
}
