package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/faults"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
	"github.com/passerelle/passerelle/internal/web"
)

// serveFaults serves svc with opts, without workers: the tests below break
// its database.
func serveFaults(t *testing.T, svc *service.Service, opts web.Options) string {
	t.Helper()
	engine, _ := newEngine(t, false)
	opts.BaseURL, opts.Logger = "http://passerelle.test", slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(testenv.CheckAPI(t, web.New(svc, engine, opts)))
	t.Cleanup(srv.Close)
	return srv.URL
}

type health struct {
	Status   string `json:"status"`
	Database string `json:"database"`
	Writable bool   `json:"writable"`
	Queue    *struct {
		Available, Running, Retryable int
	} `json:"queue"`
	Reason string `json:"reason"`
}

// call sends one request and returns the status, the Retry-After header
// and the body.
func call(t *testing.T, method, u, token, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Language", "fr")
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(raw)
}

func errorCodeOf(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not a JSON error: %q", body)
	}
	return e.Error.Code
}

// TestHealthz: a healthy server says so, with its database, that it takes
// writes, and its queue.
func TestHealthz(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		base := serveFaults(t, b.Service, web.Options{Dialect: dialect})
		for range 2 { // the second answer reuses the write check
			status, _, body := call(t, http.MethodGet, base+"/healthz", "", "")
			var h health
			if err := json.Unmarshal([]byte(body), &h); err != nil || status != http.StatusOK {
				t.Fatalf("/healthz: %d %s", status, body)
			}
			if h.Status != "ok" || h.Database != dialect || !h.Writable || h.Queue == nil || h.Reason != "" {
				t.Errorf("/healthz: %s", body)
			}
		}
	})
}

// TestOutageIsUnavailable: with the database gone, the API answers 503
// unavailable with Retry-After (never 500), pages answer the French 503
// page, and /healthz says why.
func TestOutageIsUnavailable(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		token, _, err := b.Service.CreateToken(ctx, w.LilleAuthor)
		if err != nil {
			t.Fatal(err)
		}
		base := serveFaults(t, b.Service, web.Options{Dialect: dialect})
		if err := b.DB.Close(); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ name, method, path, token, body string }{
			{name: "anonymous list", method: http.MethodGet, path: "/api/v1/practices"},
			{name: "signed-in write", method: http.MethodPost, path: "/api/v1/practices", token: token, body: `{"title":"Brouillon"}`},
		} {
			status, retry, body := call(t, tc.method, base+tc.path, tc.token, tc.body)
			if status != http.StatusServiceUnavailable || retry == "" || errorCodeOf(t, body) != "unavailable" {
				t.Errorf("%s: %d, Retry-After %q, %s", tc.name, status, retry, body)
			}
		}
		status, retry, page := call(t, http.MethodGet, base+"/territoires?x=1", "", "")
		if status != http.StatusServiceUnavailable || retry == "" || !strings.Contains(page, "Service momentanément indisponible") ||
			!strings.Contains(page, `href="/territoires?x=1"`) || !strings.Contains(page, `lang="fr"`) {
			t.Errorf("page: %d, Retry-After %q:\n%s", status, retry, page)
		}
		status, retry, body := call(t, http.MethodGet, base+"/healthz", "", "")
		var h health
		if err := json.Unmarshal([]byte(body), &h); err != nil || status != http.StatusServiceUnavailable || retry == "" ||
			h.Status != "unavailable" || h.Writable || h.Reason == "" {
			t.Errorf("/healthz: %d %q %s", status, retry, body)
		}
	})
}

// TestStalledDatabase puts a proxy between the application and PostgreSQL
// and makes it stop forwarding: requests answer 503 once their deadline
// passes, /healthz answers 503, the requests beyond MaxRequests are turned
// away before the deadline, and everything comes back with the network.
func TestStalledDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for request deadlines")
	}
	dbURL, dataDir := testenv.DatabaseURL(t, store.Postgres)
	direct, err := store.Open(context.Background(), dbURL, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = direct.Close() }()
	if _, err := direct.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(dbURL)
	proxy, err := faults.NewProxy(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	u.Host = proxy.Addr()
	db, err := store.Open(context.Background(), u.String(), dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	az, err := authz.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := jobs.NewClient(jobs.Deps{DB: db, Authz: az, Logger: slog.New(slog.DiscardHandler)}, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	svc := &service.Service{DB: db, Authz: az, River: rc, Logger: slog.New(slog.DiscardHandler), Hasher: testenv.FastHasher}
	base := serveFaults(t, svc, web.Options{Dialect: store.Postgres, RequestTimeout: 3 * time.Second, MaxRequests: 2})
	if status, _, body := call(t, http.MethodGet, base+"/api/v1/practices", "", ""); status != http.StatusOK {
		t.Fatalf("before the stall: %d %s", status, body)
	}

	proxy.Stall()
	var wg sync.WaitGroup
	codes := make([]string, 3)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 2 {
				time.Sleep(300 * time.Millisecond) // the two others hold the places
			}
			status, retry, body := call(t, http.MethodGet, base+"/api/v1/practices", "", "")
			if status != http.StatusServiceUnavailable || retry == "" {
				t.Errorf("request %d during the stall: %d %q %s", i, status, retry, body)
			}
			codes[i] = body
		}()
	}
	wg.Wait()
	if !strings.Contains(codes[2], "Too many requests in progress") {
		t.Errorf("the third request was not turned away at admission: %s", codes[2])
	}
	if status, _, body := call(t, http.MethodGet, base+"/healthz", "", ""); status != http.StatusServiceUnavailable ||
		!strings.Contains(body, "the database does not answer") {
		t.Errorf("/healthz during the stall: %d %s", status, body)
	}

	proxy.Resume()
	deadline := time.Now().Add(time.Minute)
	for {
		hs, _, _ := call(t, http.MethodGet, base+"/healthz", "", "")
		ps, _, _ := call(t, http.MethodGet, base+"/api/v1/practices", "", "")
		if hs == http.StatusOK && ps == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not recovered a minute after the network came back: /healthz %d, list %d", hs, ps)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
