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

// RecordQuery selects records of the OAI-PMH repository: every practice that
// was ever published, live or deleted, by the time what the public sees of
// it last changed. Empty fields do not filter.
type RecordQuery struct {
	Territory string // includes everything below it
	Theme     string
	Kind      string
	From      *time.Time // changed at or after
	Until     *time.Time // changed strictly before
	After     *store.RecordPosition
	Limit     int // 1..MaxHarvestPage; 0 means MaxHarvestPage
}

func (s *Service) recordFilter(ctx context.Context, q RecordQuery) (store.RecordFilter, error) {
	hf, err := s.harvestFilter(ctx, HarvestQuery{Territory: q.Territory, Theme: q.Theme, Kind: q.Kind, From: q.From, Until: q.Until, Limit: q.Limit})
	return store.RecordFilter{Territories: hf.Territories, Theme: hf.Theme, Kind: hf.Kind, From: hf.From, Until: hf.Until,
		After: q.After, Limit: hf.Limit}, err
}

// publicRecord returns what harvesters may know of p: all of a published
// practice; of a deleted record, only what its header says (identity, the
// time of the change, the sets it was in); nil for a practice never
// published.
func publicRecord(p *passerelle.Practice) *passerelle.Practice {
	switch p.RecordState() {
	case passerelle.RecordLive:
		return p
	case passerelle.RecordDeleted:
		return &passerelle.Practice{ID: p.ID, Kind: p.Kind, TerritoryCode: p.TerritoryCode, Themes: p.Themes,
			Status: p.Status, PublicChangedAt: p.PublicChangedAt}
	default:
		return nil
	}
}

// Records returns up to q.Limit records matching q, oldest change first,
// from q.After. Deleted records carry only what their header needs. Errors:
// validation_failed naming each unknown filter value.
func (s *Service) Records(ctx context.Context, q RecordQuery) ([]*passerelle.Practice, error) {
	f, err := s.recordFilter(ctx, q)
	if err != nil {
		return nil, err
	}
	items, err := store.ListRecords(ctx, s.DB.Read, f)
	if err != nil {
		return nil, err
	}
	for i, p := range items {
		items[i] = publicRecord(p)
	}
	return items, nil
}

// CountRecords returns how many records match q (q.After and q.Limit
// aside). Errors: as Records.
func (s *Service) CountRecords(ctx context.Context, q RecordQuery) (int, error) {
	q.After = nil
	f, err := s.recordFilter(ctx, q)
	if err != nil {
		return 0, err
	}
	return store.CountRecords(ctx, s.DB.Read, f)
}

// EarliestRecord returns the oldest datestamp of the repository, and false
// when it holds no record yet.
func (s *Service) EarliestRecord(ctx context.Context) (time.Time, bool, error) {
	return store.EarliestRecord(ctx, s.DB.Read)
}

// Record returns the record of the practice with id, as Records does.
// Errors: not_found for a practice that does not exist or was never
// published.
func (s *Service) Record(ctx context.Context, id int64) (*passerelle.Practice, error) {
	p, err := store.GetPractice(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if r := publicRecord(p); r != nil {
		return r, nil
	}
	return nil, passerelle.Errorf(passerelle.ENotFound, "Practice not found.")
}

// SettleRecords waits until every change to the records stamped before the
// time it returns can be read, and returns that time: the date of an
// OAI-PMH response, from which a harvester resumes without missing a change
// that was being committed while it read.
func (s *Service) SettleRecords(ctx context.Context) (time.Time, error) {
	return store.SettleChanges(ctx, s.DB)
}

// settingOAIRepository names the kept OAI-PMH repository identifier.
const settingOAIRepository = "oai_repository_id"

// OAIRepositoryID returns the repository identifier of the OAI-PMH
// identifiers when none is configured: the one recorded the first time the
// site was served from a domain name (host, when it is one, is recorded
// now), so that moving the site does not re-identify every record. ok is
// false when none is recorded and host is no domain name either.
func (s *Service) OAIRepositoryID(ctx context.Context, host string, isDomain bool) (id string, ok bool, err error) {
	if !isDomain {
		return store.Setting(ctx, s.DB.Read, settingOAIRepository)
	}
	id, err = store.KeptSetting(ctx, s.DB.Bun, settingOAIRepository, host)
	return id, err == nil, err
}

// LatestChange returns when what the public sees of the practices
// territory, theme and kind select last changed — a publication, an edit, a
// rename, a practice leaving publication — and false when none was ever
// published: the Last-Modified of their feeds and exports. Errors:
// validation_failed naming each unknown filter value.
func (s *Service) LatestChange(ctx context.Context, territory, theme, kind string) (time.Time, bool, error) {
	f, err := s.recordFilter(ctx, RecordQuery{Territory: territory, Theme: theme, Kind: kind})
	if err != nil {
		return time.Time{}, false, err
	}
	return store.LatestRecordChange(ctx, s.DB.Read, f)
}
