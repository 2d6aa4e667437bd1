package service

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// ContactAuthor sends actor's message to the author of a published
// practice through the platform (passerelle.MayContact): the message is
// stored, counted against actor's limit (passerelle.ContactThrottle),
// audited (its length, never its text) and handed to the notify_contact
// job, in one transaction; the job tells the author in-app and by e-mail,
// without actor's address unless actor chose to share it (shareAddress) —
// and never the author's to actor. Errors:
// unauthenticated; not_found (a practice actor may not see); forbidden
// (disabled account, or actor's own practice); conflict (not published);
// validation_failed on "message"; rate_limited (with RetryAfter).
func (s *Service) ContactAuthor(ctx context.Context, actor Actor, practiceID int64, message string, shareAddress bool) error {
	if actor == nil {
		return SignInNeeded()
	}
	p, _, err := s.load(ctx, s.DB.Read, actor, practiceID)
	if err != nil {
		return err
	}
	if !p.Published() {
		return passerelle.Errorf(passerelle.EConflict, "Only the authors of published practices can be contacted.")
	}
	if !passerelle.MayContact(actor, p) {
		return forbidden("You cannot contact the author of this practice.")
	}
	m := &passerelle.ContactMessage{PracticeID: p.ID, SenderID: actor.ID, RecipientID: p.AuthorID, Body: message, ShareAddress: shareAddress, CreatedAt: store.Now()}
	m.Normalize()
	if err := m.Validate(); err != nil {
		return err
	}
	ok, wait, err := store.TakeAttempt(ctx, s.DB.Bun, passerelle.ContactKey(actor.ID), passerelle.ContactThrottle, m.CreatedAt)
	if err != nil {
		return err
	}
	if !ok {
		return passerelle.RateLimited(wait)
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.InsertContactMessage(ctx, tx, m); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, passerelle.AuditContact, strconv.FormatInt(p.ID, 10),
			map[string]string{"message": strconv.FormatInt(m.ID, 10), "length": strconv.Itoa(len([]rune(m.Body)))}); err != nil {
			return err
		}
		_, err := s.River.InsertTx(ctx, tx.Tx, jobs.NotifyContactArgs{MessageID: m.ID}, nil)
		return err
	})
}

// MayContact reports whether actor may write to the author of p
// (passerelle.MayContact), for pages to offer the form.
func (s *Service) MayContact(actor Actor, p *passerelle.Practice) bool {
	return passerelle.MayContact(actor, p)
}
