package view

import (
	"html/template"
	"time"
)

func init() {
	// The pages of network meetings.
	Pages = append(Pages, "meetings", "meeting", "meeting_form", "meeting_attendance", "meeting_record")
}

// MeetingAuditActions, RegistrationStatuses and AgendaStatuses list the
// values of the meetings' pages translated by key ("audit.action.<v>",
// "meetings.registration.status.<v>", "meetings.agenda.status.<v>"); they
// mirror internal/passerelle/meeting.go.
var (
	MeetingAuditActions = []string{"meeting.create", "meeting.update", "meeting.cancel", "meeting.hold", "meeting.record",
		"meeting.attach", "meeting.attendance", "meeting.agenda.add", "meeting.agenda.propose", "meeting.agenda.accept",
		"meeting.agenda.decline", "meeting.agenda.remove"}
	RegistrationStatuses = []string{"registered", "waiting", "cancelled"}
	AgendaStatuses       = []string{"proposed", "accepted", "declined"}
)

// MeetingCard is a meeting in a list. Status is planned, cancelled or held;
// When says when it takes place, in words; MyStatus is the reader's
// registration (registered, waiting, cancelled) or empty.
type MeetingCard struct {
	ID, URL, Title, Status string
	Territory              Territory
	Themes                 []Theme
	StartsAt, EndsAt       time.Time
	When                   string
	Place, OnlineURL       string
	Capacity, Registered   int
	Waiting, SeatsLeft     int
	Full, Past, HasRecord  bool
	MyStatus               string
	MyRank                 int
}

// AgendaItemView is an item of a meeting's agenda. Status is proposed,
// accepted or declined.
type AgendaItemView struct {
	ID, Status             string
	PracticeURL, Title     string
	Kind                   string
	Territory              string
	Speaker, ProposedBy    string
	StartsAt               *time.Time
	Comment                string
	CanDecide, CanRemove   bool
	DecideURL, RemoveURL   string
	SpeakerInput, TimeForm string
}

// MeetingFileView is a file of a meeting.
type MeetingFileView struct {
	ID, Name, URL, Type, SizeText string
	RemoveURL                     string
}

// PracticeOption is a practice to choose in a form.
type PracticeOption struct {
	ID, Title string
}

// MeetingData is a meeting's page. Can holds the actions the reader may
// take now (names of passerelle.MeetingAction without "meeting.").
type MeetingData struct {
	Meeting         MeetingCard
	DescriptionHTML template.HTML
	RecordHTML      template.HTML
	RecordAt        *time.Time
	Organizer       string
	CancelReason    string
	Deadline        time.Time
	Sequence        int
	Agenda          []AgendaItemView // accepted
	Proposals       []AgendaItemView // proposed and declined, for organisers and proposers
	Files           []MeetingFileView
	Proposable      []PracticeOption // the reader's practices they may propose
	Can             map[string]bool
	Errors          []FormError
	// Form re-shows what was typed in a refused form of the page.
	Form struct {
		Practice, Speaker, StartsAt, Comment, Reason string
	}
	SignInURL string
	JSONLD    template.JS
}

// FormErrors implements FormErrorsOf.
func (d *MeetingData) FormErrors() []FormError { return d.Errors }

// MeetingsData is the list of meetings: upcoming, then past (paginated),
// filtered by territory and theme.
type MeetingsData struct {
	Upcoming, Past []MeetingCard
	PastPagination Pagination
	Territories    []Territory
	Themes         []Theme
	Form           struct{ Territory, Theme string }
	CanCreate      bool
	CalendarURL    string       // the iCalendar feed of the selection (absolute, for calendar programs)
	WebcalURL      template.URL // the same with the webcal: scheme, which calendar programs open (built by the server)
	AtomURL        string
	Errors         []FormError
}

// FormErrors implements FormErrorsOf.
func (d *MeetingsData) FormErrors() []FormError { return d.Errors }

// MeetingForm is the meeting form as typed: times as datetime-local values
// in Paris time ("2026-11-15T09:30").
type MeetingForm struct {
	Title, Territory, Description, StartsAt, EndsAt string
	Place, OnlineURL, Capacity, Deadline            string
	Themes                                          []string
}

// MeetingFormData is the page to announce or edit a meeting.
type MeetingFormData struct {
	ID          string // empty for a new meeting
	Version     int
	Form        MeetingForm
	Territories []Territory
	Themes      []Theme
	Errors      []FormError
}

// FormErrors implements FormErrorsOf.
func (d *MeetingFormData) FormErrors() []FormError { return d.Errors }

// RegistrationView is one registration on the attendance page.
type RegistrationView struct {
	UserID, Name, Email, Status string
	Rank                        int
	Attended                    string // "yes", "no" or ""
	RegisteredAt                time.Time
}

// AttendanceData is the attendance page of a meeting: who registered, the
// list to download, and the marks of who came.
type AttendanceData struct {
	Meeting MeetingCard
	Items   []RegistrationView
	CanMark bool
	CSVURL  string
	Errors  []FormError
}

// FormErrors implements FormErrorsOf.
func (d *AttendanceData) FormErrors() []FormError { return d.Errors }

// RecordFormData is the page where the organiser writes the record and
// attaches the meeting's files.
type RecordFormData struct {
	Meeting   MeetingCard
	Record    string
	Published bool
	Files     []MeetingFileView
	CanAttach bool
	MaxSize   string
	Errors    []FormError
}

// FormErrors implements FormErrorsOf.
func (d *RecordFormData) FormErrors() []FormError { return d.Errors }

// PresentationView is a meeting where a practice was presented, on the
// practice's page.
type PresentationView struct {
	Meeting MeetingCard
	Speaker string
}
