package service

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/authz"
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
	Held         []QueueEntry // the moderator holds them (a live claim, or a resubmission returned to them)
	Waiting      []QueueEntry // nobody holds them
	HeldByOthers []QueueEntry // another moderator holds them
	// Overdue are the submissions waiting longer than OverdueAfter,
	// whoever holds them (they also appear above).
	Overdue      []QueueEntry
	OverdueAfter time.Duration
	// Total is how many submissions wait in the moderator's territories.
	Total int
	// ToRefresh are the published practices of their territories whose
	// authors were asked to confirm them and that nobody confirmed since
	// ("à actualiser"), asked longest ago first.
	ToRefresh []*passerelle.Practice
}

// Desk returns actor's desk (see Desk). Errors: unauthenticated, forbidden
// (moderates nothing).
func (s *Service) Desk(ctx context.Context, actor Actor) (*Desk, error) {
	items, err := s.Queue(ctx, actor, QueueQuery{})
	if err != nil {
		return nil, err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	d := &Desk{OverdueAfter: s.overdueAfter(), Total: len(items)}
	for _, e := range items {
		if e.Claim == nil {
			if e.ReturnedTo, err = s.returnedTo(ctx, snap, e.Practice); err != nil {
				return nil, err
			}
		}
		switch {
		case e.Claim == nil && e.ReturnedTo == nil:
			d.Waiting = append(d.Waiting, e)
		case e.Claim != nil && e.Claim.ModeratorID == actor.ID, e.ReturnedTo != nil && e.ReturnedTo.ID == actor.ID:
			d.Held = append(d.Held, e)
		default:
			d.HeldByOthers = append(d.HeldByOthers, e)
		}
		if e.Waiting > d.OverdueAfter {
			d.Overdue = append(d.Overdue, e)
		}
	}
	due, err := store.ReviewDueIn(ctx, s.DB.Read, snap.Scopes(actor, passerelle.PermDecide), 200)
	if err != nil {
		return nil, err
	}
	for _, p := range due {
		if passerelle.ActsAsModerator(snap, actor, p, passerelle.PermDecide) {
			d.ToRefresh = append(d.ToRefresh, p)
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

// ConfirmCurrent records that the published practice id is still current
// (passerelle/freshness.go): its author, or a moderator on their behalf
// (the activity passerelle.ActionConfirmCurrent), gives it a new "vérifiée
// le", and it is no longer "à actualiser". The history keeps the event.
// Errors: unauthenticated, not_found, forbidden (neither its author nor a
// moderator of its territory), conflict (not published).
func (s *Service) ConfirmCurrent(ctx context.Context, actor Actor, id int64) (*passerelle.Practice, error) {
	p, _, err := s.loadFor(ctx, actor, id, passerelle.ActionConfirmCurrent)
	if err != nil {
		return nil, err
	}
	now := store.Now()
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ok, err := store.ConfirmCurrent(ctx, tx, id, now)
		if err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.EConflict, "Only a published practice can be confirmed current.")
		}
		return store.InsertEvent(ctx, tx, &passerelle.Event{PracticeID: id, At: now, ActorID: actor.ID,
			Action: passerelle.ActionConfirmCurrent, From: p.Status, To: p.Status})
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, s.DB.Bun, id)
}

// returnedTo returns who holds the review of an unclaimed submission that
// answers a request for changes (passerelle.Holder): the moderator who
// asked, while they still Moderate it; nil otherwise. The notification
// job tells the same moderator of the resubmission.
func (s *Service) returnedTo(ctx context.Context, snap *authz.Snapshot, p *passerelle.Practice) (*passerelle.User, error) {
	events, err := store.ListEvents(ctx, s.DB.Read, p.ID)
	if err != nil {
		return nil, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		if ev.Action != passerelle.ActionSubmit {
			continue
		}
		if ev.From != passerelle.StatusChangesRequested {
			return nil, nil
		}
		id := passerelle.ReturnsTo(events, ev.ID)
		if id == 0 {
			return nil, nil
		}
		u, err := store.UserByID(ctx, s.DB.Read, id)
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		return passerelle.Holder(snap, p, nil, nil, u, time.Now()), nil
	}
	return nil, nil
}
