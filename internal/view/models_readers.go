package view

func init() {
	Pages = append(Pages, "bookmarks")
}

// BookmarksData is the Data of the "bookmarks" page ("Mes favoris"): the
// signed-in reader's own bookmarks with their notes.
type BookmarksData struct {
	Items []BookmarkView
}

// BookmarkView is a practice kept, with its owner's note.
type BookmarkView struct {
	PracticeCard
	Note string
}

// ReadersView is what a published sheet offers its readers (issue 14): its
// full address and PDF, for taking it away.
type ReadersView struct {
	// Address is the sheet's absolute URL, printed at its foot; PDFURL its
	// PDF document. Both empty unless the practice is published.
	Address, PDFURL string
	// Base is the site's address (no trailing slash), printed before the
	// sheet's relative links on paper.
	Base string
	// Similar are published practices like this one (service.Similar).
	Similar []PracticeCard
	// Contact is the "Contacter l'équipe" form: shown when CanContact;
	// SignIn is the sign-in link offered to an anonymous reader instead.
	CanContact     bool
	SignIn         string
	ContactMessage string // what the reader typed, shown again on an error
	ContactMax     int
	// Bookmarked says the signed-in reader keeps the sheet, with Note;
	// CanBookmark that they may (signed in, published or visible).
	CanBookmark, Bookmarked bool
	Note                    string
	NoteMax                 int
}

// HomeStory is what the home page tells of the network besides the map:
// published practices per theme, those that travelled most, the next
// network meeting (nil: none planned).
type HomeStory struct {
	Themes    []Territory // Name, URL and Count of each theme (Territory's fields serve)
	Travelled []TravelledCard
	Next      *MeetingCard
}

// TravelledCard is a practice and the number of territories it was reused
// in.
type TravelledCard struct {
	PracticeCard
	Reuses int
}

// NetworkMap is the map of the territories with published practices: the
// departments as areas (links, with their counts), the same figures as a
// table, and the credit of the shapes.
type NetworkMap struct {
	// File is the static file of the shapes, ViewBox their coordinates;
	// each area is drawn with a <use> of the shape whose id is its code.
	File, ViewBox string
	// Areas are every department of the map; those with practices
	// (Count > 0) are links to their territory.
	Areas []MapArea
	// Rows are the departments with published practices, most first, with
	// the finer territories below them that have some.
	Rows []MapRow
	// Total is the number of published practices on the map.
	Total                                  int
	Credit, CreditURL, License, LicenseURL string
}

// MapArea is one department on the map. Level (0–3) says how many
// practices it holds next to the others, for its shade.
type MapArea struct {
	Code, Name, URL string
	Count, Level    int
}

// MapRow is a line of the map's table.
type MapRow struct {
	Territory
	Finer []Territory // below it, with practices
}
