package service

import (
	"context"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// PublishedPractice returns a published practice with its attachments, for
// documents made of it to take away (its PDF). Errors: not_found for what
// does not exist, what actor may not see (passerelle.Audience, through
// Practice) and what is not published — even for its author or a
// moderator, who see it on its page.
func (s *Service) PublishedPractice(ctx context.Context, actor Actor, id int64) (*passerelle.Practice, error) {
	p, err := s.Practice(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !p.Published() {
		return nil, passerelle.Errorf(passerelle.ENotFound, "Practice not found.")
	}
	return p, nil
}

// SimilarLimit is how many similar practices a sheet shows.
const SimilarLimit = 4

// Similar returns the published practices most like the published practice
// p — the same themes, territories near it, shared words — best first
// (store.SimilarPractices). Only published practices are ever returned;
// none for a practice that is not published.
func (s *Service) Similar(ctx context.Context, p *passerelle.Practice) ([]*passerelle.Practice, error) {
	if !p.Published() {
		return nil, nil
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	// Its own territory weighs most, then the rest of its parent's, then
	// of the one above (the same town, agglomeration, department).
	near := map[string]float64{}
	chain := snap.Tree().Chain(p.TerritoryCode)
	for i := min(len(chain), 3) - 1; i >= 0; i-- {
		for _, c := range snap.Tree().Subtree(chain[i]) {
			near[c] = float64(3 - i)
		}
	}
	return store.SimilarPractices(ctx, s.DB, p.ID, near, SimilarLimit)
}
