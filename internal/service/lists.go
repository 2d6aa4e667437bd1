package service

import (
	"context"
	"strconv"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// PerPage is the size of a page of practices.
const PerPage = 20

// ListQuery filters the published practices. Empty fields do not filter.
type ListQuery struct {
	Territory string // includes everything below it
	Theme     string
	Kind      string
	Q         string
	Page      string // 1-based, as received
}

// ListResult is one page of published practices.
type ListResult struct {
	Items   []*passerelle.Practice
	Total   int
	Page    int
	PerPage int
	Facets  map[string][]store.Facet
}

// Published lists published practices, newest first. Errors:
// validation_failed naming each unknown filter value.
func (s *Service) Published(ctx context.Context, q ListQuery, withFacets bool) (*ListResult, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	v := passerelle.Validation{}
	f := store.PracticeFilter{Statuses: []passerelle.Status{passerelle.StatusPublished}, Query: q.Q, Limit: PerPage}
	if q.Territory != "" {
		if f.Territories = snap.Tree().Subtree(q.Territory); f.Territories == nil {
			v.Add("territory", passerelle.FieldUnknown)
		}
	}
	if q.Theme != "" && snap.Theme(q.Theme) == nil {
		v.Add("theme", passerelle.FieldUnknown)
	}
	f.Theme = q.Theme
	if q.Kind != "" && !passerelle.Kind(q.Kind).Valid() {
		v.Add("kind", passerelle.FieldUnknown)
	}
	f.Kind = passerelle.Kind(q.Kind)
	page := 1
	if q.Page != "" {
		n, err := strconv.Atoi(q.Page)
		if err != nil || n < 1 || n > 10_000 {
			v.Add("page", passerelle.FieldInvalid)
		}
		page = n
	}
	if len(q.Q) > 500 {
		v.Add("q", passerelle.FieldTooLong)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	f.Offset = (page - 1) * PerPage
	items, total, err := store.ListPractices(ctx, s.DB.Read, f)
	if err != nil {
		return nil, err
	}
	res := &ListResult{Items: items, Total: total, Page: page, PerPage: PerPage}
	if withFacets {
		if res.Facets, err = store.Facets(ctx, s.DB.Read, f); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// CountsByTerritory returns the number of published practices in each
// territory and everything below it.
func (s *Service) CountsByTerritory(ctx context.Context) (map[string]int, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	direct, err := store.CountByTerritory(ctx, s.DB.Read, store.PracticeFilter{Statuses: []passerelle.Status{passerelle.StatusPublished}})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for code, n := range direct {
		for _, c := range snap.Tree().Chain(code) {
			out[c] += n
		}
	}
	return out, nil
}

// ReviewQueue lists the submitted practices of the territories actor
// moderates, oldest first. Errors: unauthenticated, forbidden (no moderator
// role anywhere).
func (s *Service) ReviewQueue(ctx context.Context, actor Actor) ([]*passerelle.Practice, error) {
	if actor == nil {
		return nil, unauthenticated()
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	scopes := snap.Scopes(actor, passerelle.PermReadQueue)
	if len(scopes) == 0 {
		return nil, forbidden("You are not a moderator.")
	}
	items, _, err := store.ListPractices(ctx, s.DB.Read, store.PracticeFilter{
		Statuses: []passerelle.Status{passerelle.StatusSubmitted}, Territories: scopes, OldestFirst: true, Limit: 500})
	return items, err
}

// MyPractices lists actor's own practices, latest change first, with the
// latest moderator comment on each.
func (s *Service) MyPractices(ctx context.Context, actor Actor) ([]*passerelle.Practice, map[int64]string, error) {
	if actor == nil {
		return nil, nil, unauthenticated()
	}
	items, _, err := store.ListPractices(ctx, s.DB.Read, store.PracticeFilter{AuthorID: actor.ID, Limit: 500})
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(items))
	for i, p := range items {
		ids[i] = p.ID
	}
	comments, err := store.LatestComments(ctx, s.DB.Read, ids)
	return items, comments, err
}

// LatestComment returns the latest moderator comment on a practice, for its
// author.
func (s *Service) LatestComment(ctx context.Context, id int64) (string, error) {
	m, err := store.LatestComments(ctx, s.DB.Read, []int64{id})
	return m[id], err
}

// Notifications returns actor's notifications, newest first, and the unread
// count.
func (s *Service) Notifications(ctx context.Context, actor Actor) ([]passerelle.Notification, int, error) {
	if actor == nil {
		return nil, 0, unauthenticated()
	}
	return store.ListNotifications(ctx, s.DB.Read, actor.ID, 100)
}

// UnreadCount returns the number of actor's unread notifications.
func (s *Service) UnreadCount(ctx context.Context, actor Actor) (int, error) {
	if actor == nil {
		return 0, nil
	}
	return store.UnreadCount(ctx, s.DB.Read, actor.ID)
}

// MarkRead marks some (or, with no ids, all) of actor's notifications read.
func (s *Service) MarkRead(ctx context.Context, actor Actor, ids ...int64) error {
	if actor == nil {
		return unauthenticated()
	}
	return store.MarkNotificationsRead(ctx, s.DB.Bun, actor.ID, ids)
}
