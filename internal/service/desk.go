package service

import (
	"context"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// DefaultOverdueAfter is how long a submission waits before the desk calls
// it overdue, unless configured (the review reminders' delay).
const DefaultOverdueAfter = 7 * 24 * time.Hour

// overdueAfter returns the delay after which a submission is overdue.
func (s *Service) overdueAfter() time.Duration {
	if s.OverdueAfter > 0 {
		return s.OverdueAfter
	}
	return DefaultOverdueAfter
}

// Desk is a moderator's desk: the submissions waiting in their territories,
// each oldest first, sorted by who holds them, and those waiting too long.
type Desk struct {
	Held         []QueueEntry // the moderator holds them (a live claim)
	Waiting      []QueueEntry // nobody holds them
	HeldByOthers []QueueEntry // another moderator holds them
	// Overdue are the submissions waiting longer than OverdueAfter,
	// whoever holds them (they also appear above).
	Overdue      []QueueEntry
	OverdueAfter time.Duration
	// Total is how many submissions wait in the moderator's territories.
	Total int
}

// Desk returns actor's desk (see Desk). Errors: unauthenticated, forbidden
// (moderates nothing).
func (s *Service) Desk(ctx context.Context, actor Actor) (*Desk, error) {
	items, err := s.Queue(ctx, actor, QueueQuery{})
	if err != nil {
		return nil, err
	}
	d := &Desk{OverdueAfter: s.overdueAfter(), Total: len(items)}
	for _, e := range items {
		switch {
		case e.Claim == nil:
			d.Waiting = append(d.Waiting, e)
		case e.Claim.ModeratorID == actor.ID:
			d.Held = append(d.Held, e)
		default:
			d.HeldByOthers = append(d.HeldByOthers, e)
		}
		if e.Waiting > d.OverdueAfter {
			d.Overdue = append(d.Overdue, e)
		}
	}
	return d, nil
}

// WaitingCount returns how many submissions wait for review in actor's
// territories, for the menu; 0 for anyone who moderates nothing.
func (s *Service) WaitingCount(ctx context.Context, actor Actor) (int, error) {
	if actor == nil {
		return 0, nil
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return 0, err
	}
	scopes := snap.Scopes(actor, passerelle.PermReadQueue)
	if len(scopes) == 0 {
		return 0, nil
	}
	_, total, err := store.ListPractices(ctx, s.DB.Read, store.PracticeFilter{
		Statuses: []passerelle.Status{passerelle.StatusSubmitted}, Territories: scopes, Limit: 1})
	return total, err
}

// Landing returns where actor goes after signing in when no page was asked
// for: a moderator to their desk, a contributor to their practices, anyone
// else to the home page.
func (s *Service) Landing(ctx context.Context, actor Actor) (string, error) {
	if actor == nil {
		return "/", nil
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return "", err
	}
	switch {
	case snap.CanAnywhere(actor, passerelle.PermReadQueue):
		return "/bureau", nil
	case snap.CanAnywhere(actor, passerelle.PermCreatePractice):
		return "/mes-fiches", nil
	}
	return "/", nil
}
