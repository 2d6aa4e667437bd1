package service

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// Updates of a published practice (passerelle/update.go): the author works
// on a working revision, a practice of its own that is never published, so
// that everything public keeps reading the published sheet until a
// moderator approves the update (transition, with Transition.Replaces).

// StartUpdate opens an update of the published practice id for its author
// (the transition passerelle.ActionStartUpdate): a working revision, a
// draft holding the published content, which the author edits and submits
// like any draft. When one is already under way it returns that one, and
// created is false. Errors: unauthenticated, not_found, forbidden (not the
// author, or no longer a contributor of its territory), conflict (not
// published, or itself a working revision).
func (s *Service) StartUpdate(ctx context.Context, actor Actor, id int64) (w *passerelle.Practice, created bool, err error) {
	if actor == nil {
		return nil, false, SignInNeeded()
	}
	p, snap, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil {
		return nil, false, err
	}
	t := passerelle.TransitionFor(passerelle.ActionStartUpdate, p)
	if t == nil {
		return nil, false, passerelle.Errorf(passerelle.EConflict, "An update under way cannot be updated itself.")
	}
	if err := check(snap, actor, p, t); err != nil {
		return nil, false, err
	}
	if open, err := store.OpenUpdate(ctx, s.DB.Read, id); err != nil || open != nil {
		return open, false, err
	}
	now := store.Now()
	w = passerelle.NewUpdate(p, now)
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.InsertPractice(ctx, tx, w); err != nil {
			return err
		}
		return store.InsertEvent(ctx, tx, &passerelle.Event{PracticeID: w.ID, At: now, ActorID: actor.ID,
			Action: passerelle.ActionStartUpdate, From: p.Status, To: w.Status})
	})
	if store.IsUniqueViolation(err) {
		// Started twice at once: the other one won, and is the update.
		open, err := store.OpenUpdate(ctx, s.DB.Bun, id)
		if err == nil && open == nil {
			err = passerelle.Errorf(passerelle.EConflict, "Someone else acted on this practice first; reload it.")
		}
		return open, false, err
	} else if err != nil {
		return nil, false, err
	}
	w, err = s.reload(ctx, s.DB.Bun, w.ID)
	return w, err == nil, err
}

// PendingUpdate returns the update under way of the practice id, if actor
// may see it — the participants of its review (a working revision is never
// published: passerelle.Audience.SeesPractice); nil otherwise, and nil for
// everyone else. Errors: not_found (actor may not see the practice).
func (s *Service) PendingUpdate(ctx context.Context, actor Actor, id int64) (*passerelle.Practice, error) {
	p, snap, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil || !p.Published() || actor == nil {
		return nil, err
	}
	w, err := store.OpenUpdate(ctx, s.DB.Read, id)
	if err != nil || w == nil || !visible(snap, actor, w) {
		return nil, err
	}
	return w, nil
}

// PendingUpdates returns, of the practices items, the published ones that
// have an update under way actor may see (PendingUpdate), keyed by the
// published practice: one query for a list such as "Mes fiches".
func (s *Service) PendingUpdates(ctx context.Context, actor Actor, items []*passerelle.Practice) (map[int64]*passerelle.Practice, error) {
	out := map[int64]*passerelle.Practice{}
	if actor == nil {
		return out, nil
	}
	var ids []int64
	for _, p := range items {
		if p.Published() {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	open, err := store.OpenUpdates(ctx, s.DB.Read, ids)
	if err != nil {
		return nil, err
	}
	for id, w := range open {
		if visible(snap, actor, w) {
			out[id] = w
		}
	}
	return out, nil
}

// checkUpdate adds to v what the working revision w may not change of the
// practice it updates (passerelle.CheckUpdate).
func (s *Service) checkUpdate(ctx context.Context, w *passerelle.Practice, v passerelle.Validation) error {
	pub, err := store.GetPractice(ctx, s.DB.Read, w.UpdateOf)
	if err != nil {
		return err
	}
	passerelle.CheckUpdate(w, pub, v)
	return nil
}

// revisionFiles returns the files a submission of p freezes: its own, and
// for a working revision those of the published sheet too, which it keeps
// (an update adds files; the files published stay).
func (s *Service) revisionFiles(ctx context.Context, db bun.IDB, p *passerelle.Practice) ([]passerelle.RevisionFile, error) {
	files, err := store.ListAttachments(ctx, db, p.ID)
	if err != nil {
		return nil, err
	}
	if p.IsUpdate() {
		published, err := store.ListAttachments(ctx, db, p.UpdateOf)
		if err != nil {
			return nil, err
		}
		files = append(published, files...)
	}
	return passerelle.FilesOf(files), nil
}

// revisionCover returns the cover a submission of p freezes: its own, or
// for a working revision without one, the published sheet's, which it
// keeps.
func (s *Service) revisionCover(ctx context.Context, db bun.IDB, p *passerelle.Practice) (*passerelle.Cover, error) {
	if p.Cover != nil || !p.IsUpdate() {
		return p.Cover, nil
	}
	pub, err := store.GetPractice(ctx, db, p.UpdateOf)
	if err != nil {
		return nil, err
	}
	return pub.Cover, nil
}

// applyUpdate replaces, in tx, the content of the published practice that
// the approved working revision w updates (passerelle.Transition.Replaces):
// its fields and themes, its revision (w's last, which the published sheet
// now shows), its files and its cover, when the update chose one; its publication date stays, and it is updated
// and confirmed current at now. The history of the published sheet keeps
// the fact (passerelle.ActionRevise). Errors: conflict (the published
// sheet changed meanwhile: archived, or updated).
func (s *Service) applyUpdate(ctx context.Context, tx bun.Tx, actor Actor, w *passerelle.Practice, now time.Time) error {
	pub, err := store.GetPractice(ctx, tx, w.UpdateOf)
	if err != nil {
		return err
	}
	revs, err := store.ListRevisions(ctx, tx, w.ID)
	if err != nil {
		return err
	}
	if len(revs) == 0 || revs[len(revs)-1].Number != w.Revision {
		return passerelle.Errorf(passerelle.EConflict, "This update has no submitted revision.")
	}
	ok, err := store.ApplyUpdate(ctx, tx, pub, w, pub.Version, now)
	if err != nil {
		return err
	} else if !ok {
		return passerelle.Errorf(passerelle.EConflict, "The published practice changed meanwhile (archived?); reload it.")
	}
	if w.Cover != nil && (pub.Cover == nil || pub.Cover.Key != w.Cover.Key) {
		// A cover chosen in the update replaces the published one (whose
		// files stay: a cached page may still name them).
		if err := store.SetCover(ctx, tx, pub.ID, w.Cover); err != nil {
			return err
		}
	}
	rev := revs[len(revs)-1]
	rev.PracticeID = pub.ID
	rev.Practice.ID, rev.Practice.Status, rev.Practice.UpdateOf = pub.ID, passerelle.StatusPublished, 0
	rev.Practice.PublishedAt = pub.PublishedAt
	if err := store.InsertRevision(ctx, tx, rev); err != nil {
		return err
	}
	return store.InsertEvent(ctx, tx, &passerelle.Event{PracticeID: pub.ID, At: now, ActorID: actor.ID,
		Action: passerelle.ActionRevise, From: pub.Status, To: pub.Status})
}
