package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
)

func (s *Server) pageRoutes(r chi.Router) {}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	http.Error(w, passerelle.ErrorMessage(err), statusOf[passerelle.ErrorCode(err)])
}
