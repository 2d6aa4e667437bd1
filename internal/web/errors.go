package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// statusOf maps the error codes of the domain to HTTP statuses.
var statusOf = map[string]int{
	passerelle.EInvalid:      http.StatusBadRequest,
	passerelle.EValidation:   http.StatusBadRequest,
	passerelle.EUnauthn:      http.StatusUnauthorized,
	passerelle.EForbidden:    http.StatusForbidden,
	passerelle.ENotFound:     http.StatusNotFound,
	passerelle.EConflict:     http.StatusConflict,
	passerelle.EPrecondition: http.StatusPreconditionFailed,
	passerelle.ETooLarge:     http.StatusRequestEntityTooLarge,
	passerelle.EUnsupported:  http.StatusUnsupportedMediaType,
	passerelle.ERateLimited:  http.StatusTooManyRequests,
	passerelle.EUnavailable:  http.StatusServiceUnavailable,
	passerelle.EInternal:     http.StatusInternalServerError,
}

// outageRetryAfter is what a 503 asks clients to wait before trying again, in
// seconds: long enough for a database to fail over or a disk to be freed,
// short enough that people do not give up.
const outageRetryAfter = "5"

// errorCode returns the code of err for the client: the domain's own code,
// or unavailable when an error the domain does not know comes from the
// database or the disk being out of service (store.Outage). Every answer
// to an error goes through it, so that an outage is never a 500.
func errorCode(err error) string {
	code := passerelle.ErrorCode(err)
	if code == passerelle.EInternal && store.Outage(err) {
		return passerelle.EUnavailable
	}
	return code
}

// statusFor returns the HTTP status of err.
func statusFor(err error) int { return statusOf[errorCode(err)] }

// unavailableMessage is the API message of an outage.
const unavailableMessage = "The service is temporarily unavailable; try again in a few seconds."

type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// isAPI reports whether the request is for the JSON API rather than a page.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// apiError writes err as the contract's JSON error. Internal errors are
// logged with their details and answered with a generic message.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	code := errorCode(err)
	body := errorBody{Error: errorJSON{Code: code, Message: passerelle.ErrorMessage(err)}}
	s.logRefusedInput(r, err)
	switch e := (*passerelle.Error)(nil); {
	case code == passerelle.EInternal:
		s.logger.ErrorContext(r.Context(), "internal error", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	case code == passerelle.EUnavailable:
		s.logOutage(r, err)
		w.Header().Set("Retry-After", outageRetryAfter)
		if !errors.As(err, &e) {
			body.Error.Message = unavailableMessage
		}
	case errors.As(err, &e):
		body.Error.Fields = e.Fields
		if e.RetryAfter > 0 {
			retryAfter(w, e.RetryAfter)
		}
	}
	if code == passerelle.EValidation && body.Error.Fields == nil {
		body.Error.Fields = map[string]string{}
	}
	writeJSON(w, statusOf[code], body)
}

// refusedInput are the codes of a client's faulty input.
var refusedInput = map[string]bool{passerelle.EInvalid: true, passerelle.EValidation: true,
	passerelle.ETooLarge: true, passerelle.EUnsupported: true}

// logRefusedInput notes a request refused for its input, at INFO: it is the
// client's fault, never the server's (ERROR is for what an operator must
// look at). Field names are logged, never their values.
func (s *Server) logRefusedInput(r *http.Request, err error) {
	code := passerelle.ErrorCode(err)
	if !refusedInput[code] {
		return
	}
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("code", code)}
	if e := (*passerelle.Error)(nil); errors.As(err, &e) && len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for f := range e.Fields {
			names = append(names, f)
		}
		slices.Sort(names)
		attrs = append(attrs, slog.String("fields", strings.Join(names, ",")))
	}
	s.logger.LogAttrs(r.Context(), slog.LevelInfo, "refused input", attrs...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if status != http.StatusOK {
		// A 200 to a GET gets its validator and caching rule from
		// httpcache.ETags: "no-cache" for anyone, "private, no-cache" for
		// a signed-in person or a token.
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// logOutage logs an outage once per request as a warning: the cause is
// outside the code, but operators need to see it.
func (s *Server) logOutage(r *http.Request, err error) {
	s.logger.WarnContext(r.Context(), "unavailable", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	if s.svc != nil {
		s.svc.NoteFailure(err)
	}
}
