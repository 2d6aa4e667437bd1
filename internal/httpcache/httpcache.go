// Package httpcache is what Passerelle's HTTP answers do for caches and the
// wire: compression (gzip, or zstd when the client asks for it) of every
// textual answer, validators (ETag, Last-Modified) and 304 Not Modified on
// conditional GETs.
//
// Three pieces:
//
//   - Compress wraps a handler with compression (klauspost/compress's
//     gzhttp) of HTML, JSON, CSS, JavaScript, Atom, CSV, XML and the other
//     textual types; compressed answers get an ETag suffixed "-gzip" or
//     "-zstd" (RFC 9110 8.8.3: another representation), and the suffix is
//     taken off the client's If-None-Match before the handler compares it.
//   - ETags gives every 200 answer to a GET or HEAD that has no validator
//     of its own a weak ETag computed from its body, and answers 304 when
//     the client already has it. The work of the page is still done, but
//     not sent again.
//   - NotModified is for a handler that knows its validators before doing
//     the work (a feed's Last-Modified, a version): it sets them and answers
//     304 when the client's copy is current, so the handler can stop early.
//
// Personal answers never go into shared caches: a handler that renders for
// a signed-in person says "no-store" (left alone here), or ETags' Private
// function reports the request as personal, whose answers get
// "Cache-Control: private, no-cache".
package httpcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzhttp"
)

// Compressed lists the media types Compress compresses.
var Compressed = []string{
	"text/html", "text/css", "text/plain", "text/csv", "text/xml", "text/calendar",
	"text/javascript", "application/javascript",
	"application/json", "application/problem+json", "application/ld+json", "application/schema+json",
	"application/xml", "application/atom+xml", "application/rss+xml", "application/xslt+xml",
	"image/svg+xml",
}

// minCompressSize is the smallest body worth compressing: under it, the
// framing eats the gain.
const minCompressSize = 860

var (
	wrapOnce sync.Once
	wrap     func(http.Handler) http.HandlerFunc
)

// Compress compresses the answers of next whose type is in Compressed and
// whose body is at least a packet, with zstd when the client accepts it,
// else gzip. It adds "Vary: Accept-Encoding".
func Compress(next http.Handler) http.Handler {
	wrapOnce.Do(func() {
		var err error
		wrap, err = gzhttp.NewWrapper(
			gzhttp.ContentTypes(Compressed),
			gzhttp.MinSize(minCompressSize),
			gzhttp.CompressionLevel(5),
			gzhttp.SuffixETag("-gzip"), // "-zstd" for zstd
		)
		if err != nil {
			panic(err) // fixed options: a programming error
		}
	})
	h := wrap(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			r.Header.Set("If-None-Match", stripEncodingSuffix(inm))
		}
		h(w, r)
	})
}

// stripEncodingSuffix takes the "-gzip" and "-zstd" suffixes Compress adds
// off the entity tags of an If-None-Match field.
func stripEncodingSuffix(field string) string {
	if !strings.Contains(field, `-gzip"`) && !strings.Contains(field, `-zstd"`) {
		return field
	}
	field = strings.ReplaceAll(field, `-gzip"`, `"`)
	return strings.ReplaceAll(field, `-zstd"`, `"`)
}

// ETag returns a weak entity tag standing for parts: the same parts, the
// same tag. For a handler whose answer is a function of a version and a few
// more things (language, who asks): ETag("home", version, lang).
func ETag(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		_, _ = h.Write([]byte(strconv.Itoa(len(p))))
		_, _ = h.Write([]byte{':'})
		_, _ = h.Write([]byte(p))
	}
	return `W/"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:15]) + `"`
}

// BodyETag returns the weak entity tag of a body.
func BodyETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + base64.RawURLEncoding.EncodeToString(sum[:15]) + `"`
}

// Matches reports whether an If-None-Match field lists etag, by weak
// comparison (RFC 9110 8.8.3.2), or is "*".
func Matches(ifNoneMatch, etag string) bool {
	if etag == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for t := range strings.SplitSeq(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// NotModified sets the validators of an answer — etag ("" for none) and
// modified (the zero time for none, else sent as Last-Modified) — and, when
// the request is a GET or HEAD whose copy they show current, answers 304
// and reports true: the handler then writes nothing more. As RFC 9110 13.2.2
// says, If-None-Match decides when present; If-Modified-Since only without
// it.
func NotModified(w http.ResponseWriter, r *http.Request, etag string, modified time.Time) bool {
	h := w.Header()
	if etag != "" {
		h.Set("ETag", etag)
	}
	if !modified.IsZero() {
		h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	fresh := false
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		fresh = Matches(inm, etag)
	} else if ims := r.Header.Get("If-Modified-Since"); ims != "" && !modified.IsZero() {
		since, err := http.ParseTime(ims)
		fresh = err == nil && !modified.Truncate(time.Second).After(since)
	}
	if fresh {
		writeNotModified(w)
	}
	return fresh
}

// writeNotModified answers 304, keeping the headers a 304 may carry.
func writeNotModified(w http.ResponseWriter) {
	h := w.Header()
	for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Content-Language"} {
		h.Del(k)
	}
	w.WriteHeader(http.StatusNotModified)
}

// maxBuffered is the largest body ETags holds to compute its tag; a larger
// one (an export) goes out as it comes, without one.
const maxBuffered = 512 << 10

// ETags returns middleware that gives the 200 answers to GET and HEAD
// requests a weak ETag made from their body, when they have no ETag of their
// own, are not "no-store", set no cookie and fit in half a megabyte; it
// answers 304 instead when the request's If-None-Match lists it (or lists
// the ETag the handler set itself). private
// (nil for none) tells a personal request: its answers get "Cache-Control:
// private, no-cache" unless they say otherwise; the others get "no-cache"
// (any cache may keep them, checking back first).
func ETags(private func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				next.ServeHTTP(w, r)
				return
			}
			ew := &etagWriter{ResponseWriter: w, r: r, private: private}
			next.ServeHTTP(ew, r)
			ew.finish()
		})
	}
}

type etagState int

const (
	undecided etagState = iota
	buffering
	passing
	discarding // answered 304 on the handler's own ETag
)

type etagWriter struct {
	http.ResponseWriter
	r       *http.Request
	private func(*http.Request) bool
	state   etagState
	status  int
	buf     bytes.Buffer
}

func (w *etagWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *etagWriter) WriteHeader(status int) {
	if w.state != undecided {
		return // already decided: the first status counts, as in net/http
	}
	if status >= 100 && status < 200 {
		w.ResponseWriter.WriteHeader(status) // informational: not the answer yet
		return
	}
	w.status = status
	w.decide()
}

// decide chooses between buffering the body for a tag and passing it on.
func (w *etagWriter) decide() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h := w.Header()
	cc := h.Get("Cache-Control")
	if w.status == http.StatusOK && cc == "" {
		if w.private != nil && w.private(w.r) {
			h.Set("Cache-Control", "private, no-cache")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
	}
	if own := h.Get("ETag"); w.status == http.StatusOK && own != "" && Matches(w.r.Header.Get("If-None-Match"), own) {
		w.state = discarding
		writeNotModified(w.ResponseWriter)
		return
	}
	if w.status != http.StatusOK || h.Get("ETag") != "" || strings.Contains(cc, "no-store") ||
		h.Get("Set-Cookie") != "" || h.Get("Content-Type") == "text/event-stream" {
		w.state = passing
		w.ResponseWriter.WriteHeader(w.status)
		return
	}
	w.state = buffering
}

func (w *etagWriter) Write(p []byte) (int, error) {
	if w.state == undecided {
		w.decide()
	}
	if w.state == discarding {
		return len(p), nil
	}
	if w.state == buffering {
		if w.buf.Len()+len(p) <= maxBuffered {
			return w.buf.Write(p)
		}
		w.pass()
	}
	return w.ResponseWriter.Write(p)
}

// pass gives up the tag: what was held goes out, and the rest as it comes.
func (w *etagWriter) pass() {
	w.state = passing
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(w.buf.Bytes())
	w.buf = bytes.Buffer{}
}

// Flush sends what was written so far: a handler that flushes streams, and
// gets no tag.
func (w *etagWriter) Flush() {
	if w.state == undecided {
		w.decide()
	}
	if w.state == buffering {
		w.pass()
	}
	if w.state == discarding {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *etagWriter) finish() {
	switch w.state {
	case undecided:
		// Nothing written, no status: an empty 200, as net/http would send.
		if w.status == 0 && w.Header().Get("Content-Type") == "" {
			return
		}
		w.decide()
		if w.state != buffering {
			return
		}
	case passing, discarding:
		return
	}
	if w.r.Method == http.MethodHead && w.buf.Len() == 0 {
		// A handler that writes no body for HEAD: its headers as they are.
		w.ResponseWriter.WriteHeader(w.status)
		return
	}
	etag := BodyETag(w.buf.Bytes())
	h := w.Header()
	h.Set("ETag", etag)
	if Matches(w.r.Header.Get("If-None-Match"), etag) {
		writeNotModified(w.ResponseWriter)
		return
	}
	h.Set("Content-Length", strconv.Itoa(w.buf.Len()))
	w.ResponseWriter.WriteHeader(http.StatusOK)
	_, _ = w.ResponseWriter.Write(w.buf.Bytes())
}
