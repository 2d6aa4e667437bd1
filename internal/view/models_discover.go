package view

import (
	"html/template"
	"time"
)

// Discovery: the search page, the tool catalogue ("outilthèque"), the
// themes, the territory tree, and practices that travel ("essaimage").

// FacetLink is one value of a facet: its label, how many results carry it,
// and the URL of the same search filtered by it (or, when Current, without
// it).
type FacetLink struct {
	Value, Label, URL string
	Count             int
	Current           bool
}

// FacetGroup is a facet: Name is territory, theme, kind, format or year
// (translated by the templates as "discover.facet.<name>").
type FacetGroup struct {
	Name  string
	Links []FacetLink
}

// Option is a choice of a filter's select.
type Option struct {
	Value, Label string
}

// SearchForm holds the filters of the search page and of the tool
// catalogue as received, to show them again.
type SearchForm struct {
	Q, Territory, Theme, Kind, Format, Audience, Year string
	// Sort orders a search: "" or "relevance" (best match first), "date".
	Sort string
}

// SearchResult is a practice found, with its extract around the words
// found (escaped text with <mark>ed matches) when there was a search.
type SearchResult struct {
	PracticeCard
	Snippet template.HTML
}

// SearchData is the Data of the "search" and "tools" pages.
type SearchData struct {
	Form    SearchForm
	Results []SearchResult
	Total   int
	// Searched is true when any filter or search text was given.
	Searched bool
	// Invalid names the filters whose value is unknown or malformed: the
	// result is then empty and the page says which ones.
	Invalid []string
	// Ignored lists the words of the search left out as too common.
	Ignored []string
	// TooLong is set when the search ran out of time.
	TooLong    bool
	Facets     []FacetGroup
	Pagination Pagination
	// The choices of the filters' selects.
	Territories []Option
	Themes      []Option
	Kinds       []Option
	// ClearURL is the page without any filter.
	ClearURL string
	// FeedURL is the Atom feed of the same territory, theme and kind.
	FeedURL string
	// Meetings are the network meetings whose title, description or
	// record match the search words (models_meetings.go).
	Meetings []MeetingCard
}

// ThemeCount is a theme with its number of published practices.
type ThemeCount struct {
	Theme
	URL   string
	Count int
}

// ThemesData is the Data of the "themes" page.
type ThemesData struct {
	Themes []ThemeCount
}

// TerritoriesData is the Data of the "territories" page: the whole tree,
// from the regions down to the priority neighbourhoods. Pruned is set when
// the tree is too large to show whole, and the territories without any
// practice below the departments were left out.
type TerritoriesData struct {
	Roots  []TerritoryNode
	Pruned bool
	// Map is the network's map (models_readers.go).
	Map NetworkMap
}

// ReuseView is a reuse of a practice in a territory. From is the practice's
// own territory (in a territory's lists).
type ReuseView struct {
	Territory     Territory
	From          Territory
	PracticeTitle string
	PracticeURL   string
	UserName      string
	Note          string
	At            time.Time
}

// PracticeTravel is the "essaimage" section of a practice's page: where it
// has been reused, and the form to record a reuse for a contributor who may
// (Choices not empty), with what they typed after a refusal.
type PracticeTravel struct {
	Reuses    []ReuseView
	Choices   []Territory
	Territory string
	Note      string
	NoteLimit int
}

// TerritoryTravel is what a territory borrowed (reuses recorded in it or
// below it) and lent (its practices reused elsewhere), newest first.
type TerritoryTravel struct {
	Borrowed, Lent           []ReuseView
	BorrowedTotal, LentTotal int
}
