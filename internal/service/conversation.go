package service

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// inConversation reports whether a history entry belongs to the
// conversation of a review: a comment, or the reason given with a decision.
func inConversation(e passerelle.Event) bool {
	switch e.Action {
	case passerelle.ActionComment:
		return true
	case passerelle.ActionApprove, passerelle.ActionRequestChanges, passerelle.ActionReject:
		return e.Comment != ""
	}
	return false
}

// conversation turns the history of p into its conversation, oldest first,
// each message tagged with the revision it was about.
func conversation(p *passerelle.Practice, events []passerelle.Event) []passerelle.Comment {
	out := []passerelle.Comment{}
	revision := 0
	for _, e := range events {
		if e.Action == passerelle.ActionSubmit {
			revision++
		}
		if !inConversation(e) {
			continue
		}
		c := passerelle.Comment{ID: e.ID, PracticeID: e.PracticeID, At: e.At, AuthorID: e.ActorID, AuthorName: e.ActorName,
			ByModerator: e.ActorID != p.AuthorID, Body: e.Comment, Fields: e.Fields, Revision: revision}
		if e.Action != passerelle.ActionComment {
			c.Decision = e.Action
		}
		out = append(out, c)
	}
	return out
}

// loadSeeing loads a practice for one who may see part of it
// (passerelle.Audience.Sees): the conversation, the revisions; anyone else
// gets not_found for what they may not see at all, forbidden for a
// published practice they may read.
func (s *Service) loadSeeing(ctx context.Context, actor Actor, id int64, part passerelle.Part) (*passerelle.Practice, authzSnapshot, error) {
	p, snap, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil {
		return nil, nil, err
	}
	if !passerelle.AudienceOf(snap, actor, p).Sees(part) {
		if actor == nil {
			return nil, nil, SignInNeeded()
		}
		return nil, nil, forbidden("Only the author and the moderators of the territory take part in its review.")
	}
	return p, snap, nil
}

// Comments returns the conversation of a practice's review — comments and
// the reasons of decisions — oldest first, to its author, the moderators
// covering it and admins. Errors: unauthenticated, not_found, forbidden.
func (s *Service) Comments(ctx context.Context, actor Actor, id int64) ([]passerelle.Comment, error) {
	p, _, err := s.loadSeeing(ctx, actor, id, passerelle.PartConversation)
	if err != nil {
		return nil, err
	}
	events, err := store.ListEvents(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	return conversation(p, events), nil
}

// AddComment adds a comment to the review of a practice, by its author or a
// moderator covering it, while it is submitted or sent back for changes;
// fields optionally name what the comment is about. The other side is
// notified (passerelle.NotifyComment). Errors: unauthenticated, not_found,
// forbidden, conflict (wrong state), validation_failed (empty or too long
// comment, unknown field).
func (s *Service) AddComment(ctx context.Context, actor Actor, id int64, body string, fields []string) (*passerelle.Comment, error) {
	p, snap, err := s.loadFor(ctx, actor, id, passerelle.ActionComment)
	if err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if fields, err = passerelle.ValidateComment(body, fields, true); err != nil {
		return nil, err
	}
	ev := &passerelle.Event{PracticeID: id, At: store.Now(), ActorID: actor.ID, Action: passerelle.ActionComment,
		Comment: body, Fields: fields}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockPractice(ctx, tx, id); err != nil {
			return err
		}
		cur, err := store.GetPractice(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := checkActivity(snap, actor, cur, passerelle.ActionComment); err != nil {
			return err
		}
		ev.From, ev.To = cur.Status, cur.Status
		if err := store.InsertEvent(ctx, tx, ev); err != nil {
			return err
		}
		_, err = s.River.InsertTx(ctx, tx.Tx, jobs.NotifyEventArgs{EventID: ev.ID}, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &passerelle.Comment{ID: ev.ID, PracticeID: id, At: ev.At, AuthorID: actor.ID, AuthorName: actor.Name,
		ByModerator: actor.ID != p.AuthorID, Body: body, Fields: fields, Revision: p.Revision}, nil
}

// Remarks returns what the moderators asked about each field of the sheet
// since the practice was last submitted — comments and decision reasons
// that named fields — for the author's edit form to show beside them.
// Remarks naming no field are under "". Errors: those of Comments.
func (s *Service) Remarks(ctx context.Context, actor Actor, id int64) (map[string][]passerelle.Comment, error) {
	all, err := s.Comments(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	out := map[string][]passerelle.Comment{}
	latest := 0
	for _, c := range all {
		latest = max(latest, c.Revision)
	}
	for _, c := range all {
		if !c.ByModerator || c.Revision != latest {
			continue
		}
		if len(c.Fields) == 0 {
			out[""] = append(out[""], c)
		}
		for _, f := range c.Fields {
			out[f] = append(out[f], c)
		}
	}
	return out, nil
}

// Asked returns, for each of the given practices of actor's, what the
// moderators asked on its latest revision: the comments and reasons, oldest
// first. It feeds the contributor's dashboard.
func (s *Service) Asked(ctx context.Context, actor Actor, practices []*passerelle.Practice) (map[int64][]passerelle.Comment, error) {
	out := map[int64][]passerelle.Comment{}
	if actor == nil {
		return out, nil
	}
	for _, p := range practices {
		if p.AuthorID != actor.ID || (p.Status != passerelle.StatusChangesRequested && p.Status != passerelle.StatusSubmitted &&
			p.Status != passerelle.StatusRejected) {
			continue
		}
		events, err := store.ListEvents(ctx, s.DB.Read, p.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range conversation(p, events) {
			if c.ByModerator && c.Revision == p.Revision {
				out[p.ID] = append(out[p.ID], c)
			}
		}
	}
	return out, nil
}
