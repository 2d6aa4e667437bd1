package web

import (
	"net/http"
	"time"
)

// The public pages and lists as an anonymous visitor sees them are the
// same for every anonymous visitor of a language, until the data they show
// changes: they are rendered once per public version and served from a
// shared cache (httpcache.Shared), compressed once per encoding. The key
// holds the path and query, the language and the public version
// (service.PublicVersion: a counter the database's triggers bump in every
// transaction that changes what the public sees, with the policy version),
// read once per request — by batches under load (httpcache.Clock) —, so a
// change committed by any process shows on the next request.
//
// Nothing personal can enter: only requests without a signed-in user,
// bearer token or flash message are served from or stored in it, and only
// answers that set no cookie (the ?lang= switch sets one: not shared) and
// do not say no-store or private. A search (?q=) is not kept: its results
// are measured uncached (issue 12, item 4).

const (
	// sharedBytes bounds the bodies the cache holds, compressed copies
	// included.
	sharedBytes = 24 << 20
	// sharedTTL is how long a page is served: "3 days ago", "next
	// meeting" move with the clock, not with the data.
	sharedTTL = time.Minute
	// publicVersionTimeout bounds one read of the public version.
	publicVersionTimeout = 2 * time.Second
	// publicVersionSpacing is the least time between two reads of the
	// public version: under load, one read per millisecond serves every
	// request that came meanwhile (a wait of a millisecond at most).
	publicVersionSpacing = time.Millisecond
)

// shared serves h's answers to anonymous visitors from the shared cache
// (see above); others get h itself.
func (s *Server) shared(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.pages == nil || !sharable(r) {
			h(w, r)
			return
		}
		version, err := s.publicClock.Version(r.Context())
		if err != nil {
			h(w, r) // the handler meets the same trouble and says so
			return
		}
		lang := ""
		if s.view != nil {
			lang = s.lang(r)
		}
		s.pages.Serve(w, r, r.URL.Path+"?"+r.URL.RawQuery+"\x00"+lang+"\x00"+version, h)
	}
}

// sharable reports whether r is asked by an anonymous visitor with nothing
// of their own on the page.
func sharable(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if userFrom(r.Context()) != nil || r.Header.Get("Authorization") != "" {
		return false
	}
	if _, err := r.Cookie(flashCookie); err == nil {
		return false
	}
	q := r.URL.Query()
	return !q.Has("lang") && !q.Has("q")
}
