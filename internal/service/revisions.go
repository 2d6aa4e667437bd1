package service

import (
	"context"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// RevisionChanges compares revision n of a practice with the one before it
// (with nothing, for the first) field by field, for the people taking part
// in its review. It returns the two revisions (prev is nil for the first)
// and the fields that changed, in the order of the sheet. Errors:
// unauthenticated, forbidden, not_found (also for a revision that does not
// exist).
func (s *Service) RevisionChanges(ctx context.Context, actor Actor, id int64, n int) (prev, cur *passerelle.Revision, changes []passerelle.FieldChange, err error) {
	p, _, err := s.loadSeeing(ctx, actor, id, passerelle.PartRevisions)
	if err != nil {
		return nil, nil, nil, err
	}
	revs, err := store.ListRevisions(ctx, s.DB.Read, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if p.IsUpdate() && len(revs) > 0 {
		// An update is compared with the version published when it
		// started, then each of its submissions with the one before.
		if base, err := s.publishedRevision(ctx, p, revs[0].Number); err != nil {
			return nil, nil, nil, err
		} else if base != nil {
			revs = append([]passerelle.Revision{*base}, revs...)
		}
	}
	for i := range revs {
		if revs[i].Number == n {
			cur = &revs[i]
			if i > 0 {
				prev = &revs[i-1]
			}
		}
	}
	if cur == nil {
		return nil, nil, nil, passerelle.Errorf(passerelle.ENotFound, "Revision not found.")
	}
	return prev, cur, passerelle.RevisionChanges(prev, cur), nil
}

// publishedRevision returns the revision of the published practice that
// the working revision w updates as it was published when w started: its
// last before first, w's first submission; nil if it has none.
func (s *Service) publishedRevision(ctx context.Context, w *passerelle.Practice, first int) (*passerelle.Revision, error) {
	revs, err := store.ListRevisions(ctx, s.DB.Read, w.UpdateOf)
	if err != nil {
		return nil, err
	}
	var base *passerelle.Revision
	for i := range revs {
		if revs[i].Number < first {
			base = &revs[i]
		}
	}
	return base, nil
}
