package opendata

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/opendata/oai"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
)

// The families of OAI-PMH sets. A practice is in territory:<code> for its
// territory and every territory above it, in theme:<slug> for each of its
// themes, and in kind:<kind>. The bare family names are the parents of their
// members, as the protocol's colon asks, and hold every published practice.
const (
	SetTerritory = "territory"
	SetTheme     = "theme"
	SetKind      = "kind"
)

// Harvest serves the published practices to OAI-PMH harvesters: it is the
// oai.Repository of the catalogue.
type Harvest struct {
	Service *service.Service
	Site    *Site
	// AdminEmail is the contact declared by Identify.
	AdminEmail string
}

var _ oai.Repository = (*Harvest)(nil)

// domainPattern is the repositoryIdentifier of an oai-identifier: a domain
// name.
var domainPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$`)

// repositoryID returns the host of the base URL, which names the repository
// in its identifiers, and whether it is a domain name (an IP address or
// "localhost" is not, and is then not declared in Identify).
func (h *Harvest) repositoryID() (string, bool) {
	host := "localhost"
	if u, err := url.Parse(h.Site.BaseURL); err == nil && u.Hostname() != "" {
		host = strings.ToLower(u.Hostname())
	}
	return host, domainPattern.MatchString(host)
}

// identifierPrefix precedes the id of a practice in its OAI identifier.
func (h *Harvest) identifierPrefix() string {
	id, _ := h.repositoryID()
	return "oai:" + id + ":practice/"
}

// Identifier returns the OAI identifier of the practice with id, e.g.
// "oai:passerelle.example.org:practice/42".
func (h *Harvest) Identifier(id int64) string {
	return h.identifierPrefix() + strconv.FormatInt(id, 10)
}

// practiceID reads an identifier made by Identifier.
func (h *Harvest) practiceID(identifier string) (int64, bool) {
	rest, ok := strings.CutPrefix(identifier, h.identifierPrefix())
	if !ok || rest == "" || rest[0] == '0' || rest[0] == '+' {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// Identify describes the repository; its earliest datestamp is the first
// publication still published.
func (h *Harvest) Identify(ctx context.Context) (*oai.Identity, error) {
	earliest, ok, err := h.Service.EarliestPublication(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		earliest = time.Unix(0, 0).UTC()
	}
	id := &oai.Identity{Name: h.Site.Name, AdminEmails: []string{h.AdminEmail}, Earliest: earliest}
	if repo, isDomain := h.repositoryID(); isDomain {
		id.RepositoryIdentifier, id.SampleIdentifier = repo, h.Identifier(1)
	}
	return id, nil
}

// Sets returns the families and one set per territory, theme and kind.
func (h *Harvest) Sets(ctx context.Context) ([]oai.Set, error) {
	snap, err := h.Service.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	sets := []oai.Set{
		{Spec: SetTerritory, Name: h.Site.Label("territories", "Territories")},
		{Spec: SetTheme, Name: h.Site.Label("themes", "Themes")},
		{Spec: SetKind, Name: h.Site.Label("kinds", "Kinds")},
	}
	tree := snap.Tree()
	var walk func(codes []string)
	walk = func(codes []string) {
		for _, c := range codes {
			sets = append(sets, oai.Set{Spec: SetTerritory + ":" + c, Name: tree.Get(c).Name})
			walk(tree.Children(c))
		}
	}
	walk(tree.Roots())
	for _, t := range snap.Themes() {
		sets = append(sets, oai.Set{Spec: SetTheme + ":" + t.Slug, Name: t.Name})
	}
	for _, k := range []passerelle.Kind{passerelle.KindExperience, passerelle.KindTool} {
		sets = append(sets, oai.Set{Spec: SetKind + ":" + string(k), Name: h.Site.Label("kind."+string(k), string(k))})
	}
	return sets, nil
}

// harvestQuery translates an OAI query; ok is false for a set that cannot
// hold anything.
func harvestQuery(q oai.Query) (hq service.HarvestQuery, ok bool) {
	hq = service.HarvestQuery{From: q.From, Until: q.Until, Limit: q.Limit}
	if q.After != nil {
		hq.After = &store.Position{PublishedAt: q.After.Datestamp, ID: q.After.Key}
	}
	if q.Set == "" || q.Set == SetTerritory || q.Set == SetTheme || q.Set == SetKind {
		return hq, true
	}
	family, value, found := strings.Cut(q.Set, ":")
	if !found || value == "" || strings.Contains(value, ":") {
		return hq, false
	}
	switch family {
	case SetTerritory:
		hq.Territory = value
	case SetTheme:
		hq.Theme = value
	case SetKind:
		hq.Kind = value
	default:
		return hq, false
	}
	return hq, true
}

// List returns one page of records, oldest publication first. A set naming
// an unknown territory, theme or kind holds nothing.
func (h *Harvest) List(ctx context.Context, q oai.Query) ([]oai.Record, error) {
	hq, ok := harvestQuery(q)
	if !ok {
		return nil, nil
	}
	page, err := h.Service.Harvest(ctx, hq)
	if passerelle.ErrorCode(err) == passerelle.EValidation {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	snap, err := h.Service.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]oai.Record, len(page.Items))
	for i, p := range page.Items {
		out[i] = h.Record(snap, p)
	}
	return out, nil
}

// Count returns how many records q matches.
func (h *Harvest) Count(ctx context.Context, q oai.Query) (int, error) {
	hq, ok := harvestQuery(q)
	if !ok {
		return 0, nil
	}
	n, err := h.Service.HarvestCount(ctx, hq)
	if passerelle.ErrorCode(err) == passerelle.EValidation {
		return 0, nil
	}
	return n, err
}

// Get returns the record of a published practice, or oai.ErrNotFound.
func (h *Harvest) Get(ctx context.Context, identifier string) (*oai.Record, error) {
	id, ok := h.practiceID(identifier)
	if !ok {
		return nil, oai.ErrNotFound
	}
	p, err := h.Service.Practice(ctx, nil, id)
	if passerelle.ErrorCode(err) == passerelle.ENotFound || (err == nil && !p.Published()) {
		return nil, oai.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	snap, err := h.Service.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	rec := h.Record(snap, p)
	return &rec, nil
}

// Record describes a published practice in Dublin Core. The datestamp is its
// publication: a published practice does not change afterwards.
func (h *Harvest) Record(snap *authz.Snapshot, p *passerelle.Practice) oai.Record {
	at := published(p)
	rec := oai.Record{
		Header:   oai.Header{Identifier: h.Identifier(p.ID), Datestamp: at},
		Position: oai.Position{Datestamp: at, Key: p.ID},
		Metadata: DublinCore(h.Site, snap, p),
	}
	if p.TerritoryCode != "" {
		chain := snap.Tree().Chain(p.TerritoryCode)
		slices.Reverse(chain)
		for _, c := range chain {
			rec.Header.SetSpecs = append(rec.Header.SetSpecs, SetTerritory+":"+c)
		}
	}
	for _, slug := range p.Themes {
		rec.Header.SetSpecs = append(rec.Header.SetSpecs, SetTheme+":"+slug)
	}
	rec.Header.SetSpecs = append(rec.Header.SetSpecs, SetKind+":"+string(p.Kind))
	return rec
}

// DublinCore describes a practice in simple Dublin Core (oai_dc).
func DublinCore(site *Site, voc Vocabulary, p *passerelle.Practice) oai.DC {
	dc := oai.DC{
		Title:       []string{p.Title},
		Publisher:   []string{site.Name},
		Date:        []string{published(p).Format(time.DateOnly)},
		Format:      []string{"text/html"},
		Identifier:  []string{site.PracticeURL(p.ID)},
		Description: nonEmpty(p.Summary),
		Creator:     nonEmpty(p.AuthorName),
	}
	for _, slug := range p.Themes {
		dc.Subject = append(dc.Subject, themeName(voc, slug))
	}
	if p.TerritoryCode != "" {
		dc.Coverage = []string{territoryName(voc, p.TerritoryCode)}
	}
	// The DCMI Type Vocabulary first, then the platform's own kind.
	dcmi := "Text"
	languages := nonEmpty(site.Lang)
	switch p.Kind {
	case passerelle.KindExperience:
		if e := p.Experience; e != nil {
			dc.Contributor = append(dc.Contributor, e.Partners...)
		}
	case passerelle.KindTool:
		if t := p.Tool; t != nil {
			switch t.Format {
			case "game":
				dcmi = "InteractiveResource"
			case "video":
				dcmi = "MovingImage"
			}
			if t.License != "" {
				dc.Rights = append(dc.Rights, t.License)
			}
			if len(t.Languages) > 0 {
				languages = t.Languages
			}
		}
	}
	dc.Type = []string{dcmi, site.Label("kind."+string(p.Kind), string(p.Kind))}
	if t := p.Tool; t != nil && p.Kind == passerelle.KindTool && t.Format != "" {
		dc.Type = append(dc.Type, site.Label("format."+t.Format, t.Format))
	}
	dc.Language = languages
	return dc
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
