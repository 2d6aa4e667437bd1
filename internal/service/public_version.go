package service

import (
	"context"

	"github.com/passerelle/passerelle/internal/store"
)

// PublicVersion returns the version of what every anonymous visitor is
// shown (store.PublicVersion): equal versions, equal public pages, in any
// process over the same database. The web layer keys its shared cache of
// rendered public pages by it.
func (s *Service) PublicVersion(ctx context.Context) (string, error) {
	return store.PublicVersion(ctx, s.DB.Read)
}
