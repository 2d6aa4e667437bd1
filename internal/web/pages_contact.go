package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

func init() {
	flashes = append(flashes, "contact_sent")
}

// contactPage sends a signed-in reader's message to the author of a
// published practice ("Contacter l'équipe"), through the platform: neither
// sees the other's address (service.ContactAuthor).
func (s *Server) contactPage(w http.ResponseWriter, r *http.Request) {
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
	message := r.PostForm.Get("contact-message")
	share := r.PostForm.Get("contact-share") == "on"
	err = s.svc.ContactAuthor(r.Context(), u, id, message, share)
	code := errorCode(err)
	tr := s.tr(r)
	var errs []view.FormError
	var e *passerelle.Error
	switch {
	case code == "":
		s.redirectWithFlash(w, r, practiceURL(id)+"#contact", "contact_sent")
		return
	case code == passerelle.ERateLimited && errors.As(err, &e):
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())+1))
		}
		errs = append(errs, view.FormError{Field: "contact-message", Message: tr.T("readers.contact.error.rate_limited")})
	case code == passerelle.EForbidden || code == passerelle.EConflict:
		errs = append(errs, view.FormError{Field: "contact-message", Message: tr.T("readers.contact.error.forbidden")})
	case code == passerelle.EValidation && errors.As(err, &e):
		errs = append(errs, view.FormError{Field: "contact-message",
			Message: tr.T("readers.contact.error.length", "min", passerelle.MinContactLength, "max", passerelle.MaxContactLength)})
	default:
		s.errorPage(w, r, err)
		return
	}
	data := &view.PracticeData{Errors: errs}
	data.Readers.ContactMessage = message
	s.showPractice(w, r, statusOf[code], id, data)
}
