package web

import (
	"net/http"

	"github.com/passerelle/passerelle/internal/view"
)

// myPracticesPage lists the signed-in contributor's practices, whatever
// their state, with the latest moderator comment on each.
func (s *Server) myPracticesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	items, comments, err := s.svc.MyPractices(ctx, userFrom(ctx))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.MyPracticesData{Practices: cards(snap, items), Comments: map[string]string{},
		Asked: map[string][]view.CommentView{}, Claims: map[string]*view.ClaimView{}, Updates: map[string]*view.UpdateLink{}}
	for id, c := range comments {
		data.Comments[idString(id)] = c
	}
	if err := s.dashboard(r, items, data); err != nil {
		s.errorPage(w, r, err)
		return
	}
	// A published sheet whose update is under way offers to resume it.
	updates, err := s.svc.PendingUpdates(ctx, userFrom(ctx), items)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	for id, upd := range updates {
		data.Updates[idString(id)] = &view.UpdateLink{ID: idString(upd.ID), Title: upd.Title, Status: string(upd.Status),
			Editable: upd.AuthorID == userFrom(ctx).ID && upd.Editable()}
	}
	s.render(w, r, http.StatusOK, "my_practices", &view.Page{Title: s.tr(r).T("mine.heading"), Data: data})
}

// notificationsPage lists the signed-in user's notifications, newest first.
func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	items, unread, err := s.svc.Notifications(ctx, userFrom(ctx))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.NotificationsData{Unread: unread}
	for _, n := range items {
		it := view.NotificationItem{ID: idString(n.ID), Type: n.Type, Message: n.Message, Read: n.Read, CreatedAt: n.CreatedAt}
		if n.PracticeID > 0 {
			it.URL = practiceURL(n.PracticeID)
		} else if n.MeetingID > 0 {
			it.URL = meetingPath(n.MeetingID)
		}
		data.Items = append(data.Items, it)
	}
	s.render(w, r, http.StatusOK, "notifications", &view.Page{Title: s.tr(r).T("notifications.heading"), Data: data})
}

// markReadPage marks every notification of the signed-in user read.
func (s *Server) markReadPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := s.svc.MarkRead(ctx, userFrom(ctx)); err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, "/notifications", "read")
}
