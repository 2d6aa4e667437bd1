package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

func init() {
	flashes = append(flashes, "update_started", "approve_update", "reject_update", "detached_update", "cover_removed_update", "file_kept", "cover_kept")
}

// decisionFlash names the flash of a decision on p: on an update, what
// approving or rejecting it does is said of the update, not of a sheet.
func decisionFlash(p *passerelle.Practice, decision string) string {
	if p != nil && p.IsUpdate() && (decision == "approve" || decision == "reject") {
		return decision + "_update"
	}
	return decision
}

// Updates of a published practice (passerelle/update.go): the author opens
// a working revision from the published sheet, edits it with the writing
// form and submits it; the published sheet tells its participants that an
// update is under review, and the working revision links back to it.

// startUpdatePage opens (or finds) the update of a published practice and
// takes its author to the writing form of the working revision.
func (s *Server) startUpdatePage(w http.ResponseWriter, r *http.Request) {
	s.pageAction(w, r, "update_started", func(ctx context.Context, u *passerelle.User, id int64) (string, error) {
		upd, _, err := s.svc.StartUpdate(ctx, u, id)
		if err != nil {
			return "", err
		}
		return practiceURL(upd.ID) + "/modifier", nil
	})
}

// apiStartUpdate answers the working revision of a published practice:
// 201 when this call opened it, 200 when it was under way already.
func (s *Server) apiStartUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	upd, created, err := s.svc.StartUpdate(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, s.practiceJSON(upd))
}

// updateDetail adds to d what the viewer may know of updates: on a
// published sheet, the update under way (its participants only:
// service.PendingUpdate) or the way to start one (its author); on a
// working revision, the published sheet it updates.
func (s *Server) updateDetail(ctx context.Context, actor *passerelle.User, p *passerelle.Practice, d *view.PracticeDetail) error {
	if p.IsUpdate() {
		pub, err := s.svc.Practice(ctx, actor, p.UpdateOf)
		if err != nil {
			return err
		}
		d.UpdateOf = &view.UpdateLink{ID: idString(pub.ID), Title: pub.Title, Status: string(p.Status)}
		return nil
	}
	if !p.Published() || actor == nil {
		return nil
	}
	upd, err := s.svc.PendingUpdate(ctx, actor, p.ID)
	if err != nil {
		return err
	}
	if upd != nil {
		d.PendingUpdate = &view.UpdateLink{ID: idString(upd.ID), Title: upd.Title, Status: string(upd.Status),
			Editable: upd.AuthorID == actor.ID && upd.Editable()}
		return nil
	}
	d.CanStartUpdate = s.svc.Abilities(ctx, actor, p)[passerelle.ActionStartUpdate]
	return nil
}

// keepAttachmentPage takes back an update's removal of a file of the
// published sheet (service.KeepPublishedFile).
func (s *Server) keepAttachmentPage(w http.ResponseWriter, r *http.Request) {
	aid, err := strconv.ParseInt(chi.URLParam(r, "aid"), 10, 64)
	if err != nil {
		s.errorPage(w, r, passerelle.Errorf(passerelle.ENotFound, "Attachment not found."))
		return
	}
	s.pageAction(w, r, "file_kept", func(ctx context.Context, u *passerelle.User, id int64) (string, error) {
		return practiceURL(id) + "/modifier#retraits", s.svc.KeepPublishedFile(ctx, u, id, aid)
	})
}

// keepCoverPage takes back an update's removal of the published sheet's
// cover (service.KeepPublishedCover).
func (s *Server) keepCoverPage(w http.ResponseWriter, r *http.Request) {
	s.pageAction(w, r, "cover_kept", func(ctx context.Context, u *passerelle.User, id int64) (string, error) {
		return practiceURL(id) + "/modifier#couverture", s.svc.KeepPublishedCover(ctx, u, id)
	})
}

// apiRemoveAttachmentOf removes a file as seen from the practice {id}: its
// own, or from an update a file of the published practice, removed when
// the update is approved (service.RemoveAttachmentOf).
func (s *Server) apiRemoveAttachmentOf(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(chi.URLParam(r, "aid"), 10, 64)
	if err != nil {
		s.apiError(w, r, passerelle.Errorf(passerelle.ENotFound, "Attachment not found."))
		return
	}
	if _, err := s.svc.RemoveAttachmentOf(r.Context(), userFrom(r.Context()), id, aid); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
