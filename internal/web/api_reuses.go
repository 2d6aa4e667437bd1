package web

import (
	"net/http"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// reuseAPIRoutes serves practices that travel ("essaimage").
type reuseJSON struct {
	ID            string     `json:"id"`
	PracticeID    string     `json:"practice_id"`
	Territory     string     `json:"territory"`
	TerritoryName string     `json:"territory_name"`
	Note          string     `json:"note"`
	User          personJSON `json:"user"`
	CreatedAt     time.Time  `json:"created_at"`
}

func (s *Server) reuseJSON(r *http.Request, re passerelle.Reuse) reuseJSON {
	name := re.TerritoryCode
	if snap, err := s.svc.Snapshot(r.Context()); err == nil {
		if t := snap.Tree().Get(re.TerritoryCode); t != nil {
			name = t.Name
		}
	}
	return reuseJSON{ID: idString(re.ID), PracticeID: idString(re.PracticeID), Territory: re.TerritoryCode, TerritoryName: name,
		Note: re.Note, User: personJSON{ID: idString(re.UserID), Name: re.UserName}, CreatedAt: re.CreatedAt}
}

// apiReuses lists where a practice has been reused, oldest first.
func (s *Server) apiReuses(w http.ResponseWriter, r *http.Request) {
	practiceList(s, s.svc.Reuses, s.reuseJSON)(w, r)
}

// apiRecordReuse records that a practice was reused in one of the
// caller's territories: {"territory","note"} → 201 with the reuse.
func (s *Server) apiRecordReuse(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	actor := userFrom(r.Context())
	if actor == nil {
		s.apiError(w, r, service.SignInNeeded())
		return
	}
	var body struct {
		Territory string `json:"territory"`
		Note      string `json:"note"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	re, err := s.svc.RecordReuse(r.Context(), actor, id, service.ReuseInput{Territory: body.Territory, Note: body.Note})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.reuseJSON(r, *re))
}
