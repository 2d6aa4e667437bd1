package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// HTTP semantics shared by every route: HEAD wherever GET is served, the
// Allow header of a 405, CORS on the public read-only API (and nowhere
// else), and the preconditions of versioned edits (If-Match → 412).

// methods are the methods a 405 may list in its Allow header.
var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}

// allowed lists the methods the router serves at path, HEAD with GET.
func allowed(routes chi.Routes, path string) []string {
	var out []string
	for _, m := range methods {
		if routes.Match(chi.NewRouteContext(), m, path) {
			out = append(out, m)
		}
	}
	if slices.Contains(out, http.MethodGet) && !slices.Contains(out, http.MethodHead) {
		out = slices.Insert(out, 1, http.MethodHead)
	}
	return out
}

// setAllow sets the Allow header of a 405 answer (RFC 9110, 15.5.6).
func (s *Server) setAllow(w http.ResponseWriter, r *http.Request) {
	if s.router == nil {
		return
	}
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	w.Header().Set("Allow", strings.Join(allowed(s.router, path), ", "))
}

// CORS: the public read-only API (published content, for anyone) may be read
// by scripts of other sites — a territory's own website showing its
// practices — without credentials: Access-Control-Allow-Origin: *, never
// Access-Control-Allow-Credentials. Every other API route and every page
// sends no CORS header, so a browser keeps other sites' scripts away from
// them.
const (
	corsMethods       = "GET, HEAD, OPTIONS"
	corsAllowHeaders  = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
	corsExposeHeaders = "ETag, Last-Modified, Link, Retry-After"
	corsMaxAge        = "86400"
)

// publicRead marks a GET handler as part of the public read-only API.
func publicRead(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Access-Control-Allow-Origin", "*")
		hdr.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		h(w, r)
	}
}

// preflight answers OPTIONS on a public read-only route: a CORS preflight
// for GET or HEAD gets the CORS headers; one for any other method gets none
// (the browser then refuses the request); a plain OPTIONS gets Allow.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Allow", corsMethods)
	if m := r.Header.Get("Access-Control-Request-Method"); r.Header.Get("Origin") != "" && (m == http.MethodGet || m == http.MethodHead) {
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", corsMethods)
		h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
		h.Set("Access-Control-Max-Age", corsMaxAge)
	}
	w.WriteHeader(http.StatusNoContent)
}

// staleVersion reports whether err refuses an edit based on an old version.
// When that version came from an If-Match header, the answer is 412
// precondition_failed (RFC 9110, 13.1.1); a version sent in the body keeps
// the 409 conflict. If-Match stays optional (no 428): the contract lets an
// edit leave the version out.
func staleVersion(err error, fromHeader bool) (*passerelle.Error, bool) {
	e, ok := err.(*passerelle.Error)
	if !ok || e.Code != passerelle.EConflict || e.Fields["version"] == "" {
		return nil, false
	}
	if fromHeader {
		return &passerelle.Error{Code: passerelle.EPrecondition, Message: "The version in If-Match is not the current one.",
			Fields: e.Fields}, true
	}
	return e, true
}
