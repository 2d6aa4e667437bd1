package service

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// claimTTL returns how long a claim holds.
func (s *Service) claimTTL() time.Duration {
	if s.ClaimTTL > 0 {
		return s.ClaimTTL
	}
	return passerelle.DefaultClaimTTL
}

// Claim takes a submission in review for actor ("en cours de relecture"),
// for the configured time; claiming one's own claim again renews it. A live
// claim of another moderator is taken over only with takeover. The history
// records a new holder. Errors: unauthenticated, not_found, forbidden (not a
// moderator of the territory, or the author), conflict (not submitted, or
// another moderator's live claim without takeover; its holder is named).
func (s *Service) Claim(ctx context.Context, actor Actor, id int64, takeover bool) (*passerelle.Claim, error) {
	p, _, err := s.loadFor(ctx, actor, id, passerelle.ActionClaim)
	if err != nil {
		return nil, err
	}
	now := store.Now()
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		prev, err := store.GetClaim(ctx, tx, id)
		if err != nil {
			return err
		}
		ok, err := store.PutClaim(ctx, tx, id, actor.ID, now, now.Add(s.claimTTL()), takeover)
		if err != nil {
			return err
		}
		if !ok {
			if prev == nil || prev.ModeratorID == actor.ID {
				prev, _ = store.GetClaim(ctx, tx, id)
			}
			return claimHeld(prev)
		}
		if prev.Live(now) && prev.ModeratorID == actor.ID {
			return nil // renewed
		}
		return store.InsertEvent(ctx, tx, &passerelle.Event{PracticeID: id, At: now, ActorID: actor.ID,
			Action: passerelle.ActionClaim, From: p.Status, To: p.Status})
	})
	if err != nil {
		return nil, err
	}
	return store.GetClaim(ctx, s.DB.Bun, id)
}

// claimHeld is the conflict of a claim held by someone else.
func claimHeld(c *passerelle.Claim) error {
	name := "another moderator"
	if c != nil && c.ModeratorName != "" {
		name = c.ModeratorName
	}
	return &passerelle.Error{Code: passerelle.EConflict,
		Message: name + " is reviewing this practice; take the review over explicitly (takeover) if needed.",
		Fields:  map[string]string{"claim": "held"}}
}

// Release gives up actor's claim on a submission. Errors: unauthenticated,
// not_found, forbidden, conflict (not submitted, or actor holds no claim).
func (s *Service) Release(ctx context.Context, actor Actor, id int64) error {
	p, _, err := s.loadFor(ctx, actor, id, passerelle.ActionRelease)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ok, err := store.DeleteClaim(ctx, tx, id, actor.ID)
		if err != nil {
			return err
		} else if !ok {
			return &passerelle.Error{Code: passerelle.EConflict, Message: "You hold no claim on this practice.",
				Fields: map[string]string{"claim": "not_held"}}
		}
		return store.InsertEvent(ctx, tx, &passerelle.Event{PracticeID: id, At: store.Now(), ActorID: actor.ID,
			Action: passerelle.ActionRelease, From: p.Status, To: p.Status})
	})
}

// ClaimOn returns the live claim on a submission, for the people taking
// part in its review; nil when there is none (or the viewer is not one of
// them).
func (s *Service) ClaimOn(ctx context.Context, actor Actor, p *passerelle.Practice) (*passerelle.Claim, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	if p.Status != passerelle.StatusSubmitted || !passerelle.AudienceOf(snap, actor, p).Sees(passerelle.PartClaims) {
		return nil, nil
	}
	c, err := store.GetClaim(ctx, s.DB.Read, p.ID)
	if err != nil || !c.Live(time.Now()) {
		return nil, err
	}
	return c, nil
}

// QueueQuery filters the review queue; empty fields do not filter.
type QueueQuery struct {
	Territory string // with everything below it, within the moderator's territories
	Theme     string
	Kind      string
}

// QueueEntry is a submission waiting for review.
type QueueEntry struct {
	Practice *passerelle.Practice
	Waiting  time.Duration     // since it was submitted
	Claim    *passerelle.Claim // the live claim on it, or nil
	// ReturnedTo, on the desk, is who holds an unclaimed resubmission:
	// the moderator who asked for the changes it answers
	// (passerelle.Holder), or nil.
	ReturnedTo *passerelle.User
}

// Queue lists the submissions waiting in actor's territories, oldest first,
// with how long each has waited and who holds it. Errors: unauthenticated,
// forbidden (moderates nothing), validation_failed naming an unknown
// territory, theme or kind.
func (s *Service) Queue(ctx context.Context, actor Actor, q QueueQuery) ([]QueueEntry, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	scopes := snap.Scopes(actor, passerelle.PermReadQueue)
	if len(scopes) == 0 {
		return nil, forbidden("You are not a moderator.")
	}
	v := passerelle.Validation{}
	if q.Territory != "" {
		below := snap.Tree().Subtree(q.Territory)
		if below == nil {
			v.Add("territory", passerelle.FieldUnknown)
		}
		mine := map[string]bool{}
		for _, c := range scopes {
			mine[c] = true
		}
		narrowed := []string{}
		for _, c := range below {
			if mine[c] {
				narrowed = append(narrowed, c)
			}
		}
		scopes = narrowed
	}
	if q.Theme != "" && snap.Theme(q.Theme) == nil {
		v.Add("theme", passerelle.FieldUnknown)
	}
	if q.Kind != "" && !passerelle.Kind(q.Kind).Valid() {
		v.Add("kind", passerelle.FieldUnknown)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	items, _, err := store.ListPractices(ctx, s.DB.Read, store.PracticeFilter{
		Statuses: []passerelle.Status{passerelle.StatusSubmitted}, Territories: scopes, Theme: q.Theme,
		Kind: passerelle.Kind(q.Kind), OldestFirst: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	for i, p := range items {
		ids[i] = p.ID
	}
	claims, err := store.ClaimsFor(ctx, s.DB.Read, ids)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]QueueEntry, len(items))
	for i, p := range items {
		out[i] = QueueEntry{Practice: p}
		if p.SubmittedAt != nil {
			out[i].Waiting = now.Sub(*p.SubmittedAt)
		}
		if c := claims[p.ID]; c.Live(now) {
			out[i].Claim = c
		}
	}
	return out, nil
}
