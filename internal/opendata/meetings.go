package opendata

import (
	"encoding/xml"
	"io"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
)

// MeetingURL returns the page of a meeting for people.
func (s *Site) MeetingURL(id int64) string { return jobs.MeetingURL(s.BaseURL, id) }

// MeetingFeed is an Atom feed of network meetings: each entry is a meeting,
// updated when it changes (its record published, for one).
type MeetingFeed struct {
	SelfURL, AlternateURL, Title string
	Entries                      []*passerelle.Meeting // latest change first
	// When says when a meeting takes place, in words, for its summary.
	When func(m *passerelle.Meeting) string
	// RecordLabel and CancelledLabel name, in the catalogue's language, a
	// published record and a cancelled meeting.
	RecordLabel, CancelledLabel string
	// Content is the HTML of a meeting's entry (its description, and its
	// record once published), already sanitised.
	Content func(m *passerelle.Meeting) string
}

type atomMeetingEntry struct {
	atomEntry
	Content *atomText `xml:"content,omitempty"`
}

type atomMeetingFeed struct {
	XMLName   xml.Name           `xml:"feed"`
	Xmlns     string             `xml:"xmlns,attr"`
	Lang      string             `xml:"xml:lang,attr,omitempty"`
	ID        string             `xml:"id"`
	Title     atomText           `xml:"title"`
	Updated   string             `xml:"updated"`
	Links     []atomLink         `xml:"link"`
	Authors   []atomPerson       `xml:"author"`
	Generator atomGenerator      `xml:"generator"`
	Entries   []atomMeetingEntry `xml:"entry"`
}

// WriteMeetingsAtom writes f as an Atom 1.0 document: one entry per meeting,
// its id the meeting's page, updated at its last change, with its themes
// and territory as categories.
func (s *Site) WriteMeetingsAtom(w io.Writer, voc Vocabulary, f MeetingFeed) error {
	out := atomMeetingFeed{Xmlns: NamespaceAtom, Lang: s.Lang, ID: f.SelfURL, Title: atomText{Type: "text", Value: f.Title},
		Updated: atomTime(time.Unix(0, 0)),
		Links: []atomLink{{Rel: "self", Href: f.SelfURL, Type: "application/atom+xml"},
			{Rel: "alternate", Href: f.AlternateURL, Type: "text/html"}},
		Authors: []atomPerson{{Name: s.Name, URI: s.URL("/")}}, Generator: atomGenerator{URI: s.URL("/"), Value: s.Name}}
	var newest time.Time
	for _, m := range f.Entries {
		url := s.MeetingURL(m.ID)
		title := m.Title
		if m.Status == passerelle.MeetingCancelled && f.CancelledLabel != "" {
			title = f.CancelledLabel + " " + title
		}
		summary := []string{}
		if f.When != nil {
			summary = append(summary, f.When(m))
		}
		if m.Place != "" {
			summary = append(summary, m.Place)
		}
		if m.RecordPublished() && f.RecordLabel != "" {
			summary = append(summary, f.RecordLabel)
		}
		author := m.OrganizerName
		if author == "" {
			author = s.Name
		}
		e := atomMeetingEntry{atomEntry: atomEntry{ID: url, Title: atomText{Type: "text", Value: title},
			Updated: atomTime(m.UpdatedAt), Published: atomTime(m.CreatedAt), Authors: []atomPerson{{Name: author}},
			Summary: &atomText{Type: "text", Value: strings.Join(summary, " — ")},
			Links:   []atomLink{{Rel: "alternate", Href: url, Type: "text/html", HrefLang: s.Lang}}}}
		if f.Content != nil {
			if c := f.Content(m); c != "" {
				e.Content = &atomText{Type: "html", Value: c}
			}
		}
		e.Categories = append(e.Categories, atomCategory{Term: m.TerritoryCode, Scheme: s.territoryScheme(), Label: territoryName(voc, m.TerritoryCode)})
		for _, slug := range m.Themes {
			e.Categories = append(e.Categories, atomCategory{Term: slug, Scheme: s.themeScheme(), Label: themeName(voc, slug)})
		}
		if m.UpdatedAt.After(newest) {
			newest = m.UpdatedAt
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
