package httpcache

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

var page = strings.Repeat("<p>Une pratique partagée dans le réseau.</p>\n", 200)

func pageHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, page)
}

func serve(h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestCompressNegotiates(t *testing.T) {
	h := Compress(ETags(nil)(http.HandlerFunc(pageHandler)))
	for _, tc := range []struct{ accept, want string }{
		{"gzip", "gzip"},
		{"gzip, deflate, br, zstd", "zstd"},
		{"zstd", "zstd"},
		{"", ""},
		{"br", ""},
	} {
		rec := serve(h, "GET", "/", map[string]string{"Accept-Encoding": tc.accept})
		if got := rec.Header().Get("Content-Encoding"); got != tc.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.want)
		}
		if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: Vary %q", tc.accept, rec.Header().Get("Vary"))
		}
		var body []byte
		var err error
		switch tc.want {
		case "gzip":
			var zr *gzip.Reader
			if zr, err = gzip.NewReader(rec.Body); err == nil {
				body, err = io.ReadAll(zr)
			}
		case "zstd":
			var zr *zstd.Decoder
			if zr, err = zstd.NewReader(rec.Body); err == nil {
				body, err = io.ReadAll(zr)
				zr.Close()
			}
		default:
			body = rec.Body.Bytes()
		}
		if err != nil || string(body) != page {
			t.Errorf("Accept-Encoding %q: body differs (%v)", tc.accept, err)
		}
		if tc.want != "" && rec.Body.Len() > len(page)/5 {
			t.Errorf("%s: %d bytes for %d", tc.want, rec.Body.Len(), len(page))
		}
		etag := rec.Header().Get("ETag")
		if tc.want != "" && !strings.HasSuffix(etag, "-"+tc.want+`"`) {
			t.Errorf("%s: ETag %q has no suffix", tc.want, etag)
		}
		// The tag the client got brings a 304, whatever the encoding.
		again := serve(h, "GET", "/", map[string]string{"Accept-Encoding": tc.accept, "If-None-Match": etag})
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("%s: If-None-Match %s: %d, %d bytes", tc.want, etag, again.Code, again.Body.Len())
		}
	}
}

func TestCompressSkipsOtherTypesAndSmallBodies(t *testing.T) {
	for _, tc := range []struct {
		ctype string
		size  int
	}{{"image/png", 5000}, {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 5000}, {"text/html; charset=utf-8", 200}} {
		h := Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tc.ctype)
			_, _ = w.Write(bytes.Repeat([]byte("a"), tc.size))
		}))
		rec := serve(h, "GET", "/", map[string]string{"Accept-Encoding": "gzip"})
		if got := rec.Header().Get("Content-Encoding"); got != "" || rec.Body.Len() != tc.size {
			t.Errorf("%s of %d bytes: Content-Encoding %q, %d bytes", tc.ctype, tc.size, got, rec.Body.Len())
		}
	}
	for _, ctype := range []string{"application/json", "application/atom+xml; charset=utf-8", "text/csv; charset=utf-8",
		"application/xml", "text/css; charset=utf-8", "text/javascript; charset=utf-8"} {
		h := Compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			_, _ = io.WriteString(w, page)
		}))
		if got := serve(h, "GET", "/", map[string]string{"Accept-Encoding": "gzip"}).Header().Get("Content-Encoding"); got != "gzip" {
			t.Errorf("%s: Content-Encoding %q", ctype, got)
		}
	}
}

func TestETagsAndCacheControl(t *testing.T) {
	private := func(r *http.Request) bool { return r.Header.Get("Authorization") != "" }
	h := ETags(private)(http.HandlerFunc(pageHandler))
	rec := serve(h, "GET", "/", nil)
	etag := rec.Header().Get("ETag")
	if rec.Code != 200 || !strings.HasPrefix(etag, `W/"`) || rec.Body.String() != page {
		t.Fatalf("first GET: %d, ETag %q", rec.Code, etag)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
		t.Errorf("public Cache-Control %q", got)
	}
	if got := serve(h, "GET", "/", map[string]string{"Authorization": "Bearer x"}).Header().Get("Cache-Control"); got != "private, no-cache" {
		t.Errorf("personal Cache-Control %q", got)
	}
	for _, inm := range []string{etag, `"other", ` + etag, strings.TrimPrefix(etag, "W/"), "*"} {
		if got := serve(h, "GET", "/", map[string]string{"If-None-Match": inm}); got.Code != http.StatusNotModified || got.Body.Len() != 0 ||
			got.Header().Get("ETag") != etag || got.Header().Get("Content-Type") != "" {
			t.Errorf("If-None-Match %s: %d %v", inm, got.Code, got.Header())
		}
	}
	if got := serve(h, "GET", "/", map[string]string{"If-None-Match": `"other"`}); got.Code != 200 || got.Body.String() != page {
		t.Errorf("stale If-None-Match: %d", got.Code)
	}
	head := serve(h, "HEAD", "/", nil)
	if head.Header().Get("ETag") != etag {
		t.Errorf("HEAD ETag %q, GET %q", head.Header().Get("ETag"), etag)
	}
}

func TestETagsLeaveAlone(t *testing.T) {
	for name, handler := range map[string]http.HandlerFunc{
		"no-store": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			_, _ = io.WriteString(w, page)
		},
		"cookie": func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "flash", Value: "", MaxAge: -1})
			_, _ = io.WriteString(w, page)
		},
		"not found": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, page)
		},
		"streamed": func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, page)
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, page)
		},
		"large": func(w http.ResponseWriter, r *http.Request) {
			for range 2 * maxBuffered / len(page) {
				_, _ = io.WriteString(w, page)
			}
		},
	} {
		rec := serve(ETags(nil)(handler), "GET", "/", map[string]string{"If-None-Match": "*"})
		etag := rec.Header().Get("ETag")
		if rec.Code == http.StatusNotModified || (etag != "" && etag != `"7"`) || rec.Body.Len() < len(page) {
			t.Errorf("%s: %d, ETag %q, %d bytes", name, rec.Code, etag, rec.Body.Len())
		}
	}
}

func TestETagsOwnTag(t *testing.T) {
	h := ETags(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"7"`)
		_, _ = io.WriteString(w, page)
	}))
	if rec := serve(h, "GET", "/", nil); rec.Code != 200 || rec.Header().Get("ETag") != `"7"` || rec.Body.String() != page {
		t.Errorf("own tag: %d %q", rec.Code, rec.Header().Get("ETag"))
	}
	if rec := serve(h, "GET", "/", map[string]string{"If-None-Match": `"7"`}); rec.Code != 304 || rec.Header().Get("ETag") != `"7"` || rec.Body.Len() != 0 {
		t.Errorf("own tag matched: %d %q %d bytes", rec.Code, rec.Header().Get("ETag"), rec.Body.Len())
	}
	if rec := serve(h, "GET", "/", map[string]string{"If-None-Match": `"6"`}); rec.Code != 200 || rec.Body.String() != page {
		t.Errorf("own tag, stale copy: %d", rec.Code)
	}
}

func TestNotModified(t *testing.T) {
	changed := time.Date(2026, 12, 6, 10, 0, 0, 500e6, time.UTC)
	etag := ETag("feed", "42", "fr")
	if etag == ETag("feed", "42", "en") || etag != ETag("feed", "42", "fr") || ETag("ab", "c") == ETag("a", "bc") {
		t.Fatal("ETag is not a function of its parts")
	}
	for _, tc := range []struct {
		name   string
		method string
		hdr    map[string]string
		want   bool
	}{
		{"unconditional", "GET", nil, false},
		{"same tag", "GET", map[string]string{"If-None-Match": etag}, true},
		{"other tag wins over date", "GET", map[string]string{"If-None-Match": `"x"`, "If-Modified-Since": changed.Format(http.TimeFormat)}, false},
		{"same second", "GET", map[string]string{"If-Modified-Since": changed.Format(http.TimeFormat)}, true},
		{"later", "HEAD", map[string]string{"If-Modified-Since": changed.Add(time.Hour).Format(http.TimeFormat)}, true},
		{"earlier", "GET", map[string]string{"If-Modified-Since": changed.Add(-time.Second).Format(http.TimeFormat)}, false},
		{"bad date", "GET", map[string]string{"If-Modified-Since": "yesterday"}, false},
		{"post", "POST", map[string]string{"If-None-Match": etag}, false},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(tc.method, "/feed", nil)
		for k, v := range tc.hdr {
			req.Header.Set(k, v)
		}
		got := NotModified(rec, req, etag, changed)
		if got != tc.want || (got && rec.Code != http.StatusNotModified) {
			t.Errorf("%s: %v (%d)", tc.name, got, rec.Code)
		}
		if rec.Header().Get("Last-Modified") != "Sun, 06 Dec 2026 10:00:00 GMT" || rec.Header().Get("ETag") != etag {
			t.Errorf("%s: validators %v", tc.name, rec.Header())
		}
	}
}
