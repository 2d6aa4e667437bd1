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

// DepartmentMap is the map of one department: its shape drawn large, the
// departments around it faint, and its finer territories with published
// practices as points (links, with their counts), with the same figures
// as a table and the credit of the shapes and positions.
type DepartmentMap struct {
	// File is the static file of the shapes; ViewBox frames the
	// department; Code is its shape's id, Around the ids of the other
	// shapes in the frame.
	File, ViewBox, Code, Name string
	Around                    []string
	// Points are drawn in this order, which is also the keyboard's: the
	// EPCI (rings, beneath), then the communes from north to south, each
	// followed by its priority neighbourhoods.
	Points []MapPoint
	// Rows are every territory below the department with published
	// practices, in the tree's order; Unplaced those of them that the map
	// cannot place (no known position), listed under the map.
	Rows, Unplaced []Territory
	// Text is the size of the labels, Stroke of the outlines, in the map's
	// units.
	Text, Stroke                           string
	Credit, CreditURL, License, LicenseURL string
	Places, PlacesURL, PlacesLicense       string
	Codes, CodesURL, CodesLicense          string
	CodesLicenseURL                        string
}

// MapPoint is a territory drawn as a point: a ring for an EPCI (Ring), a
// disc for a commune, a smaller one for a neighbourhood around its commune.
// X, Y and R are in the map's units; a label (the name) is drawn at LX, LY
// when it fits (Label), anchored at its end when Anchor is "end".
type MapPoint struct {
	Territory
	X, Y, R        string
	Ring, Label    bool
	LX, LY, Anchor string
	Current        bool // the page's own territory
}
