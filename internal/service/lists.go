package service

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/search"
	"github.com/passerelle/passerelle/internal/store"
)

// PerPage is the size of a page of practices.
const PerPage = 20

// MaxPage is the deepest page of a public list: pages are read with an
// offset, which costs more the deeper it goes; 500 pages of 20 are more than
// anyone browses, and the whole catalogue is harvested through the feeds,
// the export and OAI-PMH instead.
const MaxPage = store.MaxOffset/PerPage + 1

// SnippetLength is the length of the extract shown under a search result,
// in characters.
const SnippetLength = 220

// ListQuery filters the published practices. Empty fields do not filter.
type ListQuery struct {
	Territory string // includes everything below it
	Theme     string
	Kind      string
	Format    string // of a tool: kit, game, guide, video, training, other
	Audience  string // of a tool, whatever its case and accents
	Year      string // of publication
	Q         string
	// Sort orders a search: "relevance" (the default) or "date" (newest
	// publication first). Lists without a search are always by date.
	Sort string
	Page string // 1-based, as received
}

// ListResult is one page of published practices.
type ListResult struct {
	Items   []*passerelle.Practice
	Total   int
	Page    int
	PerPage int
	Facets  map[string][]store.Facet
	// Snippets holds, with a search, an extract of each item's text around
	// the words found, as HTML (escaped text, matches in <mark>).
	Snippets map[int64]string
	// Ignored lists the words of the search left out as too common ("le",
	// "des") or beyond the number of words searched.
	Ignored []string
}

// Published lists published practices, best match first with a search,
// newest first otherwise. Errors: validation_failed naming each unknown or
// malformed filter value; invalid_request when a search runs out of time.
// The search text itself is never refused: what cannot be searched in it is
// ignored (see search.Parse).
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
	if q.Format != "" && !slices.Contains(passerelle.Formats, q.Format) {
		v.Add("format", passerelle.FieldUnknown)
	}
	f.Format = q.Format
	if f.Audience = strings.TrimSpace(q.Audience); utf8.RuneCountInString(f.Audience) > 200 {
		v.Add("audience", passerelle.FieldTooLong)
	}
	if q.Year != "" {
		// Years are those of publication: none before the platform's
		// predecessors, none in the future.
		y, err := strconv.Atoi(q.Year)
		if err != nil || y < 1900 || y > time.Now().Year()+1 {
			v.Add("year", passerelle.FieldInvalid)
		}
		f.Year = y
	}
	switch q.Sort {
	case "", "relevance":
	case "date":
		f.ByDate = true
	default:
		v.Add("sort", passerelle.FieldUnknown)
	}
	if strings.TrimSpace(q.Q) != "" {
		f.Named = namedBy(snap.Tree(), snap.Themes(), search.Parse(q.Q))
	}
	page := 1
	if q.Page != "" {
		n, err := strconv.Atoi(q.Page)
		if err != nil || n < 1 || n > MaxPage {
			v.Add("page", passerelle.FieldInvalid)
		}
		page = n
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	f.Offset = (page - 1) * PerPage
	found, err := store.FindPractices(ctx, s.DB, f, withFacets)
	if err != nil {
		return nil, err
	}
	res := &ListResult{Items: found.Items, Total: found.Total, Page: page, PerPage: PerPage, Facets: found.Facets}
	if strings.TrimSpace(q.Q) != "" {
		sq := search.Parse(q.Q)
		res.Ignored = sq.Ignored
		res.Snippets = make(map[int64]string, len(res.Items))
		for _, p := range res.Items {
			res.Snippets[p.ID] = snippet(p, sq)
		}
	}
	return res, nil
}

// namedBy resolves what each term of sq names among the territories (with
// everything below each) and the themes, for the search to find practices
// by where they come from and what they are about: "Nord" finds every
// practice of the Nord and of its towns and neighbourhoods.
func namedBy(tree *passerelle.Tree, themes []passerelle.Theme, sq search.Query) []store.TermNames {
	idx := namesOf(tree, themes)
	out := make([]store.TermNames, len(sq.Terms))
	for i, term := range sq.Terms {
		seen := map[string]bool{}
		for _, k := range term.FirstKeys() {
			for _, t := range idx.territories[k] {
				if seen[t.Code] || !term.Names(t.Name) {
					continue
				}
				for _, c := range tree.Subtree(t.Code) {
					if !seen[c] {
						seen[c] = true
						out[i].Territories = append(out[i].Territories, c)
					}
				}
			}
			for _, th := range idx.themes[k] {
				if !slices.Contains(out[i].Themes, th.Slug) && term.Names(th.Name) {
					out[i].Themes = append(out[i].Themes, th.Slug)
				}
			}
		}
	}
	return out
}

// nameIndex files the territories and themes of one snapshot under the
// stems of their names (search.Keys), so that a search looks up the few a
// word may name rather than reading every name.
type nameIndex struct {
	tree        *passerelle.Tree
	themeList   []passerelle.Theme
	territories map[string][]*passerelle.Territory
	themes      map[string][]passerelle.Theme
}

// lastNames is the index of the latest snapshot: snapshots change when
// territories, themes or roles do, far less often than readers search.
var lastNames atomic.Pointer[nameIndex]

func namesOf(tree *passerelle.Tree, themes []passerelle.Theme) *nameIndex {
	if idx := lastNames.Load(); idx != nil && idx.tree == tree && len(idx.themeList) == len(themes) &&
		(len(themes) == 0 || &idx.themeList[0] == &themes[0]) {
		return idx
	}
	idx := &nameIndex{tree: tree, themeList: themes, territories: map[string][]*passerelle.Territory{}, themes: map[string][]passerelle.Theme{}}
	tree.Walk(func(t *passerelle.Territory, _ int) bool {
		for _, k := range search.Keys(t.Name) {
			idx.territories[k] = append(idx.territories[k], t)
		}
		return true
	})
	for _, th := range themes {
		for _, k := range search.Keys(th.Name) {
			idx.themes[k] = append(idx.themes[k], th)
		}
	}
	lastNames.Store(idx)
	return idx
}

// snippet returns the extract of p shown under a search result: from the
// summary when a word found is there, else from the body or the sheet, else
// the start of the summary.
func snippet(p *passerelle.Practice, q search.Query) string {
	texts := []string{p.Summary, search.PlainText(p.Body)}
	if e := p.Experience; e != nil {
		texts = append(texts, e.Context, e.Actions, e.Results, e.Lessons)
	}
	if t := p.Tool; t != nil {
		texts = append(texts, strings.Join(t.Audience, ", "))
	}
	for _, t := range texts {
		if html, found := search.Highlight(t, q, SnippetLength); found {
			return html
		}
	}
	html, _ := search.Highlight(p.Summary, q, SnippetLength)
	return html
}

// CountsByTerritory returns the number of published practices in each
// territory and everything below it.
func (s *Service) CountsByTerritory(ctx context.Context) (map[string]int, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	direct, err := store.PublishedCountByTerritory(ctx, s.DB)
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
	items, _, err := store.ListPractices(ctx, s.DB.Read, store.PracticeFilter{
		Statuses: []passerelle.Status{passerelle.StatusSubmitted}, Territories: scopes, OldestFirst: true, Limit: 500})
	return items, err
}

// MyPractices lists actor's own practices, latest change first, with the
// latest moderator comment on each.
func (s *Service) MyPractices(ctx context.Context, actor Actor) ([]*passerelle.Practice, map[int64]string, error) {
	if actor == nil {
		return nil, nil, SignInNeeded()
	}
	items, _, err := store.ListPractices(ctx, s.DB.Read, store.PracticeFilter{AuthorID: actor.ID, Limit: 500})
	if err != nil {
		return nil, nil, err
	}
	// A merged update is the published sheet now, listed as such.
	items = slices.DeleteFunc(items, func(p *passerelle.Practice) bool { return p.Status == passerelle.StatusMerged })
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
		return nil, 0, SignInNeeded()
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
		return SignInNeeded()
	}
	return store.MarkNotificationsRead(ctx, s.DB.Bun, actor.ID, ids)
}
