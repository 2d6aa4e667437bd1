package service

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// ReuseListSize is the number of reuses a territory's page lists in each
// direction (borrowed, lent); the totals count them all.
const ReuseListSize = 20

// ReuseInput is what a contributor records: the territory where the
// practice was reused, and a short note on how.
type ReuseInput struct {
	Territory string
	Note      string
}

// RecordReuse records that a published practice was reused in one of
// actor's territories, writes it to the practice's history and queues the
// author's notification (jobs.NotifyReuseArgs), in one transaction. Errors:
// unauthenticated; not_found (a practice actor may not see); forbidden (no
// contributor role anywhere, or not on that territory); conflict (the
// practice is not published, or is already recorded in that territory);
// validation_failed (territory missing, unknown or the practice's own, note
// too long).
func (s *Service) RecordReuse(ctx context.Context, actor Actor, practiceID int64, in ReuseInput) (*passerelle.Reuse, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	p, snap, err := s.load(ctx, s.DB.Read, actor, practiceID)
	if err != nil {
		return nil, err
	}
	if !snap.CanAnywhere(actor, passerelle.PermCreatePractice) {
		return nil, forbidden("Only contributors record where a practice was reused.")
	}
	if !p.Published() {
		return nil, passerelle.Errorf(passerelle.EConflict, "Only a published practice can be recorded as reused.")
	}
	now := store.Now()
	re := &passerelle.Reuse{PracticeID: p.ID, TerritoryCode: in.Territory, UserID: actor.ID, Note: in.Note, CreatedAt: now}
	re.Normalize()
	v := passerelle.Validation{}
	if err := re.Validate(); err != nil {
		for f, r := range err.(*passerelle.Error).Fields {
			v.Add(f, r)
		}
	}
	switch {
	case re.TerritoryCode == "":
	case snap.Tree().Get(re.TerritoryCode) == nil:
		v.Add("territory", passerelle.FieldUnknown)
	case re.TerritoryCode == p.TerritoryCode:
		v.Add("territory", passerelle.FieldInvalid)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !snap.Can(actor, passerelle.PermCreatePractice, re.TerritoryCode) {
		return nil, forbidden("You are not a contributor for this territory.")
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ev := &passerelle.Event{PracticeID: p.ID, At: now, ActorID: actor.ID, Action: passerelle.ActionReuse,
			From: p.Status, To: p.Status, Comment: re.Note}
		if err := store.InsertEvent(ctx, tx, ev); err != nil {
			return err
		}
		re.EventID = ev.ID
		if err := store.InsertReuse(ctx, tx, re); err != nil {
			return err
		}
		_, err := s.River.InsertTx(ctx, tx.Tx, jobs.NotifyReuseArgs{ReuseID: re.ID}, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return store.GetReuse(ctx, s.DB.Bun, re.ID)
}

// Reuses returns where a practice has travelled, oldest first, to whoever
// may see the practice. Errors: not_found.
func (s *Service) Reuses(ctx context.Context, actor Actor, practiceID int64) ([]passerelle.Reuse, error) {
	if _, _, err := s.load(ctx, s.DB.Read, actor, practiceID); err != nil {
		return nil, err
	}
	return store.ListReuses(ctx, s.DB.Read, practiceID)
}

// ReuseChoices returns the territories where actor may record a reuse of
// p, in the order of the tree: those where actor is a contributor, but not
// p's own nor those where it is already recorded. Empty for an anonymous
// reader, a practice that is not published, or a reader without the role.
func (s *Service) ReuseChoices(ctx context.Context, actor Actor, p *passerelle.Practice) ([]string, error) {
	if actor == nil || !p.Published() {
		return nil, nil
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	scopes := snap.Scopes(actor, passerelle.PermCreatePractice)
	if len(scopes) == 0 {
		return nil, nil
	}
	done, err := store.ListReuses(ctx, s.DB.Read, p.ID)
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{p.TerritoryCode: true}
	for _, r := range done {
		skip[r.TerritoryCode] = true
	}
	tree := snap.Tree()
	var out []string
	for _, scope := range scopes {
		for _, code := range tree.Subtree(scope) {
			if !skip[code] {
				skip[code] = true
				out = append(out, code)
			}
		}
	}
	return out, nil
}

// TerritoryTravel is what a territory borrowed and lent: the reuses of
// published practices recorded in it or below it, and those of its
// practices (and of those below it) recorded elsewhere; newest first, at
// most ReuseListSize of each, with their totals.
type TerritoryTravel struct {
	Borrowed, Lent           []passerelle.Reuse
	BorrowedTotal, LentTotal int
}

// Travel returns what a territory borrowed and lent. Errors: not_found for
// an unknown territory.
func (s *Service) Travel(ctx context.Context, code string) (*TerritoryTravel, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	within := snap.Tree().Subtree(code)
	if within == nil {
		return nil, passerelle.Errorf(passerelle.ENotFound, "Territory not found.")
	}
	out := &TerritoryTravel{}
	if out.Borrowed, out.BorrowedTotal, err = store.FindReuses(ctx, s.DB.Read, store.ReuseFilter{In: within, Limit: ReuseListSize}); err != nil {
		return nil, err
	}
	if out.Lent, out.LentTotal, err = store.FindReuses(ctx, s.DB.Read, store.ReuseFilter{From: within, Limit: ReuseListSize}); err != nil {
		return nil, err
	}
	return out, nil
}
