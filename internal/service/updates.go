package service

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/authz"
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
// for a working revision those of the published sheet it keeps (all but
// those it removes), first.
func (s *Service) revisionFiles(ctx context.Context, db bun.IDB, p *passerelle.Practice) ([]passerelle.RevisionFile, error) {
	files, err := store.ListAttachments(ctx, db, p.ID)
	if err != nil {
		return nil, err
	}
	if p.IsUpdate() {
		kept, _, err := s.publishedFiles(ctx, db, p)
		if err != nil {
			return nil, err
		}
		files = append(kept, files...)
	}
	return passerelle.FilesOf(files), nil
}

// publishedFiles splits the files of the published sheet that the working
// revision w updates into those it keeps and those it removes.
func (s *Service) publishedFiles(ctx context.Context, db bun.IDB, w *passerelle.Practice) (kept, removed []passerelle.Attachment, err error) {
	published, err := store.ListAttachments(ctx, db, w.UpdateOf)
	if err != nil {
		return nil, nil, err
	}
	gone, err := store.RemovedFiles(ctx, db, w.ID)
	if err != nil {
		return nil, nil, err
	}
	kept, removed = []passerelle.Attachment{}, []passerelle.Attachment{}
	for _, a := range published {
		if gone[a.ID] {
			removed = append(removed, a)
		} else {
			kept = append(kept, a)
		}
	}
	return kept, removed, nil
}

// fileCount is how many files p will hold: its own, and for a working
// revision the published ones it keeps (passerelle.MaxAttachments counts
// them all).
func (s *Service) fileCount(ctx context.Context, db bun.IDB, p *passerelle.Practice) (int, error) {
	n, err := store.CountAttachments(ctx, db, p.ID)
	if err != nil || !p.IsUpdate() {
		return n, err
	}
	kept, _, err := s.publishedFiles(ctx, db, p)
	return n + len(kept), err
}

// revisionCover returns the cover a submission of p freezes: its own, or
// for a working revision without one, the published sheet's unless it
// removes it.
func (s *Service) revisionCover(ctx context.Context, db bun.IDB, p *passerelle.Practice) (*passerelle.Cover, error) {
	if p.Cover != nil || !p.IsUpdate() {
		return p.Cover, nil
	}
	kept, _, err := s.publishedCover(ctx, db, p)
	return kept, err
}

// publishedCover returns the cover of the published sheet that the working
// revision w updates, as kept (w has none of its own and does not remove
// it) or as removed (w removes it); both nil when it has none.
func (s *Service) publishedCover(ctx context.Context, db bun.IDB, w *passerelle.Practice) (kept, removed *passerelle.Cover, err error) {
	pub, err := store.GetPractice(ctx, db, w.UpdateOf)
	if err != nil || pub.Cover == nil {
		return nil, nil, err
	}
	key, err := store.RemovedCover(ctx, db, w.ID)
	if err != nil {
		return nil, nil, err
	}
	if key == pub.Cover.Key {
		return nil, pub.Cover, nil
	}
	if w.Cover != nil {
		return nil, nil, nil
	}
	return pub.Cover, nil, nil
}

// UpdateFiles is what a working revision does with the files and the cover
// of the published sheet it updates.
type UpdateFiles struct {
	// Kept and Removed split the published sheet's files (never nil).
	Kept, Removed []passerelle.Attachment
	// Cover is the published cover the update keeps (it has none of its
	// own); RemovedCover, the published cover it removes.
	Cover, RemovedCover *passerelle.Cover
}

// PublishedFiles returns, for whoever may see the working revision id,
// what it keeps and removes of the published sheet's files and cover.
// Errors: not_found; conflict (not a working revision).
func (s *Service) PublishedFiles(ctx context.Context, actor Actor, id int64) (*UpdateFiles, error) {
	w, _, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil {
		return nil, err
	}
	if !w.IsUpdate() {
		return nil, passerelle.Errorf(passerelle.EConflict, "This practice is not an update.")
	}
	var out UpdateFiles
	if out.Kept, out.Removed, err = s.publishedFiles(ctx, s.DB.Read, w); err != nil {
		return nil, err
	}
	out.Cover, out.RemovedCover, err = s.publishedCover(ctx, s.DB.Read, w)
	return &out, err
}

// RemoveAttachmentOf removes the attachment id as seen from the practice
// practiceID: its own attachment (RemoveAttachment), or, for a working
// revision, a file of the published sheet it updates — marked removed, it
// is taken away from the published sheet only when the update is approved
// (applyUpdate): deferred is then true. Errors: unauthenticated,
// not_found, forbidden, conflict (not editable).
func (s *Service) RemoveAttachmentOf(ctx context.Context, actor Actor, practiceID, id int64) (deferred bool, err error) {
	if actor == nil {
		return false, SignInNeeded()
	}
	a, err := store.GetAttachment(ctx, s.DB.Read, id)
	if err != nil {
		return false, err
	}
	if a.PracticeID == practiceID {
		return false, s.RemoveAttachment(ctx, actor, id)
	}
	w, snap, err := s.loadFor(ctx, actor, practiceID, passerelle.ActionAttach)
	if err != nil {
		return false, err
	}
	if !w.IsUpdate() || w.UpdateOf != a.PracticeID {
		return false, passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
	}
	return true, s.inEditableUpdate(ctx, snap, actor, w, func(tx bun.Tx) error {
		return store.MarkFileRemoved(ctx, tx, w.ID, id)
	})
}

// KeepPublishedFile takes back the removal, by the working revision
// updateID, of the published sheet's file id: the update keeps it. Errors:
// unauthenticated, not_found, forbidden, conflict (not editable, or the
// update would hold more than passerelle.MaxAttachments files).
func (s *Service) KeepPublishedFile(ctx context.Context, actor Actor, updateID, id int64) error {
	w, snap, err := s.loadFor(ctx, actor, updateID, passerelle.ActionAttach)
	if err != nil {
		return err
	}
	a, err := store.GetAttachment(ctx, s.DB.Read, id)
	if err != nil {
		return err
	}
	if !w.IsUpdate() || w.UpdateOf != a.PracticeID {
		return passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
	}
	return s.inEditableUpdate(ctx, snap, actor, w, func(tx bun.Tx) error {
		// Kept again, it counts again: the update may have added files
		// meanwhile (passerelle.MaxAttachments).
		if gone, err := store.RemovedFiles(ctx, tx, w.ID); err != nil || !gone[id] {
			return err
		}
		if n, err := s.fileCount(ctx, tx, w); err != nil {
			return err
		} else if n >= passerelle.MaxAttachments {
			return tooManyAttachments()
		}
		return store.UnmarkFileRemoved(ctx, tx, w.ID, id)
	})
}

// KeepPublishedCover takes back the removal, by the working revision
// updateID, of the published sheet's cover: the update keeps it (unless it
// chose a cover of its own, which replaces it). Errors: unauthenticated,
// not_found, forbidden, conflict (not editable, or not an update).
func (s *Service) KeepPublishedCover(ctx context.Context, actor Actor, updateID int64) error {
	w, snap, err := s.loadFor(ctx, actor, updateID, passerelle.ActionAttach)
	if err != nil {
		return err
	}
	if !w.IsUpdate() {
		return passerelle.Errorf(passerelle.EConflict, "This practice is not an update.")
	}
	return s.inEditableUpdate(ctx, snap, actor, w, func(tx bun.Tx) error {
		return store.MarkCoverRemoved(ctx, tx, w.ID, "")
	})
}

// inEditableUpdate runs do in a transaction in which the working revision
// w is locked and still editable by actor.
func (s *Service) inEditableUpdate(ctx context.Context, snap *authz.Snapshot, actor Actor, w *passerelle.Practice, do func(tx bun.Tx) error) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockPractice(ctx, tx, w.ID); err != nil {
			return err
		}
		cur, err := store.GetPractice(ctx, tx, w.ID)
		if err != nil {
			return err
		}
		if _, err := checkActivity(snap, actor, cur, passerelle.ActionAttach); err != nil {
			return err
		}
		return do(tx)
	})
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
	if err := s.applyRemovals(ctx, tx, pub, w); err != nil {
		return err
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

// applyRemovals makes, in tx, the published sheet pub carry the files and
// the cover of the approved working revision w: the files w removes are
// deleted, and its cover — a cover chosen in the update replaces the
// published one, which the update may also remove. A cover moved to the
// published sheet is the sheet's alone (w no longer names it). The files
// of the bucket nobody refers to any more are deleted by jobs once tx
// commits (jobs.AttachmentCleanupArgs, which leave a file still referred
// to).
func (s *Service) applyRemovals(ctx context.Context, tx bun.Tx, pub, w *passerelle.Practice) error {
	keys, err := store.DeleteRemovedFiles(ctx, tx, pub.ID, w.ID)
	if err != nil {
		return err
	}
	var old *passerelle.Cover
	switch {
	case w.Cover != nil && (pub.Cover == nil || pub.Cover.Key != w.Cover.Key):
		if err := store.SetCover(ctx, tx, pub.ID, w.Cover); err != nil {
			return err
		}
		if err := store.SetCover(ctx, tx, w.ID, nil); err != nil {
			return err
		}
		old = pub.Cover
	case w.Cover == nil && pub.Cover != nil:
		key, err := store.RemovedCover(ctx, tx, w.ID)
		if err != nil {
			return err
		}
		if key == pub.Cover.Key {
			if err := store.SetCover(ctx, tx, pub.ID, nil); err != nil {
				return err
			}
			old = pub.Cover
		}
	}
	return s.deleteFilesLater(ctx, tx, keys, old)
}
