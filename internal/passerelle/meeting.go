package passerelle

import (
	"net/url"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris without the system's zone database
	"unicode/utf8"
)

// Network meetings ("rencontres de réseau"): a resource centre gathers the
// project leaders of its territories on a theme; participants present their
// practices, and the record ("compte rendu") is what the absent read
// afterwards. The whole of their rules is in this file, as tables read top
// to bottom like those of the review (review.go):
//
//   - MeetingRules: what can be done to a meeting, in which states, when
//     (before it starts, before the registration deadline, once it has
//     started), by whom, and which state follows;
//   - RegistrationMoves: how a registration moves between registered,
//     waiting and cancelled, and the waiting-list rule (SeatFor, FreeSeats);
//   - MeetingNotices: who is told what, and which e-mails carry an
//     iCalendar invitation (RFC 5545: REQUEST, or CANCEL).

// MeetingZone is the time zone meetings are held, entered and shown in;
// they are stored in UTC.
var MeetingZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // time/tzdata is linked in: this cannot happen
	}
	return loc
}()

// MeetingStatus is where a meeting stands.
type MeetingStatus string

// The states of a meeting.
const (
	MeetingPlanned   MeetingStatus = "planned"   // announced, to come or under way
	MeetingCancelled MeetingStatus = "cancelled" // called off before it started
	MeetingHeld      MeetingStatus = "held"      // took place; its record may be published
)

// MeetingStatuses lists the states, for filters and documentation.
var MeetingStatuses = []MeetingStatus{MeetingPlanned, MeetingCancelled, MeetingHeld}

// Meeting is a network meeting organised for a territory by one of its
// moderators (or an administrator).
type Meeting struct {
	ID            int64
	Title         string
	TerritoryCode string
	Themes        []string // theme slugs
	Description   string   // Markdown
	// StartsAt and EndsAt are instants (stored in UTC); people enter and
	// read them in MeetingZone.
	StartsAt, EndsAt time.Time
	Place            string // an address, a room
	OnlineURL        string // a video-conference link (http or https)
	// Capacity is the number of seats; 0 means no limit.
	Capacity int
	// RegistrationDeadline closes registrations and cancellations; nil
	// means when the meeting starts.
	RegistrationDeadline *time.Time
	Status               MeetingStatus
	CancelReason         string
	OrganizerID          int64
	OrganizerName        string // filled when read
	// Version is bumped by every change; edits name the version they are
	// based on (ETag / If-Match in the API).
	Version int
	// Sequence is the iCalendar SEQUENCE: bumped by every change that
	// calendars must take in (title, times, place, link, cancellation).
	Sequence int
	// Record is the compte rendu (Markdown), public once RecordPublishedAt
	// is set.
	Record            string
	RecordPublishedAt *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time

	// Filled when read: the seats taken and the length of the waiting list.
	Registered, Waiting int
}

// Field limits of a meeting, in characters.
const (
	maxMeetingPlace = 500
	maxURL          = 2000
	// MaxMeetingCapacity bounds the seats of one meeting.
	MaxMeetingCapacity = 100_000
	// MaxMeetingLength bounds how long one meeting lasts.
	MaxMeetingLength = 14 * 24 * time.Hour
)

// Normalize trims the text fields and drops empty or repeated themes.
func (m *Meeting) Normalize() {
	m.Title = strings.TrimSpace(m.Title)
	m.Description = strings.TrimSpace(m.Description)
	m.Place = strings.TrimSpace(m.Place)
	m.OnlineURL = strings.TrimSpace(m.OnlineURL)
	m.TerritoryCode = strings.TrimSpace(m.TerritoryCode)
	m.Themes = compact(m.Themes)
	m.Record = strings.TrimSpace(m.Record)
	m.CancelReason = strings.TrimSpace(m.CancelReason)
	m.StartsAt, m.EndsAt = m.StartsAt.UTC(), m.EndsAt.UTC()
	if d := m.RegistrationDeadline; d != nil {
		u := d.UTC()
		m.RegistrationDeadline = &u
	}
}

// Validate checks what every meeting must satisfy, naming each faulty field:
// a title, a territory, a start and an end after it (at most
// MaxMeetingLength later), a place or an online link (http or https), a
// capacity between 0 (no limit) and MaxMeetingCapacity, a registration
// deadline no later than the start, and the lengths of the texts. Whether
// the territory and themes exist is checked by the service.
func (m *Meeting) Validate() error {
	v := Validation{}
	if m.Title == "" {
		v.Add("title", FieldRequired)
	}
	tooLong(v, "title", m.Title, maxTitle)
	if m.TerritoryCode == "" {
		v.Add("territory", FieldRequired)
	}
	if len(m.Themes) > maxItems {
		v.Add("themes", FieldTooLong)
	}
	tooLong(v, "description", m.Description, maxBody)
	tooLong(v, "record", m.Record, maxBody)
	tooLong(v, "place", m.Place, maxMeetingPlace)
	tooLong(v, "cancel_reason", m.CancelReason, MaxCommentLength)
	v.Line("title", m.Title)
	v.Line("territory", m.TerritoryCode)
	v.Line("themes", m.Themes...)
	v.Line("place", m.Place)
	v.Line("online_url", m.OnlineURL)
	v.Text("description", m.Description)
	v.Text("record", m.Record)
	v.Text("cancel_reason", m.CancelReason)
	switch {
	case m.StartsAt.IsZero():
		v.Add("starts_at", FieldRequired)
	case m.EndsAt.IsZero():
		v.Add("ends_at", FieldRequired)
	case !m.EndsAt.After(m.StartsAt), m.EndsAt.Sub(m.StartsAt) > MaxMeetingLength:
		v.Add("ends_at", FieldInvalid)
	}
	if m.Place == "" && m.OnlineURL == "" {
		v.Add("place", FieldRequired)
	}
	if m.OnlineURL != "" && !webURL(m.OnlineURL) {
		v.Add("online_url", FieldInvalid)
	}
	if m.Capacity < 0 || m.Capacity > MaxMeetingCapacity {
		v.Add("capacity", FieldInvalid)
	}
	if d := m.RegistrationDeadline; d != nil && !m.StartsAt.IsZero() && d.After(m.StartsAt) {
		v.Add("registration_deadline", FieldInvalid)
	}
	return v.Err()
}

// webURL reports whether s is an absolute http or https URL.
func webURL(s string) bool {
	if utf8.RuneCountInString(s) > maxURL {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// Deadline returns when registrations close: the registration deadline, or
// the start.
func (m *Meeting) Deadline() time.Time {
	if m.RegistrationDeadline != nil {
		return *m.RegistrationDeadline
	}
	return m.StartsAt
}

// Upcoming reports whether the meeting is planned and not over at now.
func (m *Meeting) Upcoming(now time.Time) bool {
	return m.Status == MeetingPlanned && m.EndsAt.After(now)
}

// RecordPublished reports whether the record is public.
func (m *Meeting) RecordPublished() bool { return m.RecordPublishedAt != nil }

// Moment says when, relative to a meeting's times, something may be done.
type Moment string

// The moments of MeetingRules.
const (
	Anytime        Moment = ""                // whatever the time
	BeforeStart    Moment = "before_start"    // until the meeting starts
	BeforeDeadline Moment = "before_deadline" // until registrations close (Deadline)
	AfterStart     Moment = "after_start"     // once the meeting has started
)

// Holds reports whether the moment holds for m at now.
func (w Moment) Holds(m *Meeting, now time.Time) bool {
	switch w {
	case BeforeStart:
		return now.Before(m.StartsAt)
	case BeforeDeadline:
		return now.Before(m.Deadline())
	case AfterStart:
		return !now.Before(m.StartsAt)
	}
	return true
}

// The parties of the meetings' rules, beside PartyAuthor (the author of a
// practice proposed for the agenda).
const (
	// PartyOrganizer is a moderator whose territories cover the meeting's
	// (PermOrganizeMeeting), or an administrator.
	PartyOrganizer Party = "organizer"
	// PartyMember is any signed-in user whose account is enabled.
	PartyMember Party = "member"
)

// Organizes reports whether u organises the meetings of territory: an
// administrator, or a moderator whose territories cover it
// (PermOrganizeMeeting there). It is the one definition of PartyOrganizer.
func Organizes(pol Policy, u *User, territory string) bool {
	if u == nil || u.Disabled() {
		return false
	}
	if u.IsAdmin() {
		return true
	}
	return territory != "" && pol.Can(u, PermOrganizeMeeting, territory)
}

// MeetingAction is something done to a meeting; each is written to the
// audit journal (see MeetingAuditActions) but registrations, which are the
// registrants' own business.
type MeetingAction string

// The actions on meetings.
const (
	MeetingCreate     MeetingAction = "meeting.create"
	MeetingEdit       MeetingAction = "meeting.update"
	MeetingCancel     MeetingAction = "meeting.cancel"
	MeetingHold       MeetingAction = "meeting.hold"
	MeetingRecord     MeetingAction = "meeting.record"     // publish (or correct) the compte rendu
	MeetingAttach     MeetingAction = "meeting.attach"     // add or remove a file of the meeting
	MeetingAttendance MeetingAction = "meeting.attendance" // mark who came
	MeetingRoster     MeetingAction = "meeting.roster"     // read the registrations, download the list
	AgendaAdd         MeetingAction = "meeting.agenda.add"
	AgendaPropose     MeetingAction = "meeting.agenda.propose"
	AgendaAccept      MeetingAction = "meeting.agenda.accept"
	AgendaDecline     MeetingAction = "meeting.agenda.decline"
	AgendaRemove      MeetingAction = "meeting.agenda.remove"
	MeetingRegister   MeetingAction = "meeting.register"
	MeetingUnregister MeetingAction = "meeting.unregister"
)

// MeetingRule is one line of MeetingRules.
type MeetingRule struct {
	Action MeetingAction
	// In lists the states the action may start from; empty for a creation.
	In []MeetingStatus
	// To is the state after the action; "" keeps the state.
	To   MeetingStatus
	By   Party
	When Moment
	// CommentNeeded: a reason is required (declining a proposal).
	CommentNeeded bool
	// Sequenced: the change reaches calendars (the iCalendar SEQUENCE is
	// bumped and registrants get the updated invitation).
	Sequenced bool
}

// MeetingRules is the whole life of a meeting: who may do what, from which
// states, when, and to which state. Anything not listed is refused with a
// conflict (wrong state or moment) or forbidden (wrong party). An organiser
// never decides on a proposal they made themselves, as a moderator never
// decides on their own practice.
var MeetingRules = []MeetingRule{
	// An organiser announces a meeting for a territory they cover.
	{Action: MeetingCreate, To: MeetingPlanned, By: PartyOrganizer},
	// They correct it while it is planned — calendars follow when the
	// title, times, place or link change (the service says which).
	{Action: MeetingEdit, In: []MeetingStatus{MeetingPlanned}, By: PartyOrganizer},
	// They call it off before it starts; everyone registered or waiting
	// is told, calendars get a CANCEL.
	{Action: MeetingCancel, In: []MeetingStatus{MeetingPlanned}, To: MeetingCancelled, By: PartyOrganizer, When: BeforeStart, Sequenced: true},
	// Once it has started, they say it took place, mark who came, and
	// publish its record (which also says it took place).
	{Action: MeetingHold, In: []MeetingStatus{MeetingPlanned}, To: MeetingHeld, By: PartyOrganizer, When: AfterStart},
	{Action: MeetingAttendance, In: []MeetingStatus{MeetingPlanned, MeetingHeld}, By: PartyOrganizer, When: AfterStart},
	{Action: MeetingRecord, In: []MeetingStatus{MeetingPlanned, MeetingHeld}, To: MeetingHeld, By: PartyOrganizer, When: AfterStart},
	// The files of the meeting (slides, attendance sheet, photos) go with
	// it and its record.
	{Action: MeetingAttach, In: []MeetingStatus{MeetingPlanned, MeetingHeld}, By: PartyOrganizer},
	// The organisers see who registered, whatever the state.
	{Action: MeetingRoster, In: MeetingStatuses, By: PartyOrganizer},
	// The agenda is made of published practices: the organiser adds them
	// (before or after the meeting, to say what was presented), the
	// author of one proposes it before the meeting starts, and an
	// organiser accepts or declines (with a reason) the proposal.
	{Action: AgendaAdd, In: []MeetingStatus{MeetingPlanned, MeetingHeld}, By: PartyOrganizer},
	{Action: AgendaPropose, In: []MeetingStatus{MeetingPlanned}, By: PartyAuthor, When: BeforeStart},
	{Action: AgendaAccept, In: []MeetingStatus{MeetingPlanned, MeetingHeld}, By: PartyOrganizer},
	{Action: AgendaDecline, In: []MeetingStatus{MeetingPlanned, MeetingHeld}, By: PartyOrganizer, CommentNeeded: true},
	{Action: AgendaRemove, In: []MeetingStatus{MeetingPlanned, MeetingHeld}, By: PartyOrganizer},
	// Anyone signed in registers, or cancels, until registrations close
	// (see RegistrationMoves for what state they get).
	{Action: MeetingRegister, In: []MeetingStatus{MeetingPlanned}, By: PartyMember, When: BeforeDeadline},
	{Action: MeetingUnregister, In: []MeetingStatus{MeetingPlanned}, By: PartyMember, When: BeforeDeadline},
}

// MeetingRuleFor returns the rule of action, or nil.
func MeetingRuleFor(action MeetingAction) *MeetingRule {
	for i := range MeetingRules {
		if MeetingRules[i].Action == action {
			return &MeetingRules[i]
		}
	}
	return nil
}

// Allows reports whether the rule lets the action start from status.
func (r *MeetingRule) Allows(status MeetingStatus) bool { return slices.Contains(r.In, status) }

// Target returns the state after the action from status.
func (r *MeetingRule) Target(from MeetingStatus) MeetingStatus {
	if r.To == "" {
		return from
	}
	return r.To
}

// MeetingAuditActions lists the actions written to the audit journal.
var MeetingAuditActions = []AuditAction{
	AuditAction(MeetingCreate), AuditAction(MeetingEdit), AuditAction(MeetingCancel), AuditAction(MeetingHold),
	AuditAction(MeetingRecord), AuditAction(MeetingAttach), AuditAction(MeetingAttendance),
	AuditAction(AgendaAdd), AuditAction(AgendaPropose), AuditAction(AgendaAccept), AuditAction(AgendaDecline),
	AuditAction(AgendaRemove),
}

// SequencedChange reports whether an edit from before to after changes what
// calendars hold (title, times, place, link): the SEQUENCE is then bumped
// and the registrants get the updated invitation.
func SequencedChange(before, after *Meeting) bool {
	return before.Title != after.Title || !before.StartsAt.Equal(after.StartsAt) || !before.EndsAt.Equal(after.EndsAt) ||
		before.Place != after.Place || before.OnlineURL != after.OnlineURL
}

// RegistrationStatus is where a registration stands.
type RegistrationStatus string

// The states of a registration. NoRegistration is the state of someone who
// never registered.
const (
	NoRegistration         RegistrationStatus = ""
	RegistrationRegistered RegistrationStatus = "registered"
	RegistrationWaiting    RegistrationStatus = "waiting"
	RegistrationCancelled  RegistrationStatus = "cancelled"
)

// Registration is one person's place at a meeting.
type Registration struct {
	ID        int64
	MeetingID int64
	UserID    int64
	UserName  string // filled when read
	UserEmail string // filled when read, for the organisers' list
	Status    RegistrationStatus
	// Position orders the waiting list (smaller first); it is set when the
	// person joins the list. WaitingRank is their place in it now (1 is
	// next), filled when read for someone waiting.
	Position    int64
	WaitingRank int
	// Attended is nil until the organiser marks who came.
	Attended     *bool
	RegisteredAt time.Time // when they (last) registered
	UpdatedAt    time.Time
}

// RegistrationMove is one line of RegistrationMoves.
type RegistrationMove struct {
	Action MeetingAction
	From   []RegistrationStatus
	// To is the state after the move; a registration gets Full instead
	// when SeatFor gives no seat.
	To, Full RegistrationStatus
	// By is PartyMember (the person themself) or "" for the system (the
	// promotion job).
	By Party
	// FreesSeat: leaving from registered frees a seat, which the
	// promotion job gives to the first person waiting.
	FreesSeat bool
}

// MeetingPromote is the promotion of the first person waiting to a seat
// that freed; only the River job does it, exactly once per seat.
const MeetingPromote MeetingAction = "meeting.promote"

// RegistrationMoves is the whole life of a registration.
var RegistrationMoves = []RegistrationMove{
	// Registering gives a seat if one is free and nobody waits before
	// (SeatFor), else a place at the end of the waiting list. Someone who
	// cancelled may register again, at the end of the list like anyone.
	{Action: MeetingRegister, From: []RegistrationStatus{NoRegistration, RegistrationCancelled}, To: RegistrationRegistered, Full: RegistrationWaiting, By: PartyMember},
	// Cancelling frees the seat (or the place in the list).
	{Action: MeetingUnregister, From: []RegistrationStatus{RegistrationRegistered, RegistrationWaiting}, To: RegistrationCancelled, By: PartyMember, FreesSeat: true},
	// When seats are free, the people waiting get them in the order they
	// joined the list (FreeSeats says how many), each told once.
	{Action: MeetingPromote, From: []RegistrationStatus{RegistrationWaiting}, To: RegistrationRegistered},
}

// RegistrationMoveFor returns the move of action, or nil.
func RegistrationMoveFor(action MeetingAction) *RegistrationMove {
	for i := range RegistrationMoves {
		if RegistrationMoves[i].Action == action {
			return &RegistrationMoves[i]
		}
	}
	return nil
}

// Allows reports whether the move may start from status.
func (m *RegistrationMove) Allows(status RegistrationStatus) bool {
	return slices.Contains(m.From, status)
}

// SeatFor is the waiting-list rule for a newcomer: a seat when the meeting
// has no limit, or when a seat is free and nobody is waiting (those already
// waiting go first); otherwise the end of the waiting list.
func SeatFor(capacity, registered, waiting int) RegistrationStatus {
	if capacity == 0 || (registered < capacity && waiting == 0) {
		return RegistrationRegistered
	}
	return RegistrationWaiting
}

// FreeSeats returns how many people waiting can be given a seat now: every
// one when the meeting has no limit.
func FreeSeats(capacity, registered, waiting int) int {
	if capacity == 0 {
		return waiting
	}
	return max(0, min(capacity-registered, waiting))
}

// AgendaStatus is where an item of the agenda stands.
type AgendaStatus string

// The states of an agenda item.
const (
	AgendaProposed AgendaStatus = "proposed" // by the practice's author, waiting for an organiser
	AgendaAccepted AgendaStatus = "accepted" // on the agenda
	AgendaDeclined AgendaStatus = "declined" // not retained, with a reason
)

// AgendaItem is a practice presented at a meeting.
type AgendaItem struct {
	ID         int64
	MeetingID  int64
	PracticeID int64
	// Position orders the agenda (smaller first).
	Position int
	Speaker  string
	// StartsAt is the time of the item, if the organiser gives one.
	StartsAt   *time.Time
	Status     AgendaStatus
	ProposedBy int64
	DecidedBy  int64
	DecidedAt  *time.Time
	Comment    string // the reason of a decline, or the proposer's note
	CreatedAt  time.Time

	// Filled when read.
	PracticeTitle     string
	PracticeTerritory string
	PracticeKind      Kind
	ProposedByName    string
}

// Normalize trims the text fields of an agenda item.
func (a *AgendaItem) Normalize() {
	a.Speaker = strings.TrimSpace(a.Speaker)
	a.Comment = strings.TrimSpace(a.Comment)
	if a.StartsAt != nil {
		u := a.StartsAt.UTC()
		a.StartsAt = &u
	}
}

// Validate checks an agenda item against its meeting: a practice, a speaker
// name and note of bounded length, a time within the meeting.
func (a *AgendaItem) Validate(m *Meeting) error {
	v := Validation{}
	if a.PracticeID <= 0 {
		v.Add("practice_id", FieldRequired)
	}
	tooLong(v, "speaker", a.Speaker, maxTitle)
	tooLong(v, "comment", a.Comment, MaxCommentLength)
	v.Line("speaker", a.Speaker)
	v.Text("comment", a.Comment)
	if a.StartsAt != nil && (a.StartsAt.Before(m.StartsAt) || a.StartsAt.After(m.EndsAt)) {
		v.Add("starts_at", FieldInvalid)
	}
	if a.Position < 0 || a.Position > 10_000 {
		v.Add("position", FieldInvalid)
	}
	return v.Err()
}

// The notifications of meetings.
const (
	NotifyMeetingNew          = "meeting.new"          // to followers of its territory or themes
	NotifyMeetingRegistered   = "meeting.registered"   // to the registrant: a seat, with the invitation
	NotifyMeetingWaiting      = "meeting.waiting"      // to the registrant: on the waiting list
	NotifyMeetingPromoted     = "meeting.promoted"     // to the registrant: a seat freed for them, with the invitation
	NotifyMeetingUnregistered = "meeting.unregistered" // to the person who cancelled: the invitation withdrawn
	NotifyMeetingUpdated      = "meeting.updated"      // to the registrants: new times or place, the updated invitation
	NotifyMeetingCancelled    = "meeting.cancelled"    // to the registrants and those waiting: called off
	NotifyMeetingReminder     = "meeting.reminder"     // to the registrants, two days before
	NotifyMeetingRecord       = "meeting.record"       // to the registrants and followers: the record is out
	NotifyAgendaProposed      = "meeting.agenda_proposed"
	NotifyAgendaAccepted      = "meeting.agenda_accepted"
	NotifyAgendaDeclined      = "meeting.agenda_declined"
)

// ICalMethod is the iTIP method (RFC 5546) of the iCalendar file an e-mail
// carries: REQUEST adds or updates the meeting in the recipient's calendar,
// CANCEL removes it.
type ICalMethod string

// The methods of the invitations.
const (
	NoInvitation      ICalMethod = ""
	InvitationRequest ICalMethod = "REQUEST"
	InvitationCancel  ICalMethod = "CANCEL"
)

// MeetingNotice says, for one notification of meetings, who gets it, in
// which e-mail category, and which invitation the e-mail carries.
type MeetingNotice struct {
	Type       string
	To         string // who, in words
	Category   EmailCategory
	Invitation ICalMethod
}

// ReminderLead is how long before a meeting its registrants are reminded.
const ReminderLead = 48 * time.Hour

// MeetingNotices is who is told what about meetings.
var MeetingNotices = []MeetingNotice{
	{Type: NotifyMeetingNew, To: "instant followers of the territory or a theme (digest followers: in their digest)", Category: EmailNewPractices},
	{Type: NotifyMeetingRegistered, To: "the registrant", Category: EmailMeetings, Invitation: InvitationRequest},
	{Type: NotifyMeetingWaiting, To: "the registrant", Category: EmailMeetings},
	{Type: NotifyMeetingPromoted, To: "the person promoted, once", Category: EmailMeetings, Invitation: InvitationRequest},
	{Type: NotifyMeetingUnregistered, To: "the person who cancelled, if they had a seat", Category: EmailMeetings, Invitation: InvitationCancel},
	{Type: NotifyMeetingUpdated, To: "the registrants", Category: EmailMeetings, Invitation: InvitationRequest},
	{Type: NotifyMeetingCancelled, To: "the registrants (and those waiting)", Category: EmailMeetings, Invitation: InvitationCancel},
	{Type: NotifyMeetingReminder, To: "the registrants, ReminderLead before", Category: EmailMeetings, Invitation: InvitationRequest},
	{Type: NotifyMeetingRecord, To: "the registrants, and instant followers (digest followers: in their digest)", Category: EmailMeetings},
	{Type: NotifyAgendaProposed, To: "the organisers covering the territory, but the proposer", Category: EmailReviews},
	{Type: NotifyAgendaAccepted, To: "the proposer", Category: EmailDecisions},
	{Type: NotifyAgendaDeclined, To: "the proposer", Category: EmailDecisions},
}

// MeetingNoticeFor returns the notice of a notification type, or nil when it
// is not about meetings.
func MeetingNoticeFor(typ string) *MeetingNotice {
	for i := range MeetingNotices {
		if MeetingNotices[i].Type == typ {
			return &MeetingNotices[i]
		}
	}
	return nil
}

// MatchesMeeting reports whether a meeting concerns the subscription: a
// subscription to a territory (and what is below it) or a theme matches the
// meetings of that territory or theme; one that names a kind of practice
// follows practices only. chain is the meeting's territory followed by its
// ancestors.
func (s *Subscription) MatchesMeeting(m *Meeting, chain []string) bool {
	if s.Kind != "" {
		return false
	}
	if s.Territory != "" && !slices.Contains(chain, s.Territory) {
		return false
	}
	return s.Theme == "" || slices.Contains(m.Themes, s.Theme)
}

// MeetingNewsKind tells what a piece of meeting news announces to followers.
type MeetingNewsKind string

// The news of meetings followers hear of, at once or in their digest.
const (
	NewsAnnounced MeetingNewsKind = "announced" // a new meeting
	NewsRecord    MeetingNewsKind = "record"    // its record is published
)
