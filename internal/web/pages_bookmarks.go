package web

import (
	"net/http"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

func init() {
	flashes = append(flashes, "bookmarked", "unbookmarked")
}

// bookmarksPage is "Mes favoris": the signed-in reader's own bookmarks
// with their notes (service.Bookmarks).
func (s *Server) bookmarksPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	items, err := s.svc.Bookmarks(ctx, userFrom(ctx))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.BookmarksData{}
	for _, b := range items {
		data.Items = append(data.Items, view.BookmarkView{PracticeCard: card(snap, b.Practice), Note: b.Note})
	}
	s.render(w, r, http.StatusOK, "bookmarks", &view.Page{Title: s.tr(r).T("readers.bookmarks.heading"), Data: data})
}

// saveBookmarkPage keeps the sheet in the reader's bookmarks with their
// note, or changes the note (service.SaveBookmark).
func (s *Server) saveBookmarkPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	note := r.PostForm.Get("bookmark-note")
	err = s.svc.SaveBookmark(r.Context(), u, id, note)
	switch code := errorCode(err); code {
	case "":
		s.redirectWithFlash(w, r, practiceURL(id)+"#favori", "bookmarked")
	case passerelle.EValidation:
		data := &view.PracticeData{Errors: []view.FormError{{Field: "bookmark-note",
			Message: s.tr(r).T("readers.bookmarks.error.note", "max", passerelle.MaxBookmarkNote)}}}
		data.Readers.Note = note
		s.showPractice(w, r, statusOf[code], id, data)
	default:
		s.errorPage(w, r, err)
	}
}

// removeBookmarkPage takes the sheet out of the reader's bookmarks
// (service.RemoveBookmark).
func (s *Server) removeBookmarkPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := s.svc.RemoveBookmark(r.Context(), u, id); err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, practiceURL(id)+"#favori", "unbookmarked")
}
