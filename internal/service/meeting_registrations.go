package service

import (
	"context"
	"errors"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// Register registers actor to a meeting, up to its registration deadline:
// a seat when one is free and nobody waits (passerelle.SeatFor), else a
// place at the end of the waiting list. Under the meeting's lock, so that
// two people never take the same last seat; the confirmation (with the
// invitation, for a seat) is queued in the same transaction. Registering
// again while registered or waiting changes nothing and answers the
// registration as it is. Errors: unauthenticated, not_found, forbidden
// (disabled account), conflict (not planned, or registrations closed).
func (s *Service) Register(ctx context.Context, actor Actor, meetingID int64) (*passerelle.Registration, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return nil, err
	}
	if err := checkMeeting(snap, actor, m, passerelle.MeetingRegister, now(), nil); err != nil {
		return nil, err
	}
	move := passerelle.RegistrationMoveFor(passerelle.MeetingRegister)
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		// Read again under the lock: the meeting may have been cancelled
		// or filled meanwhile.
		cur, err := store.GetMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		t := now()
		if err := checkMeeting(snap, actor, cur, passerelle.MeetingRegister, t, nil); err != nil {
			return err
		}
		reg, err := store.GetRegistration(ctx, tx, meetingID, actor.ID)
		if err != nil {
			return err
		}
		from := passerelle.NoRegistration
		if reg != nil {
			from = reg.Status
		}
		if !move.Allows(from) {
			return errAlready
		}
		registered, waiting, err := store.SeatCounts(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		next := &passerelle.Registration{MeetingID: meetingID, UserID: actor.ID, RegisteredAt: t, UpdatedAt: t,
			Status: passerelle.SeatFor(cur.Capacity, registered, waiting)}
		if ok, err := store.SaveRegistration(ctx, tx, next, from); err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.EConflict, "Your registration changed meanwhile; reload the page.")
		}
		typ := passerelle.NotifyMeetingRegistered
		if next.Status == passerelle.RegistrationWaiting {
			typ = passerelle.NotifyMeetingWaiting
		}
		return s.notice(ctx, tx, jobs.MeetingNoticeArgs{MeetingID: meetingID, Type: typ, UserID: actor.ID,
			Ref: jobs.RegistrationRef(string(next.Status), next)})
	})
	if err != nil && !errors.Is(err, errAlready) {
		return nil, err
	}
	return store.GetRegistration(ctx, s.DB.Bun, meetingID, actor.ID)
}

// errAlready ends Register for someone already registered or waiting.
var errAlready = passerelle.Errorf(passerelle.EConflict, "already registered")

// Unregister cancels actor's registration (or place in the waiting list)
// up to the registration deadline. A freed seat queues the promotion of
// the first person waiting, and the person who held it gets a CANCEL for
// their calendar — in the same transaction. Errors: unauthenticated,
// not_found (the meeting, or no registration), conflict (not planned, or
// registrations closed).
func (s *Service) Unregister(ctx context.Context, actor Actor, meetingID int64) (*passerelle.Registration, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return nil, err
	}
	if err := checkMeeting(snap, actor, m, passerelle.MeetingUnregister, now(), nil); err != nil {
		return nil, err
	}
	move := passerelle.RegistrationMoveFor(passerelle.MeetingUnregister)
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		cur, err := store.GetMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		t := now()
		if err := checkMeeting(snap, actor, cur, passerelle.MeetingUnregister, t, nil); err != nil {
			return err
		}
		reg, err := store.GetRegistration(ctx, tx, meetingID, actor.ID)
		if err != nil {
			return err
		}
		if reg == nil || !move.Allows(reg.Status) {
			return passerelle.Errorf(passerelle.ENotFound, "You are not registered to this meeting.")
		}
		from := reg.Status
		reg.Status, reg.UpdatedAt = move.To, t
		if ok, err := store.SaveRegistration(ctx, tx, reg, from); err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.EConflict, "Your registration changed meanwhile; reload the page.")
		}
		if from != passerelle.RegistrationRegistered || !move.FreesSeat {
			return nil
		}
		if err := s.notice(ctx, tx, jobs.MeetingNoticeArgs{MeetingID: meetingID, Type: passerelle.NotifyMeetingUnregistered,
			UserID: actor.ID, Ref: "unregistered:" + strconv.FormatInt(reg.ID, 10) + ":" + strconv.FormatInt(t.UnixMicro(), 10)}); err != nil {
			return err
		}
		_, err = s.River.InsertTx(ctx, tx.Tx, jobs.PromoteWaitingArgs{MeetingID: meetingID}, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return store.GetRegistration(ctx, s.DB.Bun, meetingID, actor.ID)
}

// MyRegistration returns actor's registration to a meeting, or nil.
func (s *Service) MyRegistration(ctx context.Context, actor Actor, meetingID int64) (*passerelle.Registration, error) {
	if actor == nil {
		return nil, nil
	}
	return store.GetRegistration(ctx, s.DB.Read, meetingID, actor.ID)
}

// MyRegistrations returns actor's registrations to the given meetings, by
// meeting id (empty for an anonymous reader).
func (s *Service) MyRegistrations(ctx context.Context, actor Actor, ms []*passerelle.Meeting) (map[int64]passerelle.Registration, error) {
	if actor == nil || len(ms) == 0 {
		return map[int64]passerelle.Registration{}, nil
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return store.MyRegistrations(ctx, s.DB.Read, actor.ID, ids)
}

// Registrations returns who registered to a meeting — seats, then the
// waiting list in its order, then cancellations — to its organisers.
// Errors: unauthenticated, not_found, forbidden.
func (s *Service) Registrations(ctx context.Context, actor Actor, meetingID int64) (*passerelle.Meeting, []passerelle.Registration, error) {
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return nil, nil, err
	}
	if err := checkMeeting(snap, actor, m, passerelle.MeetingRoster, now(), nil); err != nil {
		return nil, nil, err
	}
	regs, err := store.ListRegistrations(ctx, s.DB.Read, meetingID)
	return m, regs, err
}

// Attendance is the organiser's mark of whether one registrant came.
type Attendance struct {
	UserID   int64
	Attended *bool // nil: unknown
}

// SetAttendance marks who came, once the meeting has started (its
// organisers), with the audit entry. Errors: unauthenticated, not_found,
// forbidden, conflict (not started, or cancelled), validation_failed
// naming "user_id" for someone who held no seat.
func (s *Service) SetAttendance(ctx context.Context, actor Actor, meetingID int64, marks []Attendance) error {
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return err
	}
	t := now()
	if err := checkMeeting(snap, actor, m, passerelle.MeetingAttendance, t, nil); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		came := 0
		for _, mark := range marks {
			ok, err := store.SetAttendance(ctx, tx, meetingID, mark.UserID, mark.Attended, t)
			if err != nil {
				return err
			} else if !ok {
				return &passerelle.Error{Code: passerelle.EValidation, Message: "This person held no seat at the meeting.",
					Fields: map[string]string{"user_id": passerelle.FieldUnknown}}
			}
			if mark.Attended != nil && *mark.Attended {
				came++
			}
		}
		return audit(ctx, tx, actor, passerelle.AuditAction(passerelle.MeetingAttendance), meetingTarget(m.ID),
			map[string]string{"title": m.Title, "marked": strconv.Itoa(len(marks)), "present": strconv.Itoa(came)})
	})
}
