// Package jsonld describes practices in schema.org JSON-LD, for the
// <script type="application/ld+json"> block of their pages: a teaching tool
// is a LearningResource, an experience report an Article.
//
// The page embeds the bytes as they are. They are safe inside a script
// element: encoding/json escapes <, > and & (so no "</script>" or "<!--" can
// appear), and U+2028/U+2029. A Content-Security-Policy without
// 'unsafe-inline' does not block the block either: browsers never execute a
// script element whose type is application/ld+json, it is data.
package jsonld

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
)

// Publisher is the name of the organisation publishing the practices.
const Publisher = "Passerelle"

// Lang is the language of the practices.
const Lang = "fr"

type thing struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type place struct {
	Type       string `json:"@type"`
	Name       string `json:"name"`
	Identifier string `json:"identifier,omitempty"`
	URL        string `json:"url,omitempty"`
}

type term struct {
	Type     string `json:"@type"`
	Name     string `json:"name"`
	TermCode string `json:"termCode"`
}

type audience struct {
	Type         string `json:"@type"`
	AudienceType string `json:"audienceType"`
}

// document is the JSON-LD object; the order of its fields is the order of
// the output.
type document struct {
	Context             string     `json:"@context"`
	Type                string     `json:"@type"`
	ID                  string     `json:"@id"`
	URL                 string     `json:"url"`
	MainEntityOfPage    string     `json:"mainEntityOfPage,omitempty"`
	Name                string     `json:"name"`
	Headline            string     `json:"headline,omitempty"`
	Description         string     `json:"description,omitempty"`
	InLanguage          any        `json:"inLanguage"`
	DatePublished       string     `json:"datePublished,omitempty"`
	DateModified        string     `json:"dateModified,omitempty"`
	Author              *thing     `json:"author,omitempty"`
	Publisher           thing      `json:"publisher"`
	IsAccessibleForFree bool       `json:"isAccessibleForFree"`
	SpatialCoverage     *place     `json:"spatialCoverage,omitempty"`
	About               []term     `json:"about,omitempty"`
	Keywords            string     `json:"keywords,omitempty"`
	Genre               string     `json:"genre,omitempty"`
	LearningResource    string     `json:"learningResourceType,omitempty"`
	Audience            []audience `json:"audience,omitempty"`
	License             string     `json:"license,omitempty"`
	TimeRequired        string     `json:"timeRequired,omitempty"`
	TemporalCoverage    string     `json:"temporalCoverage,omitempty"`
	Contributor         []thing    `json:"contributor,omitempty"`
}

// licenseURLs maps the licences a tool may carry (SPDX identifiers) to the
// URL of their text; LicenseRef-All-Rights-Reserved has none.
var licenseURLs = map[string]string{
	"CC-BY-4.0":       "https://creativecommons.org/licenses/by/4.0/",
	"CC-BY-SA-4.0":    "https://creativecommons.org/licenses/by-sa/4.0/",
	"CC-BY-NC-4.0":    "https://creativecommons.org/licenses/by-nc/4.0/",
	"CC-BY-NC-SA-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
	"CC-BY-ND-4.0":    "https://creativecommons.org/licenses/by-nd/4.0/",
	"CC-BY-NC-ND-4.0": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
	"CC0-1.0":         "https://creativecommons.org/publicdomain/zero/1.0/",
	"Etalab-2.0":      "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

// LicenseURL returns the URL of the text of an SPDX licence, "" when unknown.
func LicenseURL(spdx string) string { return licenseURLs[spdx] }

// isoDuration matches an ISO 8601 duration, what schema.org's timeRequired
// expects; a free-text duration ("2 heures") is left out.
var isoDuration = regexp.MustCompile(`^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$`)

// maxHeadline is the longest headline search engines show in full.
const maxHeadline = 110

func headline(title string) string {
	r := []rune(title)
	if len(r) <= maxHeadline {
		return title
	}
	return strings.TrimSpace(string(r[:maxHeadline-1])) + "…"
}

// Practice returns the JSON-LD description of p: a LearningResource for a
// teaching tool, an Article for an experience report. baseURL is the site's
// public URL; territoryName names p's territory; themes are p's themes with
// their names. Call it for published practices: it describes what it is
// given. It returns an error only for a nil practice or an unknown kind.
func Practice(p *passerelle.Practice, baseURL, territoryName string, themes []passerelle.Theme) ([]byte, error) {
	if p == nil {
		return nil, errors.New("jsonld: no practice")
	}
	base := strings.TrimRight(baseURL, "/")
	url := jobs.PracticeURL(base, p.ID)
	d := document{
		Context: "https://schema.org", ID: url, URL: url, Name: p.Title, Description: p.Summary, InLanguage: Lang,
		Publisher: thing{Type: "Organization", Name: Publisher, URL: base + "/"}, IsAccessibleForFree: true,
	}
	if p.PublishedAt != nil {
		d.DatePublished = p.PublishedAt.UTC().Format(time.RFC3339)
	}
	if !p.UpdatedAt.IsZero() {
		d.DateModified = p.UpdatedAt.UTC().Format(time.RFC3339)
	}
	if p.AuthorName != "" {
		d.Author = &thing{Type: "Person", Name: p.AuthorName}
	}
	if p.TerritoryCode != "" {
		name := territoryName
		if name == "" {
			name = p.TerritoryCode
		}
		d.SpatialCoverage = &place{Type: "Place", Name: name, Identifier: p.TerritoryCode, URL: base + "/territoires/" + p.TerritoryCode}
	}
	names := make([]string, 0, len(themes))
	for _, t := range themes {
		d.About = append(d.About, term{Type: "DefinedTerm", Name: t.Name, TermCode: t.Slug})
		names = append(names, t.Name)
	}
	d.Keywords = strings.Join(names, ", ")
	switch p.Kind {
	case passerelle.KindTool:
		d.Type = "LearningResource"
		if t := p.Tool; t != nil {
			d.LearningResource = t.Format
			for _, a := range t.Audience {
				d.Audience = append(d.Audience, audience{Type: "Audience", AudienceType: a})
			}
			d.License = LicenseURL(t.License)
			if isoDuration.MatchString(t.Duration) && t.Duration != "P" && t.Duration != "PT" {
				d.TimeRequired = t.Duration
			}
			// BCP 47 codes only: free text not yet mapped to one (see
			// service.FixLanguages) is left out.
			var codes []string
			for _, l := range t.Languages {
				if c, ok := passerelle.CanonicalLanguage(l); ok {
					codes = append(codes, c)
				}
			}
			if len(codes) > 0 {
				d.InLanguage = codes
			}
		}
	case passerelle.KindExperience:
		d.Type = "Article"
		d.Headline = headline(p.Title)
		d.MainEntityOfPage = url
		d.Genre = "Retour d’expérience"
		if e := p.Experience; e != nil {
			for _, partner := range e.Partners {
				d.Contributor = append(d.Contributor, thing{Type: "Organization", Name: partner})
			}
			if e.StartedOn != nil {
				end := ".."
				if e.EndedOn != nil {
					end = e.EndedOn.Format(time.DateOnly)
				}
				d.TemporalCoverage = e.StartedOn.Format(time.DateOnly) + "/" + end
			}
		}
	default:
		return nil, errors.New("jsonld: unknown kind " + string(p.Kind))
	}
	return json.Marshal(d)
}
