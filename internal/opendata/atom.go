package opendata

import (
	"encoding/xml"
	"io"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// NamespaceAtom is the namespace of Atom 1.0 (RFC 4287).
const NamespaceAtom = "http://www.w3.org/2005/Atom"

// Feed is an Atom feed of published practices.
type Feed struct {
	// SelfURL is the feed's own canonical URL; it is also its id, so two
	// requests for the same selection share one feed id.
	SelfURL string
	// AlternateURL is the page for people showing the same selection.
	AlternateURL string
	Title        string
	Entries      []*passerelle.Practice // newest first
	// Paging (RFC 5005, section 3): FirstURL is the newest page of the
	// feed, NextURL the page of the entries just older than these ("" on
	// the last page). Both empty: a single-page feed.
	FirstURL, NextURL string
}

type atomFeed struct {
	XMLName   xml.Name      `xml:"feed"`
	Xmlns     string        `xml:"xmlns,attr"`
	Lang      string        `xml:"xml:lang,attr,omitempty"`
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Subtitle  *atomText     `xml:"subtitle,omitempty"`
	Updated   string        `xml:"updated"`
	Links     []atomLink    `xml:"link"`
	Authors   []atomPerson  `xml:"author"`
	Generator atomGenerator `xml:"generator"`
	Entries   []atomEntry   `xml:"entry"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr"`
	Href     string `xml:"href,attr"`
	Type     string `xml:"type,attr,omitempty"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomGenerator struct {
	URI   string `xml:"uri,attr,omitempty"`
	Value string `xml:",chardata"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Authors    []atomPerson   `xml:"author"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Category schemes: the API resources that list the terms.
func (s *Site) territoryScheme() string { return s.URL("/api/v1/territories") }
func (s *Site) themeScheme() string     { return s.URL("/api/v1/themes") }
func (s *Site) kindScheme() string      { return s.URL("/api/v1/openapi.json#/components/schemas/Kind") }

// WriteAtom writes f as an Atom 1.0 document. The feed's updated time is its
// newest entry's (the epoch for an empty feed, so that an unchanged feed
// stays byte for byte the same and caches well).
func (s *Site) WriteAtom(w io.Writer, voc Vocabulary, f Feed) error {
	out := atomFeed{
		Xmlns: NamespaceAtom, Lang: s.Lang, ID: f.SelfURL,
		Title:   atomText{Type: "text", Value: f.Title},
		Updated: atomTime(time.Unix(0, 0)),
		Links: []atomLink{
			{Rel: "self", Href: f.SelfURL, Type: "application/atom+xml"},
			{Rel: "alternate", Href: f.AlternateURL, Type: "text/html"},
		},
		Authors:   []atomPerson{{Name: s.Name, URI: s.URL("/")}},
		Generator: atomGenerator{URI: s.URL("/"), Value: s.Name},
	}
	if f.FirstURL != "" {
		out.Links = append(out.Links, atomLink{Rel: "first", Href: f.FirstURL, Type: "application/atom+xml"})
	}
	if f.NextURL != "" {
		out.Links = append(out.Links, atomLink{Rel: "next", Href: f.NextURL, Type: "application/atom+xml"})
	}
	if s.Description != "" {
		out.Subtitle = &atomText{Type: "text", Value: s.Description}
	}
	var newest time.Time
	for _, p := range f.Entries {
		e := s.atomEntry(voc, p)
		if u := lastChange(p); u.After(newest) {
			newest = u
		}
		out.Entries = append(out.Entries, e)
	}
	if !newest.IsZero() {
		out.Updated = atomTime(newest)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (s *Site) atomEntry(voc Vocabulary, p *passerelle.Practice) atomEntry {
	url := s.PracticeURL(p.ID)
	author := p.AuthorName
	if author == "" {
		author = s.Name
	}
	e := atomEntry{
		ID: url, Title: atomText{Type: "text", Value: p.Title},
		Updated: atomTime(lastChange(p)), Published: atomTime(published(p)),
		Authors: []atomPerson{{Name: author}},
		Links:   []atomLink{{Rel: "alternate", Href: url, Type: "text/html", HrefLang: s.Lang}},
	}
	if p.Summary != "" {
		e.Summary = &atomText{Type: "text", Value: p.Summary}
	}
	if html := s.ContentHTML(p); html != "" {
		e.Content = &atomText{Type: "html", Value: html}
	}
	e.Categories = append(e.Categories, atomCategory{Term: string(p.Kind), Scheme: s.kindScheme(),
		Label: s.Label("kind."+string(p.Kind), string(p.Kind))})
	if p.TerritoryCode != "" {
		e.Categories = append(e.Categories, atomCategory{Term: p.TerritoryCode, Scheme: s.territoryScheme(),
			Label: territoryName(voc, p.TerritoryCode)})
	}
	for _, slug := range p.Themes {
		e.Categories = append(e.Categories, atomCategory{Term: slug, Scheme: s.themeScheme(), Label: themeName(voc, slug)})
	}
	return e
}
