package httpcache

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// TestSharedServesOneRendering: the first request renders, the next ones
// get the same answer without rendering, in the encoding each accepts, and
// 304 on the tag; what may not be shared (an error, a cookie, no-store,
// private) is never stored.
func TestSharedServesOneRendering(t *testing.T) {
	c := NewShared(1<<20, time.Hour)
	var renders atomic.Int32
	render := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		pageHandler(w, r)
	})
	h := Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c.Serve(w, r, "k", render) }))
	first := serve(h, http.MethodGet, "/", nil)
	if first.Code != http.StatusOK || first.Body.String() != page || first.Header().Get("ETag") == "" {
		t.Fatalf("first: %d %q", first.Code, first.Header().Get("ETag"))
	}
	etag := first.Header().Get("ETag")
	for _, tc := range []struct{ accept, encoding string }{{"", ""}, {"gzip", "gzip"}, {"gzip, zstd", "zstd"}} {
		res := serve(h, http.MethodGet, "/", map[string]string{"Accept-Encoding": tc.accept})
		if got := res.Header().Get("Content-Encoding"); got != tc.encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q", tc.accept, got)
		}
		body := res.Body.Bytes()
		switch tc.encoding {
		case "gzip":
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		case "zstd":
			zr, err := zstd.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
			zr.Close()
		}
		if string(body) != page {
			t.Errorf("Accept-Encoding %q: another body", tc.accept)
		}
		if tag := res.Header().Get("ETag"); tc.encoding != "" && tag == etag {
			t.Errorf("Accept-Encoding %q: same tag as the identity", tc.accept)
		}
		again := serve(h, http.MethodGet, "/", map[string]string{"Accept-Encoding": tc.accept, "If-None-Match": res.Header().Get("ETag")})
		if again.Code != http.StatusNotModified {
			t.Errorf("Accept-Encoding %q, If-None-Match: %d", tc.accept, again.Code)
		}
	}
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renderings, want 1", n)
	}

	for name, h := range map[string]http.HandlerFunc{
		"error":  func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusNotFound) },
		"cookie": func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Set-Cookie", "a=b"); pageHandler(w, r) },
		"no-store": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			pageHandler(w, r)
		},
		"private": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "private")
			pageHandler(w, r)
		},
	} {
		c.Serve(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), name, h)
	}
	if n := c.Len(); n != 1 {
		t.Errorf("%d entries, want 1 (the page)", n)
	}
}

// TestSharedRendersOnceForConcurrentRequests: requests of one key arriving
// while it renders wait for that rendering.
func TestSharedRendersOnceForConcurrentRequests(t *testing.T) {
	c := NewShared(1<<20, time.Hour)
	var renders atomic.Int32
	release := make(chan struct{})
	render := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		<-release
		pageHandler(w, r)
	})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			c.Serve(rec, httptest.NewRequest(http.MethodGet, "/", nil), "k", render)
			if rec.Body.String() != page {
				t.Error("another body")
			}
		})
	}
	// Wait until the first is rendering and the others wait for it.
	deadline := time.Now().Add(time.Minute)
	for renders.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renderings, want 1", n)
	}
	if c.Len() != 1 {
		t.Errorf("%d entries", c.Len())
	}
}

// TestSharedBoundedAndExpiring: entries over MaxBytes go, least recently
// used first; an entry older than TTL is rendered again.
func TestSharedBoundedAndExpiring(t *testing.T) {
	c := NewShared(3*len(page), time.Hour)
	for i := range 5 {
		c.Serve(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), strconv.Itoa(i), http.HandlerFunc(pageHandler))
	}
	if n := c.Len(); n != 3 {
		t.Errorf("%d entries, want 3", n)
	}
	c = NewShared(1<<20, time.Nanosecond)
	var renders atomic.Int32
	render := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { renders.Add(1); pageHandler(w, r) })
	for range 2 {
		c.Serve(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil), "k", render)
		time.Sleep(time.Millisecond)
	}
	if n := renders.Load(); n != 2 {
		t.Errorf("expired entry: %d renderings, want 2", n)
	}
}

// TestClockReadsAfterArrival: a version is read after the call began —
// a change made before the call is always seen —, and calls arriving
// together share reads.
func TestClockReadsAfterArrival(t *testing.T) {
	var version, reads atomic.Int64
	clock := NewClock(func(context.Context) (string, error) {
		reads.Add(1)
		time.Sleep(time.Millisecond)
		return strconv.FormatInt(version.Load(), 10), nil
	}, time.Minute, time.Millisecond)
	ctx := context.Background()
	for i := range 20 {
		version.Store(int64(i))
		v, err := clock.Version(ctx)
		if err != nil || v != strconv.Itoa(i) {
			t.Fatalf("after the change to %d: %q, %v", i, v, err)
		}
	}
	reads.Store(0)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			if _, err := clock.Version(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := reads.Load(); n < 1 || n > 64 {
		t.Errorf("%d reads for 64 calls", n)
	}
	t.Logf("%d reads for 64 concurrent calls", reads.Load())
}

// TestSharedServesAgedWhileRendering: once an entry has aged past TTL, the
// first request renders it again, and the requests arriving meanwhile are
// answered at once from the aged entry instead of waiting.
func TestSharedServesAgedWhileRendering(t *testing.T) {
	c := NewShared(1<<20, time.Millisecond)
	var renders atomic.Int32
	release := make(chan struct{})
	render := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := renders.Add(1)
		if n == 2 {
			<-release
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "rendering "+strconv.Itoa(int(n)))
	})
	get := func() string {
		rec := httptest.NewRecorder()
		c.Serve(rec, httptest.NewRequest(http.MethodGet, "/", nil), "k", render)
		return rec.Body.String()
	}
	if got := get(); got != "rendering 1" {
		t.Fatalf("first: %q", got)
	}
	for deadline := time.Now().Add(time.Minute); ; {
		c.mu.Lock()
		aged := time.Since(c.entries["k"].Value.(*Entry).stored) >= c.TTL
		c.mu.Unlock()
		if aged || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	second := make(chan string)
	go func() { second <- get() }()
	for deadline := time.Now().Add(time.Minute); renders.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	// The second rendering is blocked: the others get the aged answer.
	for range 3 {
		if got := get(); got != "rendering 1" {
			t.Errorf("while rendering again: %q, want the aged answer", got)
		}
	}
	close(release)
	if got := <-second; got != "rendering 2" {
		t.Errorf("the request that rendered again: %q", got)
	}
}
