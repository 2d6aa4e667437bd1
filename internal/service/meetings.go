package service

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/markdown"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/search"
	"github.com/passerelle/passerelle/internal/store"
)

// Network meetings: the rules of passerelle.MeetingRules meet the policy in
// checkMeeting; each use case checks, writes the change, its audit entry
// and the River jobs it causes in one transaction. Registrations are in
// meeting_registrations.go, the agenda in meeting_agenda.go, the record and
// files in meeting_record.go.

// now is the clock of the meetings' rules; tests move it.
var now = store.Now

// MeetingInput carries the fields of a meeting's creation or edit; a nil
// field is left as it is. Times are RFC 3339 ("2026-11-15T09:30:00+01:00"),
// or a local date-time in Europe/Paris as an HTML form sends it
// ("2026-11-15T09:30"); an empty deadline means "when it starts".
type MeetingInput struct {
	Title, Territory, Description, Place, OnlineURL *string
	Themes                                          *[]string
	StartsAt, EndsAt, RegistrationDeadline          *string
	Capacity                                        *int
	// Version is the version the edit is based on; zero skips the check.
	Version int
}

// ParseMeetingTime reads a time of a meeting: RFC 3339, or a local
// date-time in Europe/Paris ("2006-01-02T15:04", with or without seconds).
func ParseMeetingTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, passerelle.MeetingZone); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func setTime(v passerelle.Validation, field string, dst *time.Time, src *string) {
	if src == nil {
		return
	}
	if strings.TrimSpace(*src) == "" {
		*dst = time.Time{}
		return
	}
	t, ok := ParseMeetingTime(*src)
	if !ok {
		v.Add(field, passerelle.FieldInvalid)
		return
	}
	*dst = t
}

// apply copies the given fields onto m, reporting malformed times in v.
func (in *MeetingInput) apply(m *passerelle.Meeting, v passerelle.Validation) {
	set(&m.Title, in.Title)
	set(&m.TerritoryCode, in.Territory)
	set(&m.Description, in.Description)
	set(&m.Place, in.Place)
	set(&m.OnlineURL, in.OnlineURL)
	set(&m.Themes, in.Themes)
	set(&m.Capacity, in.Capacity)
	setTime(v, "starts_at", &m.StartsAt, in.StartsAt)
	setTime(v, "ends_at", &m.EndsAt, in.EndsAt)
	if in.RegistrationDeadline != nil {
		var d time.Time
		setTime(v, "registration_deadline", &d, in.RegistrationDeadline)
		if d.IsZero() {
			m.RegistrationDeadline = nil
		} else {
			m.RegistrationDeadline = &d
		}
	}
}

// validateMeeting checks m and that its territory and themes exist.
func validateMeeting(snap *authz.Snapshot, m *passerelle.Meeting, v passerelle.Validation) error {
	m.Normalize()
	if err := m.Validate(); err != nil {
		for f, r := range err.(*passerelle.Error).Fields {
			v.Add(f, r)
		}
	}
	if markdown.IsTooComplex(markdown.Check(m.Description)) {
		v.Add("description", passerelle.FieldTooComplex)
	}
	if m.TerritoryCode != "" && snap.Tree().Get(m.TerritoryCode) == nil {
		v.Add("territory", passerelle.FieldUnknown)
	}
	for _, slug := range m.Themes {
		if snap.Theme(slug) == nil {
			v.Add("themes", passerelle.FieldUnknown)
		}
	}
	return v.Err()
}

// mayOrganize reports whether actor organises meetings of territory
// (passerelle.Organizes, the one definition of PartyOrganizer).
func mayOrganize(snap *authz.Snapshot, actor Actor, territory string) bool {
	return passerelle.Organizes(snap, actor, territory)
}

// checkMeeting tells whether actor may do action on m at t: nil, or
// unauthenticated, forbidden (wrong party), conflict (wrong state or
// moment). For the author's party, p is the practice concerned. It is the
// one place where passerelle.MeetingRules meets the policy.
func checkMeeting(snap *authz.Snapshot, actor Actor, m *passerelle.Meeting, action passerelle.MeetingAction, t time.Time, p *passerelle.Practice) error {
	r := passerelle.MeetingRuleFor(action)
	if actor == nil {
		return SignInNeeded()
	}
	switch r.By {
	case passerelle.PartyOrganizer:
		if !mayOrganize(snap, actor, m.TerritoryCode) {
			return forbidden("Only the moderators of this territory organise its meetings.")
		}
	case passerelle.PartyMember:
		if actor.Disabled() {
			return forbidden("This account is disabled.")
		}
	case passerelle.PartyAuthor:
		if p == nil || actor.ID != p.AuthorID {
			return forbidden("Only the author of a practice proposes it.")
		}
		if !mayWrite(snap, actor, passerelle.PermEditPractice, p.TerritoryCode) {
			return forbidden("You are no longer a contributor for this territory.")
		}
	}
	if len(r.In) > 0 && !r.Allows(m.Status) {
		return passerelle.Errorf(passerelle.EConflict, "This cannot be done while the meeting is %s.", m.Status)
	}
	if !r.When.Holds(m, t) {
		switch r.When {
		case passerelle.BeforeDeadline:
			return passerelle.Errorf(passerelle.EConflict, "Registrations to this meeting are closed.")
		case passerelle.BeforeStart:
			return passerelle.Errorf(passerelle.EConflict, "This meeting has already started.")
		default:
			return passerelle.Errorf(passerelle.EConflict, "This meeting has not started yet.")
		}
	}
	return nil
}

// MeetingAbilities says which actions a user may take on a meeting now, for
// the pages to show only the buttons that will work.
type MeetingAbilities map[passerelle.MeetingAction]bool

// MeetingAbilities computes what actor may do with m, from the rules that
// guard the actions themselves. AgendaPropose is true when actor may
// propose at least one of their practices.
func (s *Service) MeetingAbilities(ctx context.Context, actor Actor, m *passerelle.Meeting) MeetingAbilities {
	out := MeetingAbilities{}
	snap, err := s.snapshot(ctx)
	if err != nil || actor == nil {
		return out
	}
	t := now()
	for _, r := range passerelle.MeetingRules {
		// For a proposal: any practice of actor's, anywhere they
		// contribute (mayWrite without a territory).
		mine := &passerelle.Practice{AuthorID: actor.ID}
		out[r.Action] = checkMeeting(snap, actor, m, r.Action, t, mine) == nil
	}
	return out
}

// MayOrganizeAnywhere reports whether actor may create meetings somewhere,
// for the pages to offer it.
func (s *Service) MayOrganizeAnywhere(ctx context.Context, actor Actor) bool {
	snap, err := s.snapshot(ctx)
	return err == nil && (actor.IsAdmin() || snap.CanAnywhere(actor, passerelle.PermOrganizeMeeting))
}

// OrganizerTerritories returns the territories where actor may organise
// meetings, in the order of the tree.
func (s *Service) OrganizerTerritories(ctx context.Context, actor Actor) ([]string, error) {
	snap, err := s.snapshot(ctx)
	if err != nil || actor == nil {
		return nil, err
	}
	return snap.Scopes(actor, passerelle.PermOrganizeMeeting), nil
}

// meetingTarget names a meeting in the audit journal.
func meetingTarget(id int64) string { return "meeting:" + strconv.FormatInt(id, 10) }

func meetingDetails(m *passerelle.Meeting) map[string]string {
	d := map[string]string{"title": m.Title, "territory": m.TerritoryCode, "starts_at": m.StartsAt.Format(time.RFC3339),
		"ends_at": m.EndsAt.Format(time.RFC3339), "capacity": strconv.Itoa(m.Capacity)}
	if m.Place != "" {
		d["place"] = m.Place
	}
	return d
}

// CreateMeeting announces a meeting organised by actor for a territory they
// cover. In one transaction it stores it, writes the audit entry, records
// the news for the followers (when it is still to come) with its fan-out
// job, and schedules the registrants' reminder. Errors: unauthenticated,
// validation_failed (naming the fields), forbidden (not an organiser of the
// territory).
func (s *Service) CreateMeeting(ctx context.Context, actor Actor, in MeetingInput) (*passerelle.Meeting, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	t := now()
	m := &passerelle.Meeting{Status: passerelle.MeetingPlanned, OrganizerID: actor.ID, Version: 1, CreatedAt: t, UpdatedAt: t}
	v := passerelle.Validation{}
	in.apply(m, v)
	if err := validateMeeting(snap, m, v); err != nil {
		return nil, err
	}
	if err := checkMeeting(snap, actor, m, passerelle.MeetingCreate, t, nil); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.InsertMeeting(ctx, tx, m); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, passerelle.AuditAction(passerelle.MeetingCreate), meetingTarget(m.ID), meetingDetails(m)); err != nil {
			return err
		}
		if t.Before(m.StartsAt) {
			if err := s.announce(ctx, tx, m, passerelle.NewsAnnounced, actor, t); err != nil {
				return err
			}
		}
		return s.scheduleReminder(ctx, tx, m, t)
	})
	if err != nil {
		return nil, err
	}
	return store.GetMeeting(ctx, s.DB.Bun, m.ID)
}

// announce records a piece of news about m and queues its fan-out to the
// instant followers (digest followers read it from meeting_news).
func (s *Service) announce(ctx context.Context, tx bun.Tx, m *passerelle.Meeting, kind passerelle.MeetingNewsKind, actor Actor, t time.Time) error {
	n := &store.MeetingNews{MeetingID: m.ID, Kind: kind, ActorID: actor.ID, CreatedAt: t}
	if err := store.InsertMeetingNews(ctx, tx, n); err != nil {
		return err
	}
	_, err := s.River.InsertTx(ctx, tx.Tx, jobs.FanOutMeetingArgs{NewsID: n.ID}, nil)
	return err
}

func (s *Service) scheduleReminder(ctx context.Context, tx bun.Tx, m *passerelle.Meeting, t time.Time) error {
	opts := jobs.ReminderInsertOpts(m.StartsAt, t)
	if opts == nil {
		return nil
	}
	_, err := s.River.InsertTx(ctx, tx.Tx, jobs.MeetingReminderArgs{MeetingID: m.ID, StartsAt: m.StartsAt.Unix()}, opts)
	return err
}

func (s *Service) notice(ctx context.Context, tx bun.Tx, args jobs.MeetingNoticeArgs) error {
	_, err := s.River.InsertTx(ctx, tx.Tx, args, nil)
	return err
}

// Meeting returns one meeting; every meeting is public. Errors: not_found.
func (s *Service) Meeting(ctx context.Context, id int64) (*passerelle.Meeting, error) {
	return store.GetMeeting(ctx, s.DB.Read, id)
}

// MeetingsPerPage is the number of meetings of a page of the lists.
const MeetingsPerPage = 20

// MeetingQuery filters the lists of meetings: a territory (with everything
// below it), a theme, "upcoming" or "past", words, a page from 1.
type MeetingQuery struct {
	Territory, Theme, When, Q, Page string
	// PerPage overrides MeetingsPerPage (feeds: more).
	PerPage int
	// EndedAfter, with When "upcoming", moves the pivot between upcoming
	// and past: the calendar feed keeps the meetings of the last weeks.
	EndedAfter time.Time
	// ByUpdate orders by the last change, latest first (the Atom feed).
	ByUpdate bool
}

// MeetingList is one page of meetings.
type MeetingList struct {
	Items   []*passerelle.Meeting
	Total   int
	Page    int
	PerPage int
}

// Meetings lists meetings: upcoming ones soonest first, past ones latest
// first, all of them latest first, or the best matches first with words.
// Errors: invalid_request naming an unknown territory, theme, time
// selection or a malformed page.
func (s *Service) Meetings(ctx context.Context, q MeetingQuery) (*MeetingList, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	bad := passerelle.Validation{}
	f := store.MeetingFilter{Now: now(), Limit: MeetingsPerPage, ByUpdate: q.ByUpdate}
	if !q.EndedAfter.IsZero() {
		f.Now = q.EndedAfter
	}
	if q.PerPage > 0 {
		f.Limit = q.PerPage
	}
	if q.Territory != "" {
		if f.Territories = snap.Tree().Subtree(q.Territory); f.Territories == nil {
			bad.Add("territory", passerelle.FieldUnknown)
		}
	}
	if q.Theme != "" {
		if snap.Theme(q.Theme) == nil {
			bad.Add("theme", passerelle.FieldUnknown)
		}
		f.Theme = q.Theme
	}
	switch q.When {
	case "", "all":
	case string(store.MeetingsUpcoming), string(store.MeetingsPast):
		f.When = store.MeetingWhen(q.When)
	default:
		bad.Add("when", passerelle.FieldUnknown)
	}
	page := 1
	if q.Page != "" {
		n, err := strconv.Atoi(q.Page)
		if err != nil || n < 1 || n > store.MaxOffset || (n-1)*f.Limit > store.MaxOffset {
			bad.Add("page", passerelle.FieldInvalid)
		}
		page = n
	}
	if len(bad) > 0 {
		return nil, &passerelle.Error{Code: passerelle.EInvalid, Message: "Unknown or malformed filter.", Fields: bad}
	}
	if strings.TrimSpace(q.Q) != "" {
		f.Q = search.Parse(q.Q)
		if f.Q.Empty() {
			return &MeetingList{Items: []*passerelle.Meeting{}, Page: page, PerPage: f.Limit}, nil
		}
	}
	f.Offset = (page - 1) * f.Limit
	items, total, err := store.ListMeetings(ctx, s.DB.Read, f)
	if err != nil {
		return nil, err
	}
	return &MeetingList{Items: items, Total: total, Page: page, PerPage: f.Limit}, nil
}

// loadMeeting returns the meeting and the policy snapshot.
func (s *Service) loadMeeting(ctx context.Context, db bun.IDB, id int64) (*passerelle.Meeting, *authz.Snapshot, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	m, err := store.GetMeeting(ctx, db, id)
	return m, snap, err
}

// staleMeeting is the conflict of an edit based on an old version.
func staleMeeting() error {
	return &passerelle.Error{Code: passerelle.EConflict,
		Message: "Someone else changed this meeting meanwhile; reload it and apply your changes again.",
		Fields:  map[string]string{"version": "stale"}}
}

// UpdateMeeting edits a planned meeting (its organisers). When the title,
// times, place or link change, the iCalendar SEQUENCE is bumped and the
// registrants get the updated invitation; a new start reschedules the
// reminder; more seats promote people waiting. All in one transaction with
// the audit entry. Errors: unauthenticated, not_found, forbidden, conflict
// (not planned, or in.Version is stale), validation_failed (also a
// capacity below the seats already taken).
func (s *Service) UpdateMeeting(ctx context.Context, actor Actor, id int64, in MeetingInput) (*passerelle.Meeting, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	t := now()
	if err := checkMeeting(snap, actor, m, passerelle.MeetingEdit, t, nil); err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != m.Version {
		return nil, staleMeeting()
	}
	before := *m
	v := passerelle.Validation{}
	in.apply(m, v)
	if err := validateMeeting(snap, m, v); err != nil {
		return nil, err
	}
	if m.TerritoryCode != before.TerritoryCode && !mayOrganize(snap, actor, m.TerritoryCode) {
		return nil, forbidden("You do not organise meetings for this territory.")
	}
	sequenced := passerelle.SequencedChange(&before, m)
	if sequenced {
		m.Sequence++
	}
	m.UpdatedAt = t
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockMeeting(ctx, tx, id); err != nil {
			return err
		}
		registered, _, err := store.SeatCounts(ctx, tx, id)
		if err != nil {
			return err
		}
		if m.Capacity != 0 && m.Capacity < registered {
			return &passerelle.Error{Code: passerelle.EValidation, Message: "More people already hold a seat.",
				Fields: map[string]string{"capacity": passerelle.FieldTooShort}}
		}
		if ok, err := store.UpdateMeeting(ctx, tx, m, before.Version); err != nil {
			return err
		} else if !ok {
			return staleMeeting()
		}
		if err := audit(ctx, tx, actor, passerelle.AuditAction(passerelle.MeetingEdit), meetingTarget(m.ID), meetingDetails(m)); err != nil {
			return err
		}
		if sequenced {
			if err := s.notice(ctx, tx, jobs.MeetingNoticeArgs{MeetingID: m.ID, Type: passerelle.NotifyMeetingUpdated,
				Ref: "updated:" + strconv.FormatInt(m.ID, 10) + ":" + strconv.Itoa(m.Sequence)}); err != nil {
				return err
			}
		}
		if !m.StartsAt.Equal(before.StartsAt) {
			if err := s.scheduleReminder(ctx, tx, m, t); err != nil {
				return err
			}
		}
		if m.Capacity == 0 || m.Capacity > before.Capacity {
			_, err := s.River.InsertTx(ctx, tx.Tx, jobs.PromoteWaitingArgs{MeetingID: m.ID}, nil)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return store.GetMeeting(ctx, s.DB.Bun, id)
}

// CancelMeeting calls a planned meeting off before it starts (its
// organisers), with an optional reason: the SEQUENCE is bumped and everyone
// registered or waiting is told, the registrants with a CANCEL for their
// calendar. Errors: unauthenticated, not_found, forbidden, conflict (not
// planned, already started, or changed meanwhile), validation_failed
// (reason too long).
func (s *Service) CancelMeeting(ctx context.Context, actor Actor, id int64, reason string) (*passerelle.Meeting, error) {
	return s.moveMeeting(ctx, actor, id, passerelle.MeetingCancel, func(m *passerelle.Meeting) error {
		m.CancelReason = strings.TrimSpace(reason)
		if len([]rune(m.CancelReason)) > passerelle.MaxCommentLength {
			return &passerelle.Error{Code: passerelle.EValidation, Message: "The reason is too long.",
				Fields: map[string]string{"reason": passerelle.FieldTooLong}}
		}
		return nil
	})
}

// HoldMeeting says a meeting took place, once it has started (its
// organisers). Errors: those of CancelMeeting, conflict before the start.
func (s *Service) HoldMeeting(ctx context.Context, actor Actor, id int64) (*passerelle.Meeting, error) {
	return s.moveMeeting(ctx, actor, id, passerelle.MeetingHold, nil)
}

// moveMeeting applies a rule of passerelle.MeetingRules that changes the
// state of a meeting, with the jobs it causes.
func (s *Service) moveMeeting(ctx context.Context, actor Actor, id int64, action passerelle.MeetingAction, prepare func(*passerelle.Meeting) error) (*passerelle.Meeting, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	t := now()
	if err := checkMeeting(snap, actor, m, action, t, nil); err != nil {
		return nil, err
	}
	if prepare != nil {
		if err := prepare(m); err != nil {
			return nil, err
		}
	}
	r := passerelle.MeetingRuleFor(action)
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := store.MoveMeeting(ctx, tx, m, r.Target(m.Status), r.Sequenced, t); err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.EConflict, "Someone else changed this meeting first; reload it.")
		}
		details := map[string]string{"title": m.Title, "from": string(m.Status), "to": string(r.Target(m.Status))}
		if m.CancelReason != "" {
			details["reason"] = m.CancelReason
		}
		if err := audit(ctx, tx, actor, passerelle.AuditAction(action), meetingTarget(m.ID), details); err != nil {
			return err
		}
		if action == passerelle.MeetingCancel {
			return s.notice(ctx, tx, jobs.MeetingNoticeArgs{MeetingID: m.ID, Type: passerelle.NotifyMeetingCancelled,
				Ref: "cancelled:" + strconv.FormatInt(m.ID, 10)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return store.GetMeeting(ctx, s.DB.Bun, id)
}
