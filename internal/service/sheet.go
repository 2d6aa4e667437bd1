package service

import (
	"context"

	"github.com/passerelle/passerelle/internal/passerelle"
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
