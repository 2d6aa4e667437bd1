package web

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// Defaults of the deadlines and of admission.
const (
	// DefaultRequestTimeout bounds the work of a request: past it, what
	// waits on the database gives up and the client is told 503.
	DefaultRequestTimeout = 15 * time.Second
	// DefaultLongRequestTimeout bounds exports, uploads and downloads,
	// which move whole files.
	DefaultLongRequestTimeout = 5 * time.Minute
	// DefaultMaxRequests is how many requests may be in progress at once:
	// about three times what PostgreSQL's pool serves at once, so that
	// requests never queue without end behind a database that stalls.
	DefaultMaxRequests = 64
	// admissionWait is how long a request waits for a place when
	// MaxRequests are in progress, before it is told 503.
	admissionWait = time.Second
)

// longRequests are the routes that move whole files, which get
// LongRequestTimeout: method ("" for any) and path prefix or, with a
// leading "*", suffix.
var longRequests = []struct{ method, path string }{
	{"GET", "/export/"},             // CSV and spreadsheet exports
	{"", "/oai"},                    // OAI-PMH harvests
	{"GET", "/attachments/"},        // downloads, pages
	{"GET", "/api/v1/attachments/"}, // downloads, API
	{"POST", "*/attachments"},       // uploads, API
	{"POST", "*/pieces-jointes"},    // uploads, pages
	{"POST", "/api/v1/territories/import"},
	{"POST", "/admin/territoires/import"},
	{"GET", "*.pdf"},    // a practice as a PDF document
	{"", "/admin/jobs"}, // River's dashboard and its API
}

// longRequest reports whether r is one of longRequests.
func longRequest(r *http.Request) bool {
	for _, l := range longRequests {
		if l.method != "" && l.method != r.Method {
			continue
		}
		if suffix, ok := strings.CutPrefix(l.path, "*"); ok {
			if strings.HasSuffix(r.URL.Path, suffix) {
				return true
			}
		} else if strings.HasPrefix(r.URL.Path, l.path) {
			return true
		}
	}
	return false
}

// deadline gives every request's context a deadline: whatever the request
// waits on — a connection of the pool, a query, a lock — gives up then,
// and the client gets 503 unavailable instead of waiting as long as the
// database stalls.
func (s *Server) deadline(next http.Handler) http.Handler {
	short := cmp.Or(s.opts.RequestTimeout, DefaultRequestTimeout)
	long := cmp.Or(s.opts.LongRequestTimeout, DefaultLongRequestTimeout)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := short
		if longRequest(r) {
			d = long
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// gate admits a bounded number of requests at once.
type gate struct{ slots chan struct{} }

func newGate(n int) *gate { return &gate{slots: make(chan struct{}, n)} }

// admit lets a request in when fewer than MaxRequests are in progress, or
// when one ends within admissionWait; otherwise it answers 503 at once.
// When the database stalls, the requests in progress hold its connections
// until their deadline: the ones behind them are told to come back rather
// than piling up. Static files, served from memory, never wait.
func (s *Server) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case s.gate.slots <- struct{}{}:
		default:
			t := time.NewTimer(admissionWait)
			select {
			case s.gate.slots <- struct{}{}:
				t.Stop()
			case <-t.C:
				s.fail(w, r, passerelle.Errorf(passerelle.EUnavailable, "Too many requests in progress; try again in a few seconds."))
				return
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		defer func() { <-s.gate.slots }()
		next.ServeHTTP(w, r)
	})
}
