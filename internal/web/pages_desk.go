package web

import (
	"context"
	"net/http"
	"time"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// deskPage shows the signed-in moderator's desk (service.Desk): what they
// hold, what nobody holds, what waits too long. Anyone else who is signed
// in goes to their own page (service.Landing): a contributor's desk is
// their practices.
func (s *Server) deskPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	d, err := s.svc.Desk(ctx, u)
	if errorCode(err) == passerelle.EForbidden {
		to, err := s.svc.Landing(ctx, u)
		if err != nil || to == "/bureau" {
			to = "/"
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	items := func(entries []service.QueueEntry) []view.DeskItem {
		return deskItems(tr, snap, u.ID, d.OverdueAfter, entries)
	}
	data := &view.DeskData{Held: items(d.Held), Waiting: items(d.Waiting), HeldByOthers: items(d.HeldByOthers),
		Overdue: items(d.Overdue), OverdueAfter: tr.Duration(d.OverdueAfter), Total: d.Total}
	for _, p := range d.ToRefresh {
		it := view.DeskRefresh{PracticeCard: card(snap, p), VerifiedAt: p.VerifiedAt()}
		if p.ReviewAskedAt != nil {
			it.AskedAt = *p.ReviewAskedAt
		}
		data.ToRefresh = append(data.ToRefresh, it)
	}
	f, err := s.svc.Figures(ctx, u, time.Now())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data.Charts = figureCharts(tr, f)
	s.render(w, r, http.StatusOK, "desk", &view.Page{Title: tr.T("desk.heading"), Data: data})
}

// deskItems turns queue entries into the desk's items, with how long each
// has waited in words.
func deskItems(tr *view.Translator, snap *authz.Snapshot, viewerID int64, overdue time.Duration, entries []service.QueueEntry) []view.DeskItem {
	out := make([]view.DeskItem, 0, len(entries))
	for _, e := range entries {
		it := view.DeskItem{QueueItem: view.QueueItem{PracticeCard: card(snap, e.Practice)}}
		it.Territory = it.PracticeCard.Territory
		if e.Practice.SubmittedAt != nil {
			it.SubmittedAt = *e.Practice.SubmittedAt
		}
		if e.Claim != nil {
			it.Claim = &view.ClaimView{ModeratorName: e.Claim.ModeratorName, Since: e.Claim.ClaimedAt, Until: e.Claim.ExpiresAt,
				Mine: e.Claim.ModeratorID == viewerID}
		}
		if e.ReturnedTo != nil {
			it.ReturnedTo, it.ReturnedMine = e.ReturnedTo.Name, e.ReturnedTo.ID == viewerID
		}
		it.Waiting = tr.Duration(e.Waiting)
		it.Overdue = e.Waiting > overdue
		out = append(out, it)
	}
	return out
}

// confirmCurrentPage confirms that a published practice is still current
// (service.ConfirmCurrent), from its page or from the desk, and goes back
// to where the form was ("back": the desk, else the sheet).
func (s *Server) confirmCurrentPage(w http.ResponseWriter, r *http.Request) {
	s.pageAction(w, r, "confirmed", func(ctx context.Context, u *passerelle.User, id int64) (string, error) {
		_, err := s.svc.ConfirmCurrent(ctx, u, id)
		if r.PostForm.Get("back") == "desk" {
			return "/bureau#desk-refresh", err
		}
		return practiceURL(id), err
	})
}

// apiConfirmCurrent confirms that a published practice is still current
// (service.ConfirmCurrent) and answers it as it now is.
func (s *Server) apiConfirmCurrent(w http.ResponseWriter, r *http.Request) {
	s.apiTransition(w, r, func(ctx context.Context, actor service.Actor, id int64, _ commentRequest) (*passerelle.Practice, error) {
		return s.svc.ConfirmCurrent(ctx, actor, id)
	})
}
