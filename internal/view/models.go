package view

import (
	"html/template"
	"net/url"
	"strings"
	"time"
)

// Page is the data every page template receives. The HTTP layer fills it and
// passes it to (*Engine).Render; Data holds the page-specific view model.
type Page struct {
	Lang   string // "fr" or "en"; anything else renders in French
	Title  string // already translated page title; the layout appends " — Passerelle"
	User   *User  // nil when anonymous
	Unread int    // unread notifications count, shown in the header when > 0
	Flash  string // already translated one-line success message, shown in a role="status" region
	Path   string // current request path, for aria-current in the nav and the login "next" value
	Query  string // current request's query string, kept by the language switch (LangURL)
	Data   any    // one of the *Data types of this package (pointer or value)
	// Exports, on a page listing practices, are the open-data versions of
	// its selection: its Atom feed (announced in the page's head for feed
	// readers) and its spreadsheets.
	Exports *Exports
	// Waiting is how many submissions wait in a moderator's territories,
	// shown beside their desk in the menu.
	Waiting int
}

// LangURL is the current page in lang: the same path and query, with lang
// set, so that switching language neither leaves the page nor loses its
// filters.
func (p *Page) LangURL(lang string) string {
	q, _ := url.ParseQuery(p.Query)
	if q == nil {
		q = url.Values{}
	}
	q.Set("lang", lang)
	path := p.Path
	if path != "" { // one leading slash: "//host" would leave the site
		path = "/" + strings.TrimLeft(path, "/\\")
	}
	return (&url.URL{Path: path, RawQuery: q.Encode()}).String()
}

// Exports are the open-data versions of the practices a page lists.
type Exports struct {
	FeedURL, FeedTitle string
	XLSXURL, CSVURL    string
}

// User is the signed-in user as the templates see it. The flags decide which
// navigation entries are shown; they do not grant anything by themselves.
type User struct {
	ID, Name, Email                     string
	IsAdmin, IsModerator, IsContributor bool
}

// Territory is a node of the territory hierarchy (region > department > EPCI >
// commune > QPV). Level is one of region, department, epci, commune, qpv,
// other and is translated by the templates. Count is the number of published
// practices of the territory and all territories below it.
type Territory struct {
	Code, Name, Level string
	URL               string
	Count             int
}

// Theme is a thematic tag of a practice (employment, education, ...). Name is
// shown as is.
type Theme struct {
	Slug, Name string
}

// PracticeCard is the summary of a practice shown in lists and tables. Kind is
// "experience" or "tool"; Status is one of draft, submitted, published,
// changes_requested, rejected, withdrawn, archived.
type PracticeCard struct {
	ID, URL, Kind, Title, Summary, Status string
	Territory                             Territory
	Themes                                []Theme
	AuthorName                            string
	PublishedAt, UpdatedAt                time.Time
	Cover                                 *CoverView // nil: none (models_writing.go)
	// ReviewDue: its author was asked to confirm it is still current and
	// nobody did since — readers see it "à actualiser" (models_desk.go).
	ReviewDue bool
	// UpdateOf is, for a working revision, the ID of the published sheet
	// it updates (passerelle/update.go); "" for a sheet.
	UpdateOf string
}

// Pagination describes one page of a paginated list. PrevURL and NextURL are
// empty when there is no previous or next page.
type Pagination struct {
	Page, PerPage, Total int
	PrevURL, NextURL     string
}

// Pages returns the number of pages (at least 1).
func (p Pagination) Pages() int {
	if p.PerPage <= 0 || p.Total <= 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// FormError is a validation error. Message is already translated; Field is
// the id and name of the input it belongs to, or empty for an error about the
// whole form (shown in the summary only).
type FormError struct {
	Field, Message string
}

// HistoryEntry is one event of the moderation history of a practice. Action is
// one of create, update, submit, approve, request_changes, reject, withdraw,
// archive, unarchive; From and To are statuses (may be empty).
type HistoryEntry struct {
	At                                   time.Time
	ActorName, Action, From, To, Comment string
}

// PracticeDetail is a full practice as shown on its own page.
type PracticeDetail struct {
	PracticeCard
	BodyHTML    template.HTML // already sanitised HTML
	Revision    int
	CreatedAt   time.Time
	PublishedAt *time.Time // nil while never published (shadows PracticeCard.PublishedAt)
	Experience  *ExperienceView
	Tool        *ToolView
	History     []HistoryEntry // empty when the viewer may not see it
	CanEdit     bool
	CanSubmit   bool
	CanDecide   bool
	LastComment string // latest moderator comment (e.g. the changes requested), shown to the author

	Attachments []AttachmentView
	// The review, for the people taking part in it (Participant): its
	// conversation, the claim on it, what changed in its latest revision.
	Participant  bool
	Comments     []CommentView
	CanComment   bool
	Claim        *ClaimView // the live claim on a submission, or nil
	CanClaim     bool       // the viewer may claim it (or take it over)
	CanDelete    bool       // the author may delete this draft
	CanWithdraw  bool
	Changes      []ChangeView // the latest revision against the one before
	ChangesFrom  int          // number of the revision compared with (0: none)
	ChangesTo    int
	CommentLimit int // longest comment, in characters
	// Freshness (models_desk.go): when it was last known current, and
	// whether the viewer may confirm it is (its author, or a moderator on
	// their behalf).
	VerifiedAt *time.Time
	CanConfirm bool
	// Updates (passerelle/update.go): on a published sheet, whether the
	// viewer (its author) may start an update, or the update under way
	// (shown to the participants of its review); on a working revision,
	// the published sheet it updates.
	CanStartUpdate bool
	PendingUpdate  *UpdateLink
	UpdateOf       *UpdateLink
}

// UpdateLink is one side of an update: the working revision seen from the
// published sheet, or the published sheet seen from the working revision.
// Status is the working revision's; Editable, whether the viewer may edit
// it now.
type UpdateLink struct {
	ID, Title, Status string
	Editable          bool
}

// AttachmentView is a file attached to a practice. Type is a short label
// ("PDF", "Image PNG"…) already translated.
type AttachmentView struct {
	ID, Name, URL, Type string
	Size                int64
	SizeText            string // formatted for the reader ("1,5 Mo")
}

// FieldRef names a field of the practice form: the id of its input (to link
// to it) and its translated label.
type FieldRef struct {
	ID, Label string
	Domain    string // as the API names it: "summary", "experience.results"…
}

// CommentView is a message of the review's conversation: a comment, or the
// reason of a decision (Decision is then request_changes, reject or
// approve).
type CommentView struct {
	ID          string
	At          time.Time
	AuthorName  string
	ByModerator bool
	Body        string
	Fields      []FieldRef
	Decision    string
	Revision    int
}

// ClaimView is a moderator's claim on a submission.
type ClaimView struct {
	ModeratorName string
	Since, Until  time.Time
	Mine          bool
}

// ChangeView is one field changed between two revisions, as a word-level
// diff: Spans with Op "equal", "delete" or "insert".
type ChangeView struct {
	Field FieldRef
	Spans []DiffSpanView
}

// DiffSpanView is a run of text of a diff.
type DiffSpanView struct {
	Op, Text string
}

// ExperienceView holds the fields specific to an experience report
// ("retour d'expérience"). Text fields are plain text; line breaks are kept.
type ExperienceView struct {
	Context, Actions, Results, Lessons string
	Partners                           []string
	StartedOn, EndedOn                 *time.Time
}

// ToolView holds the fields specific to a teaching tool ("outil
// pédagogique"). Format is one of kit, game, guide, video, training, other;
// License is an SPDX identifier (see Licenses).
type ToolView struct {
	Audience                  []string
	Format, Duration, License string
	Languages                 []string
}

// HomeData is the Data of the "home" page.
type HomeData struct {
	Latest  []PracticeCard
	Regions []TerritoryNode
	// Map is the network's map, Story the rest of its story
	// (models_readers.go).
	Map   NetworkMap
	Story HomeStory
}

// TerritoryNode is a territory with its children, for the home page tree
// (regions and their departments).
type TerritoryNode struct {
	Territory
	Children []TerritoryNode
}

// TerritoryData is the Data of the "territory" page. Ancestors go from the
// region down to the parent; Practices are the published practices of the
// territory and all territories below it.
type TerritoryData struct {
	Territory  Territory
	Ancestors  []Territory
	Children   []Territory
	Practices  []PracticeCard
	Pagination Pagination
	// Travel is what it borrowed and lent (models_discover.go).
	Travel TerritoryTravel
	// Map is its department's map (the department itself, or the one it
	// lies in), nil when there is none to draw.
	Map *DepartmentMap
}

// PracticeData is the Data of the "practice" page. Errors, Comment and
// Decision re-show the decision form after a refused decision.
type PracticeData struct {
	Practice PracticeDetail
	Errors   []FormError
	Comment  string
	Decision string
	// Fields re-shows the fields named in a refused decision or comment;
	// Message the text of a refused comment.
	Fields  []string
	Message string
	// FieldChoices are the fields a moderator may name in a comment or a
	// decision.
	FieldChoices []FieldRef
	// Travel is where the practice has been reused (models_discover.go);
	// JSONLD its schema.org description when it is published (empty
	// otherwise), embedded as is in a script of type application/ld+json.
	Travel PracticeTravel
	JSONLD template.JS
	// Presentations are the meetings where the practice was presented
	// (models_meetings.go).
	Presentations []PresentationView
	// Readers is what a published sheet offers its readers
	// (models_readers.go).
	Readers ReadersView
}

// LoginData is the Data of the "login" page.
type LoginData struct {
	Email, Next string
	Errors      []FormError
	// Provider is the OpenID provider's name on the single sign-on
	// button; empty: no button.
	Provider string
}

// PracticeFormData is the Data of the "practice_form" page, used both to
// create (ID empty) and to edit a practice.
type PracticeFormData struct {
	ID          string // empty for a new practice
	Version     int    // the revision the edit is based on (hidden field "version")
	Form        PracticeForm
	Territories []Territory // those the user may write for
	Themes      []Theme
	Errors      []FormError
	// Remarks are the moderators' remarks on the latest revision, by input
	// id ("" for those naming no field), shown beside the fields.
	Remarks     map[string][]CommentView
	Attachments []AttachmentView
	CanAttach   bool   // the author may add a file now
	MaxSize     string // the size limit of a file, formatted ("20 Mo")
	MaxFiles    int
	// Languages are the languages a tool may be in: BCP 47 codes and their
	// names, in the order to offer them.
	Languages []Option
	// Cover is the practice's cover image (nil: none).
	Cover *CoverView
	// Of an update (passerelle/update.go): Cover is the published sheet's,
	// which the update keeps (CoverPublished); RemovedCover, the
	// description of the published cover it removes; RemovedFiles, the
	// published files it removes (Attachments holds those it keeps, then
	// its own).
	CoverPublished bool
	RemovedCover   string
	RemovedFiles   []AttachmentView
	// Writing is the help around the form: which inputs are required, the
	// checklist, autosave and preview (models_writing.go).
	Writing WritingAids
}

// LanguageChoice is one checkbox of a tool's languages.
type LanguageChoice struct {
	Value, Label string
	Checked      bool
}

// LanguageChoices returns the checkboxes of a tool's languages: one per
// language of the list, ticked when the form holds it, then one, ticked, for
// each value of the form that is no code of the list (free text written
// before languages were chosen from a list), so that nothing typed is lost
// and the author sees what to replace.
func (d *PracticeFormData) LanguageChoices() []LanguageChoice {
	held := map[string]bool{}
	var order []string
	for _, l := range strings.FieldsFunc(d.Form.Languages, func(r rune) bool { return r == '\n' || r == ',' }) {
		if l = strings.TrimSpace(l); l != "" && !held[l] {
			held[l] = true
			order = append(order, l)
		}
	}
	out := make([]LanguageChoice, 0, len(d.Languages)+len(order))
	for _, o := range d.Languages {
		out = append(out, LanguageChoice{Value: o.Value, Label: o.Label, Checked: held[o.Value]})
		delete(held, o.Value)
	}
	for _, l := range order {
		if held[l] {
			out = append(out, LanguageChoice{Value: l, Label: l, Checked: true})
		}
	}
	return out
}

// PracticeForm holds the values of the practice form as typed. Partners,
// Audience and Languages are free text, one item per line or comma-separated.
// StartedOn and EndedOn are "YYYY-MM-DD" (input type=date).
type PracticeForm struct {
	Kind, Title, Summary, Body, Territory          string
	Themes                                         []string
	Context, Actions, Partners, Results, Lessons   string
	StartedOn, EndedOn                             string
	Audience, Format, Duration, License, Languages string
}

// MyPracticesData is the Data of the "my_practices" page. Comments maps a
// practice ID to its latest moderator comment.
type MyPracticesData struct {
	Practices []PracticeCard
	Comments  map[string]string
	// Asked maps a practice ID to what the moderators asked on its latest
	// revision; Claims to the moderator reviewing it now.
	Asked  map[string][]CommentView
	Claims map[string]*ClaimView
	// Updates maps a published practice's ID to its update under way
	// (passerelle/update.go), which its row offers to resume.
	Updates map[string]*UpdateLink
	// ToRevise counts the practices sent back for changes.
	ToRevise int
}

// QueueItem is a practice waiting for review. Its Territory field shadows the
// embedded PracticeCard.Territory.
type QueueItem struct {
	PracticeCard
	SubmittedAt time.Time
	Territory   Territory
	Claim       *ClaimView
}

// QueueData is the Data of the "queue" page. The template shows the items
// oldest first whatever their order.
type QueueData struct {
	Items []QueueItem
	// The filters: the choices (the moderator's territories, every theme)
	// and what is chosen.
	Territories            []Territory
	Themes                 []Theme
	Territory, Theme, Kind string
	Filtered               bool
}

// NotificationItem is one notification of the signed-in user.
type NotificationItem struct {
	ID, Type, Message, URL string
	Read                   bool
	CreatedAt              time.Time
}

// NotificationsData is the Data of the "notifications" page.
type NotificationsData struct {
	Items  []NotificationItem
	Unread int
}

// ErrorData is the Data of the "error" page. Message is already translated.
type ErrorData struct {
	Status  int
	Message string
	// Fields says, one message each, which fields of the request were
	// refused (a validation error met outside a form that shows it).
	Fields []string
	// Unavailable: the service is out for a moment (503); the page says
	// so, tells how to get a form back, and offers to try again at Retry
	// (the page asked for, when it was a GET).
	Unavailable bool
	Retry       string
}

// Kinds, Statuses, Levels, Formats, Licenses and Actions list the enumerated
// values the templates translate (keys "kind.<v>", "status.<v>", "level.<v>",
// "format.<v>", "license.<v>", "history.action.<v>"); an unknown value is
// shown as is. They mirror internal/passerelle; Formats and Licenses are also
// the options of the practice form's selects.
var (
	Kinds    = []string{"experience", "tool"}
	Statuses = []string{"draft", "submitted", "published", "changes_requested", "rejected", "withdrawn", "archived", "merged"}
	Levels   = []string{"region", "department", "epci", "commune", "qpv", "other"}
	Formats  = []string{"kit", "game", "guide", "video", "training", "other"}
	Licenses = []string{"CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", "CC-BY-NC-ND-4.0", "CC0-1.0", "Etalab-2.0", "LicenseRef-All-Rights-Reserved"}
	Actions  = []string{"create", "update", "submit", "approve", "request_changes", "reject", "withdraw", "archive", "unarchive", "comment", "claim", "release", "reuse",
		"ask_review", "confirm_current", // freshness (models_desk.go)
		"start_update", "revise"} // updates of a published practice
)

// PublicActions are the entries of a practice's history the public sees
// without their actor (passerelle.PartLife), told without a name (keys
// "history.public.<v>").
var PublicActions = []string{"approve", "archive", "unarchive", "confirm_current", "revise"}
