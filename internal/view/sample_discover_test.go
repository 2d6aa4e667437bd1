package view

import (
	"html/template"
	"strings"
	"testing"
)

// sampleDiscover returns the sample of a discovery page
// (models_discover.go).
func sampleDiscover(name string) struct {
	page *Page
	h1   map[string]string
} {
	type entry = struct {
		page *Page
		h1   map[string]string
	}
	results := func() []SearchResult {
		var out []SearchResult
		for i, c := range samplePractices() {
			r := SearchResult{PracticeCard: c}
			if i == 0 {
				r.Snippet = template.HTML(`Un forum contre les <mark>discriminations</mark> à l’embauche.`)
			}
			out = append(out, r)
		}
		return out
	}
	facets := []FacetGroup{
		{Name: "Territoire", Links: []FacetLink{{Value: "11", Label: regionIDF.Name, URL: "/recherche?territory=11", Count: 3, Current: true},
			{Value: "93", Label: dept93.Name, URL: "/recherche?territory=93", Count: 2}}},
		{Name: "Type de fiche", Links: []FacetLink{{Value: "tool", Label: "Outil pédagogique", URL: "/recherche?kind=tool", Count: 1}}},
	}
	options := []Option{{Value: "11", Label: regionIDF.Name}, {Value: "93", Label: "\u00a0\u00a0" + dept93.Name}}
	switch name {
	case "search":
		return entry{&Page{Title: "Rechercher une fiche", Path: "/recherche", Data: &SearchData{
			Form: SearchForm{Q: "discrimination", Territory: "11"}, Results: results(), Total: 3, Searched: true, Ignored: []string{"le"},
			Facets: facets, Pagination: Pagination{Page: 1, PerPage: 20, Total: 45, NextURL: "/recherche?page=2&q=discrimination"},
			Territories: options, Themes: []Option{{Value: "emploi", Label: themeEmploi.Name}},
			Kinds: []Option{{Value: "tool", Label: "Outil pédagogique"}}, ClearURL: "/recherche", FeedURL: "/feeds/practices.atom?territory=11"}},
			map[string]string{"fr": "Rechercher une fiche", "en": "Search the practices"}}
	case "tools":
		return entry{&Page{Title: "Outilthèque", Path: "/outils", Data: &SearchData{
			Form: SearchForm{Theme: "nope"}, Searched: true, Invalid: []string{"Thématique"}, ClearURL: "/outils",
			Territories: options, Themes: []Option{{Value: "emploi", Label: themeEmploi.Name}}}},
			map[string]string{"fr": "Outilthèque", "en": "Tool library"}}
	case "themes":
		return entry{&Page{Title: "Thématiques", Path: "/themes", Data: &ThemesData{Themes: []ThemeCount{
			{Theme: themeEmploi, URL: "/themes/emploi", Count: 12}, {Theme: themeEduc, URL: "/themes/education", Count: 1}}}},
			map[string]string{"fr": "Thématiques", "en": "Themes"}}
	default:
		return entry{&Page{Title: "Territoires", Path: "/territoires", Data: &TerritoriesData{Roots: []TerritoryNode{
			{Territory: regionIDF, Children: []TerritoryNode{{Territory: dept93, Children: []TerritoryNode{{Territory: communeSD}}}}}}}},
			map[string]string{"fr": "Territoires", "en": "Territories"}}
	}
}

func TestDiscoveryPages(t *testing.T) {
	useRefNow(t)
	e := newEngine(t)
	out := render(t, e, "fr", "search", sampleDiscover("search").page)
	for _, want := range []string{
		`<mark>discriminations</mark>`, `action="/recherche"`, `<option value="11" selected>`, `aria-current="true"`,
		`href="/recherche?page=2&amp;q=discrimination"`, `«&#160;le&#160;»`, `3 fiches trouvées.`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("search: missing %q", want)
		}
	}
	out = render(t, e, "en", "tools", sampleDiscover("tools").page)
	for _, want := range []string{`No result: some filters are not recognised.`, `<li>Thématique</li>`, `href="/outils"`} {
		if !strings.Contains(out, want) {
			t.Errorf("tools: missing %q", want)
		}
	}
	// The practice page: where it travelled, the form, the JSON-LD.
	d := samplePractice(false)
	d.Practice.Status = "published"
	d.Travel = PracticeTravel{Reuses: []ReuseView{{Territory: communeSD, UserName: "Awa Diallo", Note: "Adapté aux collèges.", At: refNow}},
		Choices: []Territory{dept93}, NoteLimit: 1000}
	d.JSONLD = template.JS(`{"@context":"https://schema.org","@type":"Article"}`)
	out = render(t, e, "fr", "practice", &Page{Data: d})
	for _, want := range []string{`id="essaimage"`, `Adapté aux collèges.`, `action="/fiches/b3f1/reutilisations"`, `<option value="93">`,
		`<script type="application/ld+json">{"@context":"https://schema.org","@type":"Article"}</script>`} {
		if !strings.Contains(out, want) {
			t.Errorf("practice: missing %q", want)
		}
	}
}
