package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// AgendaInput is a practice for a meeting's agenda: by its organiser
// (added at once) or by the practice's author (a proposal an organiser
// accepts or declines). StartsAt is optional, in the forms ParseMeetingTime
// reads; Position 0 puts it last.
type AgendaInput struct {
	PracticeID int64
	Speaker    string
	StartsAt   string
	Position   int
	Comment    string // the proposer's note
}

// AddToAgenda puts a published practice on a meeting's agenda. An organiser
// adds it (accepted at once, AgendaAdd); otherwise the practice's author
// proposes it (AgendaPropose), and the organisers covering the territory
// are told. With the audit entry, in one transaction. Errors:
// unauthenticated, not_found (meeting, or a practice actor may not see),
// forbidden (neither organiser nor author), conflict (practice not
// published, already on the agenda, wrong state or moment),
// validation_failed.
func (s *Service) AddToAgenda(ctx context.Context, actor Actor, meetingID int64, in AgendaInput) (*passerelle.AgendaItem, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return nil, err
	}
	if in.PracticeID <= 0 {
		return nil, &passerelle.Error{Code: passerelle.EValidation, Message: "Choose a practice.",
			Fields: map[string]string{"practice_id": passerelle.FieldRequired}}
	}
	p, _, err := s.load(ctx, s.DB.Read, actor, in.PracticeID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return nil, &passerelle.Error{Code: passerelle.EValidation, Message: "Unknown practice.",
			Fields: map[string]string{"practice_id": passerelle.FieldUnknown}}
	} else if err != nil {
		return nil, err
	}
	t := now()
	action := passerelle.AgendaAdd
	if !mayOrganize(snap, actor, m.TerritoryCode) {
		action = passerelle.AgendaPropose
	}
	if err := checkMeeting(snap, actor, m, action, t, p); err != nil {
		return nil, err
	}
	if !p.Published() {
		return nil, passerelle.Errorf(passerelle.EConflict, "Only a published practice goes on an agenda.")
	}
	item := &passerelle.AgendaItem{MeetingID: m.ID, PracticeID: p.ID, Speaker: in.Speaker, Position: in.Position,
		Comment: in.Comment, ProposedBy: actor.ID, CreatedAt: t, Status: passerelle.AgendaProposed}
	if action == passerelle.AgendaAdd {
		item.Status, item.DecidedBy, item.DecidedAt = passerelle.AgendaAccepted, actor.ID, &t
		if item.Speaker == "" {
			item.Speaker = p.AuthorName
		}
	}
	v := passerelle.Validation{}
	if strings.TrimSpace(in.StartsAt) != "" {
		if st, ok := ParseMeetingTime(in.StartsAt); ok {
			item.StartsAt = &st
		} else {
			v.Add("starts_at", passerelle.FieldInvalid)
		}
	}
	item.Normalize()
	if err := item.Validate(m); err != nil {
		for f, r := range err.(*passerelle.Error).Fields {
			v.Add(f, r)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.InsertAgendaItem(ctx, tx, item); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, passerelle.AuditAction(action), meetingTarget(m.ID),
			map[string]string{"title": m.Title, "practice": strconv.FormatInt(p.ID, 10), "practice_title": p.Title}); err != nil {
			return err
		}
		if action != passerelle.AgendaPropose {
			return nil
		}
		return s.notice(ctx, tx, jobs.MeetingNoticeArgs{MeetingID: m.ID, Type: passerelle.NotifyAgendaProposed, UserID: actor.ID,
			ItemID: item.ID, Ref: "agenda:" + strconv.FormatInt(item.ID, 10) + ":proposed"})
	})
	if err != nil {
		return nil, err
	}
	return store.GetAgendaItem(ctx, s.DB.Bun, m.ID, item.ID)
}

// AgendaDecisions maps the decisions on a proposal to their actions.
var AgendaDecisions = map[string]passerelle.MeetingAction{"accept": passerelle.AgendaAccept, "decline": passerelle.AgendaDecline}

// AgendaDecision is an organiser's answer to a proposal: "accept" (with the
// speaker and time, optional) or "decline" (with a reason).
type AgendaDecision struct {
	Decision, Comment, Speaker, StartsAt string
}

// DecideAgendaItem accepts or declines a proposal for a meeting's agenda
// (an organiser who did not make it, as a moderator never decides on their
// own practice); the proposer is told, with the audit entry, in one
// transaction. Errors: unauthenticated, not_found, forbidden, conflict (not
// a proposal any more, wrong state), validation_failed (unknown decision,
// reason missing to decline).
func (s *Service) DecideAgendaItem(ctx context.Context, actor Actor, meetingID, itemID int64, d AgendaDecision) (*passerelle.AgendaItem, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	action, ok := AgendaDecisions[d.Decision]
	if !ok {
		reason := passerelle.FieldUnknown
		if d.Decision == "" {
			reason = passerelle.FieldRequired
		}
		return nil, &passerelle.Error{Code: passerelle.EValidation, Message: "Unknown decision.", Fields: map[string]string{"decision": reason}}
	}
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return nil, err
	}
	item, err := store.GetAgendaItem(ctx, s.DB.Read, meetingID, itemID)
	if err != nil {
		return nil, err
	}
	t := now()
	if err := checkMeeting(snap, actor, m, action, t, nil); err != nil {
		return nil, err
	}
	if item.ProposedBy == actor.ID {
		return nil, forbidden("An organiser never decides on their own proposal.")
	}
	if item.Status != passerelle.AgendaProposed {
		return nil, passerelle.Errorf(passerelle.EConflict, "This proposal was already answered.")
	}
	r := passerelle.MeetingRuleFor(action)
	comment := strings.TrimSpace(d.Comment)
	if _, err := passerelle.ValidateComment(comment, nil, r.CommentNeeded); err != nil {
		return nil, err
	}
	to := passerelle.AgendaAccepted
	if action == passerelle.AgendaDecline {
		to = passerelle.AgendaDeclined
	}
	item.Comment = comment
	if sp := strings.TrimSpace(d.Speaker); sp != "" {
		item.Speaker = sp
	}
	v := passerelle.Validation{}
	if strings.TrimSpace(d.StartsAt) != "" {
		if st, ok := ParseMeetingTime(d.StartsAt); ok {
			item.StartsAt = &st
		} else {
			v.Add("starts_at", passerelle.FieldInvalid)
		}
	}
	item.Normalize()
	if err := item.Validate(m); err != nil {
		for f, r := range err.(*passerelle.Error).Fields {
			v.Add(f, r)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := store.DecideAgendaItem(ctx, tx, item, to, actor.ID, t); err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.EConflict, "Someone else answered this proposal first; reload it.")
		}
		details := map[string]string{"title": m.Title, "practice": strconv.FormatInt(item.PracticeID, 10), "practice_title": item.PracticeTitle}
		if comment != "" {
			details["comment"] = comment
		}
		if err := audit(ctx, tx, actor, passerelle.AuditAction(action), meetingTarget(m.ID), details); err != nil {
			return err
		}
		typ := passerelle.NotifyAgendaAccepted
		if to == passerelle.AgendaDeclined {
			typ = passerelle.NotifyAgendaDeclined
		}
		return s.notice(ctx, tx, jobs.MeetingNoticeArgs{MeetingID: m.ID, Type: typ, UserID: item.ProposedBy, ItemID: item.ID,
			Ref: "agenda:" + strconv.FormatInt(item.ID, 10) + ":" + string(to)})
	})
	if err != nil {
		return nil, err
	}
	return store.GetAgendaItem(ctx, s.DB.Bun, meetingID, itemID)
}

// RemoveFromAgenda takes an item off a meeting's agenda (its organisers),
// with the audit entry. Errors: unauthenticated, not_found, forbidden,
// conflict (wrong state).
func (s *Service) RemoveFromAgenda(ctx context.Context, actor Actor, meetingID, itemID int64) error {
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return err
	}
	item, err := store.GetAgendaItem(ctx, s.DB.Read, meetingID, itemID)
	if err != nil {
		return err
	}
	if err := checkMeeting(snap, actor, m, passerelle.AgendaRemove, now(), nil); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := store.DeleteAgendaItem(ctx, tx, meetingID, itemID); err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.ENotFound, "Agenda item not found.")
		}
		return audit(ctx, tx, actor, passerelle.AuditAction(passerelle.AgendaRemove), meetingTarget(m.ID),
			map[string]string{"title": m.Title, "practice": strconv.FormatInt(item.PracticeID, 10), "practice_title": item.PracticeTitle})
	})
}

// Agenda returns the agenda of a meeting as actor may see it: the accepted
// items for everyone; the proposals and declined ones too for its
// organisers; their own proposals for their authors. The practices of the
// items are published ones only (an archived practice leaves the public
// agenda).
func (s *Service) Agenda(ctx context.Context, actor Actor, meetingID int64) ([]passerelle.AgendaItem, error) {
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return nil, err
	}
	items, err := store.ListAgenda(ctx, s.DB.Read, meetingID)
	if err != nil {
		return nil, err
	}
	organizer := mayOrganize(snap, actor, m.TerritoryCode)
	out := items[:0]
	for _, it := range items {
		switch {
		case organizer:
		case actor != nil && it.ProposedBy == actor.ID && it.Status != passerelle.AgendaAccepted:
		case it.Status == passerelle.AgendaAccepted:
			p, _, err := s.load(ctx, s.DB.Read, actor, it.PracticeID)
			if err != nil || !p.Published() {
				continue
			}
		default:
			continue
		}
		out = append(out, it)
	}
	return out, nil
}

// Presentation is a meeting where a practice was (or will be) presented.
type Presentation = store.Presentation

// PracticeMeetings returns the meetings, not cancelled, whose agenda holds
// a practice, latest first, to whoever may see the practice. Errors:
// not_found.
func (s *Service) PracticeMeetings(ctx context.Context, actor Actor, practiceID int64) ([]Presentation, error) {
	if _, _, err := s.load(ctx, s.DB.Read, actor, practiceID); err != nil {
		return nil, err
	}
	return store.PresentationsOf(ctx, s.DB.Read, practiceID)
}

// ProposableFor returns the published practices of actor that may still be
// proposed for a meeting (not yet on its agenda), newest first.
func (s *Service) ProposableFor(ctx context.Context, actor Actor, meetingID int64) ([]*passerelle.Practice, error) {
	if actor == nil {
		return nil, nil
	}
	mine, _, err := store.ListPractices(ctx, s.DB.Read, store.PracticeFilter{AuthorID: actor.ID,
		Statuses: []passerelle.Status{passerelle.StatusPublished}, Limit: 200})
	if err != nil {
		return nil, err
	}
	items, err := store.ListAgenda(ctx, s.DB.Read, meetingID)
	if err != nil {
		return nil, err
	}
	on := map[int64]bool{}
	for _, it := range items {
		on[it.PracticeID] = true
	}
	out := mine[:0]
	for _, p := range mine {
		if !on[p.ID] {
			out = append(out, p)
		}
	}
	return out, nil
}
