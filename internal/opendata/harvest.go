package opendata

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
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

// Harvest serves the catalogue to OAI-PMH harvesters: it is the
// oai.Repository of every practice ever published — published ones with
// their metadata, archived or withdrawn ones as deleted records, kept for
// good (deletedRecord "persistent"). A record's datestamp is the last change
// of anything it disseminates (store: public_changed_at).
type Harvest struct {
	Service *service.Service
	Site    *Site
	// AdminEmail is the contact declared by Identify.
	AdminEmail string
	// RepositoryID is the repositoryIdentifier of the OAI identifiers
	// (--oai-repository-id). Empty: the host of the first domain-name base
	// URL the site was served from, which the database keeps, so that a
	// site that moves keeps its identifiers.
	RepositoryID string

	mu   sync.Mutex
	kept string // the repository identifier, once resolved
}

var (
	_ oai.Repository = (*Harvest)(nil)
	_ oai.Clock      = (*Harvest)(nil)
)

// domainPattern is the repositoryIdentifier of an oai-identifier: a domain
// name.
var domainPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$`)

// ValidRepositoryID reports whether id may be the repositoryIdentifier of
// OAI identifiers: a domain name, as the oai-identifier scheme asks.
func ValidRepositoryID(id string) bool { return domainPattern.MatchString(id) }

// repositoryID returns the repository identifier of the records and whether
// it is declared in Identify (a configured or kept domain name is; the
// fallback host of a site served from "localhost" or an address is not).
func (h *Harvest) repositoryID(ctx context.Context) (string, bool, error) {
	if h.RepositoryID != "" {
		return h.RepositoryID, true, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.kept != "" {
		return h.kept, true, nil
	}
	host := "localhost"
	if u, err := url.Parse(h.Site.BaseURL); err == nil && u.Hostname() != "" {
		host = strings.ToLower(u.Hostname())
	}
	id, ok, err := h.Service.OAIRepositoryID(ctx, host, ValidRepositoryID(host))
	if err != nil {
		return "", false, err
	}
	if !ok {
		return host, false, nil
	}
	h.kept = id
	return id, true, nil
}

// identifierPrefix precedes the id of a practice in its OAI identifier.
func identifierPrefix(repo string) string { return "oai:" + repo + ":practice/" }

// Identifier returns the OAI identifier of the practice with id, e.g.
// "oai:passerelle.example.org:practice/42".
func (h *Harvest) Identifier(ctx context.Context, id int64) (string, error) {
	repo, _, err := h.repositoryID(ctx)
	return identifierPrefix(repo) + strconv.FormatInt(id, 10), err
}

// practiceID reads an identifier made by Identifier.
func practiceID(repo, identifier string) (int64, bool) {
	rest, ok := strings.CutPrefix(identifier, identifierPrefix(repo))
	if !ok || rest == "" || rest[0] == '0' || rest[0] == '+' {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// Formats returns the metadata formats served: simple Dublin Core, and
// qualified Dublin Core whose container schema the site serves at
// /oai/qdc.xsd.
func (h *Harvest) Formats() []oai.Format {
	return []oai.Format{oai.FormatDC, oai.FormatQDC(h.Site.URL(QDCSchemaPath))}
}

// QDCSchemaPath is where the site serves oai.QDCSchema.
const QDCSchemaPath = "/oai/qdc.xsd"

// Now waits until every change datestamped before the time it returns can
// be read (see service.SettleRecords).
func (h *Harvest) Now(ctx context.Context) (time.Time, error) { return h.Service.SettleRecords(ctx) }

// Identify describes the repository; its earliest datestamp is its oldest
// record's.
func (h *Harvest) Identify(ctx context.Context) (*oai.Identity, error) {
	earliest, ok, err := h.Service.EarliestRecord(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		earliest = time.Unix(0, 0).UTC()
	}
	id := &oai.Identity{Name: h.Site.Name, AdminEmails: []string{h.AdminEmail}, Earliest: earliest,
		DeletedRecord: oai.DeletedPersistent}
	repo, declared, err := h.repositoryID(ctx)
	if err != nil {
		return nil, err
	}
	if declared {
		id.RepositoryIdentifier, id.SampleIdentifier = repo, identifierPrefix(repo)+"1"
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
	snap.Tree().Walk(func(t *passerelle.Territory, _ int) bool {
		sets = append(sets, oai.Set{Spec: SetTerritory + ":" + t.Code, Name: t.Name})
		return true
	})
	for _, t := range snap.Themes() {
		sets = append(sets, oai.Set{Spec: SetTheme + ":" + t.Slug, Name: t.Name})
	}
	for _, k := range []passerelle.Kind{passerelle.KindExperience, passerelle.KindTool} {
		sets = append(sets, oai.Set{Spec: SetKind + ":" + string(k), Name: h.Site.Label("kind."+string(k), string(k))})
	}
	return sets, nil
}

// recordQuery translates an OAI query; ok is false for a set that cannot
// hold anything.
func recordQuery(q oai.Query) (rq service.RecordQuery, ok bool) {
	rq = service.RecordQuery{From: q.From, Until: q.Until, Limit: q.Limit}
	if q.After != nil {
		rq.After = &store.RecordPosition{ChangedAt: q.After.Datestamp, ID: q.After.Key}
	}
	if q.Set == "" || q.Set == SetTerritory || q.Set == SetTheme || q.Set == SetKind {
		return rq, true
	}
	family, value, found := strings.Cut(q.Set, ":")
	if !found || value == "" || strings.Contains(value, ":") {
		return rq, false
	}
	switch family {
	case SetTerritory:
		rq.Territory = value
	case SetTheme:
		rq.Theme = value
	case SetKind:
		rq.Kind = value
	default:
		return rq, false
	}
	return rq, true
}

// List returns one page of records, oldest change first. A set naming an
// unknown territory, theme or kind holds nothing.
func (h *Harvest) List(ctx context.Context, q oai.Query) ([]oai.Record, error) {
	rq, ok := recordQuery(q)
	if !ok {
		return nil, nil
	}
	items, err := h.Service.Records(ctx, rq)
	if passerelle.ErrorCode(err) == passerelle.EValidation {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	snap, err := h.Service.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	repo, _, err := h.repositoryID(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]oai.Record, len(items))
	for i, p := range items {
		out[i] = h.record(repo, snap, p, q.MetadataPrefix)
	}
	return out, nil
}

// Count returns how many records q matches.
func (h *Harvest) Count(ctx context.Context, q oai.Query) (int, error) {
	rq, ok := recordQuery(q)
	if !ok {
		return 0, nil
	}
	n, err := h.Service.CountRecords(ctx, rq)
	if passerelle.ErrorCode(err) == passerelle.EValidation {
		return 0, nil
	}
	return n, err
}

// Get returns the record of a practice ever published, or oai.ErrNotFound.
func (h *Harvest) Get(ctx context.Context, identifier, prefix string) (*oai.Record, error) {
	repo, _, err := h.repositoryID(ctx)
	if err != nil {
		return nil, err
	}
	id, ok := practiceID(repo, identifier)
	if !ok {
		return nil, oai.ErrNotFound
	}
	p, err := h.Service.Record(ctx, id)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return nil, oai.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	snap, err := h.Service.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	rec := h.record(repo, snap, p, prefix)
	return &rec, nil
}

// record describes a practice in the format of prefix: a deleted record is
// its header alone.
func (h *Harvest) record(repo string, snap *authz.Snapshot, p *passerelle.Practice, prefix string) oai.Record {
	at := published(p)
	if p.PublicChangedAt != nil {
		at = p.PublicChangedAt.UTC()
	}
	rec := oai.Record{
		Header:   oai.Header{Identifier: identifierPrefix(repo) + strconv.FormatInt(p.ID, 10), Datestamp: at},
		Position: oai.Position{Datestamp: at, Key: p.ID},
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
	switch {
	case p.RecordState() != passerelle.RecordLive:
		rec.Header.Deleted = true
	case prefix == oai.MetadataPrefixQDC:
		rec.Metadata = QualifiedDublinCore(h.Site, snap, p)
	default:
		rec.Metadata = DublinCore(h.Site, snap, p)
	}
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
			if codes := languageCodes(t.Languages); len(codes) > 0 {
				languages = codes
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

// dcmiType returns the DCMI Type Vocabulary term of a practice: a text,
// unless it is a game (an interactive resource) or a video.
func dcmiType(p *passerelle.Practice) string {
	if t := p.Tool; t != nil && p.Kind == passerelle.KindTool {
		switch t.Format {
		case "game":
			return "InteractiveResource"
		case "video":
			return "MovingImage"
		}
	}
	return "Text"
}

// licenseURL returns the page of an SPDX licence, or "" for a licence SPDX
// does not list (LicenseRef-…).
func licenseURL(id string) string {
	if id == "" || strings.HasPrefix(id, "LicenseRef-") {
		return ""
	}
	return "https://spdx.org/licenses/" + url.PathEscape(id) + ".html"
}

// QualifiedDublinCore describes a published practice in DCMI Metadata Terms
// (the qdc format): what simple Dublin Core says, refined — the summary as
// abstract, the body as description, publication and last change as
// issued and modified, the territory and every territory above it as
// spatial coverage, the period of an experience as temporal coverage, the
// audience, extent and licence of a tool — each with its encoding scheme.
func QualifiedDublinCore(site *Site, voc Vocabulary, p *passerelle.Practice) oai.QDC {
	lang := site.Lang
	q := oai.QDC{SchemaURL: site.URL(QDCSchemaPath)}
	add := func(name, value, scheme, l string) {
		if value != "" {
			q.Terms = append(q.Terms, oai.Term{Name: name, Value: value, Scheme: scheme, Lang: l})
		}
	}
	add("title", p.Title, "", lang)
	add("creator", p.AuthorName, "", "")
	for _, slug := range p.Themes {
		add("subject", themeName(voc, slug), "", lang)
	}
	add("abstract", p.Summary, "", lang)
	add("description", p.Body, "", lang)
	add("publisher", site.Name, "", "")
	add("issued", published(p).Format(time.RFC3339), "W3CDTF", "")
	if p.PublicChangedAt != nil {
		add("modified", p.PublicChangedAt.UTC().Format(time.RFC3339), "W3CDTF", "")
	}
	add("type", dcmiType(p), "DCMIType", "")
	add("type", site.Label("kind."+string(p.Kind), string(p.Kind)), "", lang)
	add("format", "text/html", "IMT", "")
	add("identifier", site.PracticeURL(p.ID), "URI", "")
	for _, c := range voc.Tree().Chain(p.TerritoryCode) {
		add("spatial", territoryName(voc, c), "", lang)
	}
	languages := []string{lang}
	switch p.Kind {
	case passerelle.KindExperience:
		if e := p.Experience; e != nil {
			for _, partner := range e.Partners {
				add("contributor", partner, "", "")
			}
			if e.StartedOn != nil || e.EndedOn != nil {
				add("temporal", period(e.StartedOn, e.EndedOn), "Period", "")
			}
		}
	case passerelle.KindTool:
		if t := p.Tool; t != nil {
			add("type", site.Label("format."+t.Format, t.Format), "", lang)
			for _, a := range t.Audience {
				add("audience", a, "", lang)
			}
			add("extent", t.Duration, "", lang)
			add("license", licenseURL(t.License), "URI", "")
			add("rights", t.License, "", "")
			if codes := languageCodes(t.Languages); len(codes) > 0 {
				languages = codes
			}
		}
	}
	for _, l := range languages {
		add("language", l, "RFC5646", "")
	}
	return q
}

// period writes a DCMI Period: "start=2024-01-15; end=2024-06-30;
// scheme=W3C-DTF;".
func period(start, end *time.Time) string {
	var b strings.Builder
	if start != nil {
		b.WriteString("start=" + start.Format(time.DateOnly) + "; ")
	}
	if end != nil {
		b.WriteString("end=" + end.Format(time.DateOnly) + "; ")
	}
	b.WriteString("scheme=W3C-DTF;")
	return b.String()
}
