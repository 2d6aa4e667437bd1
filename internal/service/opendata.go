package service

import (
	"context"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// MaxHarvestPage bounds one page of Harvest, whatever the caller asks.
const MaxHarvestPage = 500

// HarvestQuery selects published practices for feeds, exports and
// harvesters (OAI-PMH). Empty fields do not filter.
type HarvestQuery struct {
	Territory string // includes everything below it
	Theme     string
	Kind      string
	From      *time.Time      // published at or after
	Until     *time.Time      // published strictly before
	After     *store.Position // continue after this practice
	// NewestFirst orders by publication, latest first (feeds, exports);
	// otherwise oldest first (harvesting, where new publications must come
	// last so that a walk in progress still sees them).
	NewestFirst bool
	Limit       int // 1..MaxHarvestPage; 0 means MaxHarvestPage
}

// HarvestPage is one page of published practices, with the place to continue
// from.
type HarvestPage struct {
	Items []*passerelle.Practice
	// Next is where the following page starts; nil on the last page.
	Next *store.Position
}

// harvestFilter validates q against the current territories and themes.
// Errors: validation_failed naming each unknown territory, theme or kind, and
// an until before from.
func (s *Service) harvestFilter(ctx context.Context, q HarvestQuery) (store.HarvestFilter, error) {
	f := store.HarvestFilter{Theme: q.Theme, Kind: passerelle.Kind(q.Kind), From: q.From, Until: q.Until,
		After: q.After, NewestFirst: q.NewestFirst, Limit: q.Limit}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return f, err
	}
	v := passerelle.Validation{}
	if q.Territory != "" {
		if f.Territories = snap.Tree().Subtree(q.Territory); f.Territories == nil {
			v.Add("territory", passerelle.FieldUnknown)
		}
	}
	if q.Theme != "" && snap.Theme(q.Theme) == nil {
		v.Add("theme", passerelle.FieldUnknown)
	}
	if q.Kind != "" && !passerelle.Kind(q.Kind).Valid() {
		v.Add("kind", passerelle.FieldUnknown)
	}
	if q.From != nil && q.Until != nil && q.Until.Before(*q.From) {
		v.Add("until", passerelle.FieldInvalid)
	}
	if f.Limit <= 0 || f.Limit > MaxHarvestPage {
		f.Limit = MaxHarvestPage
	}
	return f, v.Err()
}

// Harvest returns one page of published practices matching q, with their
// themes and authors' names. Archived and unpublished practices never
// appear. Errors: validation_failed naming each unknown filter value.
func (s *Service) Harvest(ctx context.Context, q HarvestQuery) (*HarvestPage, error) {
	f, err := s.harvestFilter(ctx, q)
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	f.Limit++ // one more, to learn whether a next page exists
	items, err := store.HarvestPractices(ctx, s.DB.Read, f)
	if err != nil {
		return nil, err
	}
	page := &HarvestPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		last := page.Items[limit-1]
		page.Next = &store.Position{PublishedAt: *last.PublishedAt, ID: last.ID}
	}
	return page, nil
}

// HarvestCount returns how many published practices match q (its After and
// Limit are ignored). Errors: as Harvest.
func (s *Service) HarvestCount(ctx context.Context, q HarvestQuery) (int, error) {
	q.After = nil
	f, err := s.harvestFilter(ctx, q)
	if err != nil {
		return 0, err
	}
	return store.CountHarvest(ctx, s.DB.Read, f)
}

// EarliestPublication returns when the first practice still published was
// published, and false when nothing is published.
func (s *Service) EarliestPublication(ctx context.Context) (time.Time, bool, error) {
	return store.EarliestPublication(ctx, s.DB.Read)
}

// MaxStubs bounds one call of PublishedStubs.
const MaxStubs = 5000

// PublishedStubs returns, by id, up to limit (at most MaxStubs) published
// practices with an id above afterID and, when maxID > 0, at most maxID: their
// id and last change, for sitemaps.
func (s *Service) PublishedStubs(ctx context.Context, afterID, maxID int64, limit int) ([]store.PageStub, error) {
	if limit <= 0 || limit > MaxStubs {
		limit = MaxStubs
	}
	return store.PublishedStubs(ctx, s.DB.Read, afterID, maxID, limit)
}

// PublishedIDChunks returns the non-empty blocks of size consecutive ids
// holding published practices, for a sitemap index.
func (s *Service) PublishedIDChunks(ctx context.Context, size int64) ([]store.IDChunk, error) {
	return store.PublishedIDChunks(ctx, s.DB.Read, size)
}
