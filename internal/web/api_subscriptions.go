package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// subscriptionRoutes serves the subscriptions and the marking of one
// notification read, under /api/v1.
type subscriptionJSON struct {
	ID        string    `json:"id"`
	Territory *string   `json:"territory"`
	Theme     *string   `json:"theme"`
	Kind      *string   `json:"kind"`
	Frequency string    `json:"frequency"`
	CreatedAt time.Time `json:"created_at"`
}

func toSubscriptionJSON(sub *passerelle.Subscription) subscriptionJSON {
	return subscriptionJSON{ID: idString(sub.ID), Territory: optional(sub.Territory), Theme: optional(sub.Theme),
		Kind: optional(string(sub.Kind)), Frequency: string(sub.Frequency), CreatedAt: sub.CreatedAt}
}

func (s *Server) apiSubscriptions(w http.ResponseWriter, r *http.Request) {
	subs, err := s.svc.Subscriptions(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items := make([]subscriptionJSON, len(subs))
	for i := range subs {
		items[i] = toSubscriptionJSON(&subs[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) apiSubscribe(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Territory string `json:"territory"`
		Theme     string `json:"theme"`
		Kind      string `json:"kind"`
		Frequency string `json:"frequency"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	sub, err := s.svc.Subscribe(r.Context(), userFrom(r.Context()), service.SubscriptionInput(body))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toSubscriptionJSON(sub))
}

// notifyID reads the {id} of the route; a malformed one names nothing that
// exists.
func notifyID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, passerelle.Errorf(passerelle.ENotFound, "%s not found.", what)
	}
	return id, nil
}

func (s *Server) apiDeleteSubscription(w http.ResponseWriter, r *http.Request) {
	id, err := notifyID(r, "Subscription")
	if err == nil {
		err = s.svc.DeleteSubscription(r.Context(), userFrom(r.Context()), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiMarkOneRead(w http.ResponseWriter, r *http.Request) {
	id, err := notifyID(r, "Notification")
	if err == nil {
		err = s.svc.MarkOneRead(r.Context(), userFrom(r.Context()), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
