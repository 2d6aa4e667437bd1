// Package opendata publishes the catalogue of published practices in open
// formats, for feed readers, spreadsheets, search engines and documentation
// centres: Atom feeds, CSV exports, sitemaps, and the Dublin Core records and
// sets served over OAI-PMH by package oai (schema.org JSON-LD is in package
// jsonld). It renders what the service returns; it decides nothing about who
// may see what — only published practices are ever given to it.
package opendata

import (
	"net/url"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
)

// Site describes the platform in the documents: its public address and the
// words of its vocabulary, in the language of the catalogue (French).
type Site struct {
	BaseURL     string // public URL, without a trailing slash
	Name        string // "Passerelle"
	Description string
	Lang        string // of the catalogue: "fr"
	// Labels of the vocabulary: "kind.experience", "kind.tool",
	// "format.<format>", and the names of the families of sets:
	// "territories", "themes", "kinds". A missing label falls back to the
	// value itself.
	Labels map[string]string
}

// Label returns the label of key, or fallback when there is none.
func (s *Site) Label(key, fallback string) string {
	if l, ok := s.Labels[key]; ok && l != "" {
		return l
	}
	return fallback
}

// URL returns the absolute URL of path on the site.
func (s *Site) URL(path string) string { return strings.TrimRight(s.BaseURL, "/") + path }

// PracticeURL returns the page of a practice for people.
func (s *Site) PracticeURL(id int64) string { return jobs.PracticeURL(s.BaseURL, id) }

// TerritoryURL returns the page of a territory for people.
func (s *Site) TerritoryURL(code string) string { return s.URL("/territoires/" + code) }

// ThemeURL returns the page of a theme.
func (s *Site) ThemeURL(slug string) string { return s.URL("/themes/" + url.PathEscape(slug)) }

// BrowsePages are the browsing pages listed in the sitemap besides the home
// page, the territories and the themes.
var BrowsePages = []string{"/territoires", "/themes", "/outils", "/recherche", "/rencontres"}

// Vocabulary names territories and themes; *authz.Snapshot is one.
type Vocabulary interface {
	Tree() *passerelle.Tree
	Theme(slug string) *passerelle.Theme
}

// territoryName returns the name of a territory, or its code when unknown.
func territoryName(voc Vocabulary, code string) string {
	if t := voc.Tree().Get(code); t != nil {
		return t.Name
	}
	return code
}

// themeName returns the name of a theme, or its slug when unknown.
func themeName(voc Vocabulary, slug string) string {
	if t := voc.Theme(slug); t != nil {
		return t.Name
	}
	return slug
}

// lastChange is when a published practice last changed for its readers:
// what the database keeps (its content, status, or the names of its themes,
// territory or author), or, for a practice read without it, its last edit or
// publication.
func lastChange(p *passerelle.Practice) time.Time {
	if p.PublicChangedAt != nil {
		return p.PublicChangedAt.UTC()
	}
	t := p.UpdatedAt
	if p.PublishedAt != nil && p.PublishedAt.After(t) {
		t = *p.PublishedAt
	}
	return t.UTC()
}

// published returns the publication time of a practice (its creation when,
// against every rule, it has none).
func published(p *passerelle.Practice) time.Time {
	if p.PublishedAt != nil {
		return p.PublishedAt.UTC()
	}
	return p.CreatedAt.UTC()
}
