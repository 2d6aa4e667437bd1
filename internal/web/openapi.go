package web

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strconv"
)

// openAPIDocument describes the JSON API and the open-data routes in
// OpenAPI 3.1. A test walks the router and fails when a route is missing
// from it or it names a route that does not exist: whoever adds, moves or
// drops a route under /api/ (or an open-data route) updates this file too.
//
//go:embed openapi.json
var openAPIDocument []byte

// openAPI serves the document with its servers set to the public base URL.
// The document is checked once, at start-up: a broken one stops the server
// rather than being served.
func (s *Server) openAPI() http.HandlerFunc {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		panic("web: openapi.json is not valid JSON: " + err.Error())
	}
	base := s.opts.BaseURL
	if base == "" {
		base = "/"
	}
	servers, _ := json.Marshal([]map[string]string{{"url": base}})
	doc["servers"] = servers
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("web: openapi.json: " + err.Error())
	}
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set("Cache-Control", publicMaxAge)
		_, _ = w.Write(body)
	}
}

// OpenAPIDocument returns the document as embedded, for tools and tests
// that check live answers against it.
func OpenAPIDocument() []byte { return openAPIDocument }
