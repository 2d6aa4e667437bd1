package httpcache

import (
	"bytes"
	"container/list"
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Shared is a bounded cache of answers that are the same for everyone who
// asks — the public pages as an anonymous visitor sees them —, each kept
// with its body compressed once per encoding a client asked for. The
// caller decides what may go in and builds the key: it must hold
// everything the answer depends on (the path and query, the language, the
// version of the data shown, see Clock); Shared only ever stores 200
// answers that set no cookie and do not say no-store or private.
//
// Entries are rendered again after TTL (the pages say "3 days ago" and
// "next meeting": time moves without the data changing) — by the first
// request that finds one aged, while the others are still answered from it
// — and the least recently used go first when the cache holds more than
// MaxBytes.
type Shared struct {
	// MaxBytes bounds the bodies held, compressed copies included.
	MaxBytes int
	// TTL is how long an entry is served.
	TTL time.Duration

	mu      sync.Mutex
	lru     *list.List // of *Entry, most recent first
	entries map[string]*list.Element
	bytes   int
	flights map[string]*flight
}

// Entry is a stored answer.
type Entry struct {
	owner  *Shared
	key    string
	stored time.Time
	header http.Header // the answer's headers, without Set-Cookie
	etag   string      // of the identity body; "-gzip" or "-zstd" for the others
	body   []byte

	gzipOnce, zstdOnce sync.Once
	gzip, zstd         []byte // nil until asked for (or when not smaller)
	size               int    // bytes counted in Shared.bytes
}

type flight struct {
	done  chan struct{}
	entry *Entry // nil: the answer could not be stored
}

// NewShared returns a cache holding at most maxBytes of bodies for at most
// ttl each.
func NewShared(maxBytes int, ttl time.Duration) *Shared {
	return &Shared{MaxBytes: maxBytes, TTL: ttl, lru: list.New(), entries: map[string]*list.Element{}, flights: map[string]*flight{}}
}

// maxEntryBytes is the largest body kept: a bigger one (an export) is not
// what this cache is for.
const maxEntryBytes = 1 << 20

// Serve answers r from the entry of key when there is a fresh one;
// otherwise it runs render once for all the requests of that key arriving
// meanwhile, stores its answer when it may be shared, and answers them
// all from it. render gets a copy of r without conditional headers (so
// that it renders the whole answer), and writes to a recorder; an answer
// that may not be stored (an error page, a cookie, a redirect) is written
// as it is to the request that rendered it, and the others waiting render
// for themselves.
func (c *Shared) Serve(w http.ResponseWriter, r *http.Request, key string, render http.Handler) {
	c.mu.Lock()
	f, ok := c.flights[key]
	if el, held := c.entries[key]; held {
		e := el.Value.(*Entry)
		// Past its TTL, an entry is still served while its successor is
		// being rendered: only time-dependent texts have aged (the data
		// shown is the version in the key), and under load one request
		// renders while the others go on at once instead of queueing
		// behind it.
		if time.Since(e.stored) < c.TTL || ok {
			c.lru.MoveToFront(el)
			c.mu.Unlock()
			e.write(w, r)
			return
		}
	}
	if !ok {
		f = &flight{done: make(chan struct{})}
		c.flights[key] = f
		c.mu.Unlock()
		c.lead(w, r, key, f, render)
		return
	}
	c.mu.Unlock()
	select {
	case <-f.done:
	case <-r.Context().Done():
		return
	}
	if f.entry == nil {
		render.ServeHTTP(w, r) // not storable: render for ourselves
		return
	}
	f.entry.write(w, r)
}

// lead renders the answer of key, stores it if it may be shared, and
// answers r.
func (c *Shared) lead(w http.ResponseWriter, r *http.Request, key string, f *flight, render http.Handler) {
	defer func() {
		c.mu.Lock()
		delete(c.flights, key)
		c.mu.Unlock()
		close(f.done)
	}()
	rec := &recorder{header: http.Header{}}
	r2 := new(http.Request)
	*r2 = *r
	r2.Header = r.Header.Clone()
	r2.Header.Del("If-None-Match")
	r2.Header.Del("If-Modified-Since")
	render.ServeHTTP(rec, r2)
	if !rec.storable() {
		rec.replay(w)
		return
	}
	e := &Entry{owner: c, key: key, stored: time.Now(), header: rec.header, body: rec.body.Bytes()}
	e.etag = e.header.Get("ETag")
	if e.etag == "" {
		e.etag = BodyETag(e.body)
	}
	e.header.Del("ETag")
	e.header.Del("Content-Length")
	e.size = len(e.body)
	c.mu.Lock()
	if old, ok := c.entries[key]; ok {
		c.remove(old)
	}
	c.entries[key] = c.lru.PushFront(e)
	c.bytes += e.size
	c.evict()
	c.mu.Unlock()
	f.entry = e
	e.write(w, r)
}

// remove drops an entry; c.mu is held.
func (c *Shared) remove(el *list.Element) {
	e := c.lru.Remove(el).(*Entry)
	delete(c.entries, e.key)
	c.bytes -= e.size
}

// evict drops the least recently used entries over MaxBytes; c.mu is held.
func (c *Shared) evict() {
	for c.bytes > c.MaxBytes && c.lru.Len() > 0 {
		c.remove(c.lru.Back())
	}
}

// grow counts n more bytes of an entry (a compressed copy made).
func (c *Shared) grow(e *Entry, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok && el.Value == e {
		e.size += n
		c.bytes += n
		c.evict()
	}
}

// Len returns how many answers are held.
func (c *Shared) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// write answers r with the entry: the body in the best encoding the client
// accepts (zstd, then gzip) when the type is one Compress compresses, or
// 304 when If-None-Match names the tag.
func (e *Entry) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range e.header {
		if k == "Vary" {
			for _, x := range v {
				h.Add(k, x)
			}
			continue
		}
		h[k] = v
	}
	body, etag := e.body, e.etag
	if compressible(h.Get("Content-Type")) && len(e.body) >= minCompressSize {
		h.Add("Vary", "Accept-Encoding")
		switch encoding(r.Header.Get("Accept-Encoding")) {
		case "zstd":
			if z := e.zstdBody(); z != nil {
				body, etag = z, suffixed(e.etag, "-zstd")
				h.Set("Content-Encoding", "zstd")
			}
		case "gzip":
			if g := e.gzipBody(); g != nil {
				body, etag = g, suffixed(e.etag, "-gzip")
				h.Set("Content-Encoding", "gzip")
			}
		}
	}
	h.Set("ETag", etag)
	// Compress took any encoding suffix off the client's tags.
	if Matches(r.Header.Get("If-None-Match"), e.etag) {
		writeNotModified(w)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// suffixed puts suffix inside the quotes of an entity tag.
func suffixed(etag, suffix string) string {
	if strings.HasSuffix(etag, `"`) {
		return etag[:len(etag)-1] + suffix + `"`
	}
	return etag + suffix
}

// compressible reports whether a content type is one of Compressed.
func compressible(ctype string) bool {
	mt, _, _ := strings.Cut(ctype, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	for _, c := range Compressed {
		if mt == c {
			return true
		}
	}
	return false
}

// encoding returns the encoding to answer with for an Accept-Encoding
// field: "zstd" when accepted at least as much as gzip, "gzip", or "".
func encoding(accept string) string {
	if accept == "" {
		return ""
	}
	qz, qg := -1.0, -1.0
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "zstd":
			qz = q
		case "gzip", "x-gzip":
			qg = q
		case "*":
			if qg < 0 {
				qg = q
			}
		}
	}
	switch {
	case qz > 0 && qz >= qg:
		return "zstd"
	case qg > 0:
		return "gzip"
	}
	return ""
}

var zstdEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))

// zstdBody returns the body compressed with zstd, made on first use and
// counted in the cache's bytes; nil when not smaller.
func (e *Entry) zstdBody() []byte {
	e.zstdOnce.Do(func() {
		z := zstdEncoder.EncodeAll(e.body, make([]byte, 0, len(e.body)/3))
		if len(z) < len(e.body) {
			e.zstd = z
			e.owner.grow(e, len(z))
		}
	})
	return e.zstd
}

// gzipBody is zstdBody for gzip.
func (e *Entry) gzipBody() []byte {
	e.gzipOnce.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(e.body) / 3)
		zw, _ := gzip.NewWriterLevel(&buf, 5)
		_, _ = zw.Write(e.body)
		_ = zw.Close()
		if buf.Len() < len(e.body) {
			e.gzip = buf.Bytes()
			e.owner.grow(e, buf.Len())
		}
	})
	return e.gzip
}

// recorder holds a rendered answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	big    bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body.Len()+len(p) > maxEntryBytes {
		r.big = true
	}
	return r.body.Write(p)
}

// storable reports whether the answer may be served to everyone.
func (r *recorder) storable() bool {
	cc := strings.ToLower(r.header.Get("Cache-Control"))
	return r.status == http.StatusOK && !r.big && r.body.Len() > 0 &&
		r.header.Get("Set-Cookie") == "" && r.header.Get("Content-Encoding") == "" &&
		!strings.Contains(cc, "no-store") && !strings.Contains(cc, "private")
}

// replay writes the recorded answer as it is.
func (r *recorder) replay(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range r.header {
		if k == "Vary" {
			for _, x := range v {
				h.Add(k, x)
			}
			continue
		}
		h[k] = v
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body.Bytes())
}

// Clock reads a version for many requests at once: a request gets the
// result of a read that began after it arrived — so it sees every change
// committed before it came, in any process —, and the requests that
// arrive while a read is under way share the next one. Under load, one
// read serves a whole batch of requests instead of one each.
type Clock struct {
	read    func(context.Context) (string, error)
	timeout time.Duration
	// Spacing is the least time between the starts of two reads: under
	// load a read then serves every request of the last Spacing, for a
	// wait of at most Spacing; idle, a request never waits for it.
	Spacing time.Duration
	last    time.Time // when the last read began; guarded by reading

	mu      sync.Mutex
	next    *tick         // the read the next arrivals join; nil: none gathering
	reading chan struct{} // one read at a time
}

type tick struct {
	done    chan struct{}
	version string
	err     error
}

// NewClock returns a clock over read; each read is given at most timeout,
// and starts at least spacing after the one before.
func NewClock(read func(context.Context) (string, error), timeout, spacing time.Duration) *Clock {
	return &Clock{read: read, timeout: timeout, Spacing: spacing, reading: make(chan struct{}, 1)}
}

// Version returns a version read after the call began.
func (c *Clock) Version(ctx context.Context) (string, error) {
	c.mu.Lock()
	t, lead := c.next, false
	if t == nil {
		t, lead = &tick{done: make(chan struct{})}, true
		c.next = t
	}
	c.mu.Unlock()
	if lead {
		go c.run(context.WithoutCancel(ctx), t)
	}
	select {
	case <-t.done:
		return t.version, t.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// run waits for the read under way, closes the gathering of t, and reads
// for all who joined it.
func (c *Clock) run(ctx context.Context, t *tick) {
	c.reading <- struct{}{}
	if wait := c.Spacing - time.Since(c.last); wait > 0 {
		time.Sleep(wait)
	}
	c.last = time.Now()
	c.mu.Lock()
	c.next = nil // from now on, arrivals wait for a later read
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	t.version, t.err = c.read(ctx)
	cancel()
	<-c.reading
	close(t.done)
}
