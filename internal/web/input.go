package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// The boundary check of text input (see passerelle.CleanText): whatever a
// client sends — query string, path, form, JSON body, file name, import
// file — is refused with validation_failed naming the field when it carries
// a control character other than tab and line breaks, or bytes that are not
// UTF-8. Nothing of the kind reaches the service or the database (where a
// NUL byte used to end the request with a 500); one-line fields are checked
// again by the domain's validators.

// ownArgumentChecks are the routes that check their query string
// themselves, by the rules of their protocol (OAI-PMH answers badArgument
// inside a 200 response).
var ownArgumentChecks = []string{"/oai"}

// checkInput refuses a request whose path or query string carries
// characters that text may not.
func (s *Server) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := queryProblem(r); err != nil && !slices.Contains(ownArgumentChecks, r.URL.Path) {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// queryProblem checks the path and the query string of r.
func queryProblem(r *http.Request) error {
	if !passerelle.CleanLine(r.URL.Path) {
		return passerelle.ControlCharacters("path")
	}
	if r.URL.RawQuery == "" {
		return nil
	}
	// Pairs that do not decode are dropped by url.Query, as before; what
	// decodes is checked.
	values, _ := url.ParseQuery(r.URL.RawQuery)
	return valuesProblem(values, false)
}

// valuesProblem checks the names and values of a form or a query string:
// values may hold line breaks when multiline (a textarea), names never.
func valuesProblem(values url.Values, multiline bool) error {
	var bad []string
	for name, vals := range values {
		if !passerelle.CleanLine(name) {
			bad = append(bad, fieldName(name))
			continue
		}
		for _, v := range vals {
			if !passerelle.CleanText(v) || (!multiline && !passerelle.CleanLine(v)) {
				bad = append(bad, name)
				break
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return passerelle.ControlCharacters(slices.Compact(bad)...)
}

// fieldName returns a printable name for a field whose own name is not
// clean text, to report it.
func fieldName(name string) string {
	q := strconv.QuoteToASCII(name)
	return q[1 : len(q)-1]
}

// jsonProblem checks every string of a JSON document, keys included, and
// names the fields that fail by their path ("experience.context", "themes").
// A document that does not parse is left to the decoder's own error.
func jsonProblem(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil
	}
	var bad []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case string:
			if !passerelle.CleanText(v) {
				bad = append(bad, path)
			}
		case []any:
			for _, item := range v {
				walk(path, item)
			}
		case map[string]any:
			for k, item := range v {
				name := k
				if path != "" {
					name = path + "." + k
				}
				if !passerelle.CleanLine(k) {
					bad = append(bad, fieldName(name))
					continue
				}
				walk(name, item)
			}
		}
	}
	walk("", doc)
	if len(bad) == 0 {
		return nil
	}
	for i, f := range bad {
		if f == "" {
			bad[i] = "body"
		}
	}
	slices.Sort(bad)
	return passerelle.ControlCharacters(slices.Compact(bad)...)
}

// headerValueProblem checks a value taken from a header (a file name of a
// multipart part, an import's name) before it is kept: field names it.
func headerValueProblem(field, value string) error {
	if passerelle.CleanLine(value) {
		return nil
	}
	return passerelle.ControlCharacters(field)
}
