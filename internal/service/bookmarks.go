package service

import (
	"context"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// MaxBookmarks is how many bookmarks "Mes favoris" lists.
const MaxBookmarks = 500

// SaveBookmark keeps a practice actor may see in actor's own bookmarks,
// with a note of theirs (or changes the note). Errors: unauthenticated;
// not_found (a practice actor may not see); validation_failed on "note".
func (s *Service) SaveBookmark(ctx context.Context, actor Actor, practiceID int64, note string) error {
	if actor == nil {
		return SignInNeeded()
	}
	if _, _, err := s.load(ctx, s.DB.Read, actor, practiceID); err != nil {
		return err
	}
	now := store.Now()
	b := &passerelle.Bookmark{UserID: actor.ID, PracticeID: practiceID, Note: note, CreatedAt: now, UpdatedAt: now}
	b.Normalize()
	if err := b.Validate(); err != nil {
		return err
	}
	return store.SaveBookmark(ctx, s.DB.Bun, b)
}

// RemoveBookmark takes a practice out of actor's own bookmarks. Errors:
// unauthenticated.
func (s *Service) RemoveBookmark(ctx context.Context, actor Actor, practiceID int64) error {
	if actor == nil {
		return SignInNeeded()
	}
	return store.DeleteBookmark(ctx, s.DB.Bun, actor.ID, practiceID)
}

// Bookmark returns actor's own bookmark of a practice, or nil (and nil for
// an anonymous reader): nobody reads another's.
func (s *Service) Bookmark(ctx context.Context, actor Actor, practiceID int64) (*passerelle.Bookmark, error) {
	if actor == nil {
		return nil, nil
	}
	return store.GetBookmark(ctx, s.DB.Read, actor.ID, practiceID)
}

// Bookmarks lists actor's own bookmarks, latest first, each with its
// practice; those of practices actor may no longer see are left out (and
// kept, should the practice come back). Errors: unauthenticated.
func (s *Service) Bookmarks(ctx context.Context, actor Actor) ([]passerelle.Bookmark, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	all, err := store.ListBookmarks(ctx, s.DB.Read, actor.ID, MaxBookmarks)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, b := range all {
		p, _, err := s.load(ctx, s.DB.Read, actor, b.PracticeID)
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			continue
		} else if err != nil {
			return nil, err
		}
		b.Practice = p
		out = append(out, b)
	}
	return out, nil
}
