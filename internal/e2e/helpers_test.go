package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/cli"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// syncBuffer is a bytes.Buffer that a running server and the test may use
// at the same time.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// site is one installation of Passerelle: a fresh database and its data
// directory, shared by every command and server a test runs on it.
type site struct {
	t       *testing.T
	dialect string
	dbURL   string
	dataDir string
}

func newSite(t *testing.T, dialect string) *site {
	t.Helper()
	dbURL, dataDir := testenv.DatabaseURL(t, dialect)
	return &site{t: t, dialect: dialect, dbURL: dbURL, dataDir: dataDir}
}

// flags are the configuration flags that point a command at the site.
func (s *site) flags() []string {
	return []string{"--data-dir", s.dataDir, "--database-url", s.dbURL}
}

// result is what one run of the command left behind.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout: %q\nstderr: %q", r.code, r.stdout, r.stderr)
}

// run runs the passerelle command in-process, as the binary would with
// these arguments (the site's flags appended) and stdin.
func (s *site) run(stdin string, args ...string) result {
	s.t.Helper()
	return runMain(append(slices.Clone(args), s.flags()...), stdin)
}

// runMain runs the passerelle command with exactly args.
func runMain(args []string, stdin string) result {
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr})
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// must runs a command that has to succeed.
func (s *site) must(stdin string, args ...string) result {
	s.t.Helper()
	r := s.run(stdin, args...)
	if r.code != 0 {
		s.t.Fatalf("passerelle %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// open opens the site's database directly, to look at what commands did.
func (s *site) open() *store.DB {
	s.t.Helper()
	db, err := store.Open(context.Background(), s.dbURL, s.dataDir)
	if err != nil {
		s.t.Fatal(err)
	}
	return db
}

// state is everything the administration commands can change, in a form
// that compares with ==.
type state struct {
	Policy      int64
	Territories string
	Themes      string
	Users       string
	Grants      string
}

func (s *site) state() state {
	s.t.Helper()
	ctx := context.Background()
	db := s.open()
	defer func() { _ = db.Close() }()
	var st state
	var err error
	if st.Policy, err = store.PolicyVersion(ctx, db.Read); err != nil {
		s.t.Fatal(err)
	}
	territories, err := store.ListTerritories(ctx, db.Read)
	if err != nil {
		s.t.Fatal(err)
	}
	var parts []string
	for _, t := range territories {
		parts = append(parts, fmt.Sprintf("%s|%s|%s|%s", t.Code, t.Name, t.Level, t.ParentCode))
	}
	st.Territories = strings.Join(parts, "\n")
	themes, err := store.ListThemes(ctx, db.Read)
	if err != nil {
		s.t.Fatal(err)
	}
	parts = nil
	for _, t := range themes {
		parts = append(parts, t.Slug+"|"+t.Name)
	}
	st.Themes = strings.Join(parts, "\n")
	users, err := store.ListUsers(ctx, db.Read)
	if err != nil {
		s.t.Fatal(err)
	}
	parts = nil
	emails := map[int64]string{}
	for _, u := range users {
		emails[u.ID] = u.Email
		parts = append(parts, fmt.Sprintf("%s|%s|admin=%t|disabled=%t", u.Email, u.Name, u.Admin, u.Disabled()))
	}
	st.Users = strings.Join(parts, "\n")
	parts = nil
	for _, u := range users {
		grants, err := store.GrantsOfUser(ctx, db.Read, u.ID)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, g := range grants {
			parts = append(parts, fmt.Sprintf("%s %s %s", emails[g.UserID], g.Role, g.Territory))
		}
	}
	slices.Sort(parts)
	st.Grants = strings.Join(parts, "\n")
	return st
}

// seedWorld migrates the site with "passerelle migrate" and fills it with
// testenv's World. Its accounts have cheap password hashes, so that logging
// in over HTTP stays fast under -race.
func (s *site) seedWorld() *testenv.World {
	s.t.Helper()
	s.must("", "migrate")
	ctx := context.Background()
	db := s.open()
	defer func() { _ = db.Close() }()
	az, err := authz.New(ctx, db)
	if err != nil {
		s.t.Fatal(err)
	}
	svc := &service.Service{DB: db, Authz: az, Hasher: testenv.FastHasher, Logger: slog.New(slog.DiscardHandler)}
	return testenv.NewWorld(s.t, &testenv.Bundle{Dialect: s.dialect, DB: db, DataDir: s.dataDir, Authz: az, Service: svc})
}

// server is a running "passerelle serve", in-process.
type server struct {
	t       *testing.T
	base    string // http://host:port, from the address the server reported
	cancel  context.CancelFunc
	done    chan int
	stopped bool
	stdout  *syncBuffer
	stderr  *syncBuffer
}

// serve starts "passerelle serve" on a free port and waits until it
// accepts connections. The test stops it with stop; otherwise it is stopped
// when the test ends.
func (s *site) serve(extra ...string) *server {
	s.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv := &server{t: s.t, cancel: cancel, done: make(chan int, 1), stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	ready := make(chan string, 1)
	// Every answer on a documented route is checked against the OpenAPI
	// document; mismatches fail the test when it ends, after the server
	// stopped (cleanups run last-registered first).
	check := func(h http.Handler) http.Handler { return testenv.CheckAPI(s.t, h) }
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, extra...)
	args = append(args, s.flags()...)
	go func() {
		srv.done <- cli.Main(ctx, args, cli.Env{Stdin: strings.NewReader(""), Stdout: srv.stdout, Stderr: srv.stderr,
			Ready: func(addr string) { ready <- addr }, Handler: check})
	}()
	select {
	case addr := <-ready:
		srv.base = "http://" + addr
	case code := <-srv.done:
		cancel()
		s.t.Fatalf("serve exited with %d before being ready\nstdout: %s\nstderr: %s", code, srv.stdout, srv.stderr)
	case <-time.After(60 * time.Second):
		cancel()
		s.t.Fatalf("serve not ready after 60 s\nstderr: %s", srv.stderr)
	}
	s.t.Cleanup(func() {
		if !srv.stopped {
			srv.stop()
		}
	})
	return srv
}

// stop cancels the server's context, as SIGTERM does in the binary, and
// checks that Main returns 0 within the contract's 10 s.
func (srv *server) stop() {
	srv.t.Helper()
	srv.stopped = true
	srv.cancel()
	select {
	case code := <-srv.done:
		if code != 0 {
			srv.t.Errorf("serve exited with %d, want 0\nstderr: %s", code, srv.stderr)
		}
	case <-time.After(10 * time.Second):
		srv.t.Errorf("serve still running 10 s after being stopped\nstderr: %s", srv.stderr)
	}
}

// client talks to a server's API, as one caller (token "" for anonymous).
type client struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

func (srv *server) client(token string) *client {
	return &client{t: srv.t, base: srv.base, token: token, http: &http.Client{Timeout: 30 * time.Second}}
}

// response is an HTTP answer, read in full.
type response struct {
	t      *testing.T
	req    string
	status int
	header http.Header
	body   []byte
}

// raw sends a request with a body given as is and the given content type.
func (c *client) raw(method, path, contentType string, body []byte) *response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) *response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return &response{t: c.t, req: req.Method + " " + req.URL.RequestURI(), status: res.StatusCode, header: res.Header, body: b}
}

// do sends v as JSON (a string is sent as is; nil sends no body).
func (c *client) do(method, path string, v any) *response {
	c.t.Helper()
	switch v := v.(type) {
	case nil:
		return c.raw(method, path, "", nil)
	case string:
		return c.raw(method, path, "application/json", []byte(v))
	default:
		b, err := json.Marshal(v)
		if err != nil {
			c.t.Fatal(err)
		}
		return c.raw(method, path, "application/json", b)
	}
}

func (c *client) get(path string) *response { c.t.Helper(); return c.do(http.MethodGet, path, nil) }

// ok checks the status and decodes the JSON body into out (when not nil).
func (r *response) ok(status int, out any) *response {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("%s: status %d, want %d; body: %s", r.req, r.status, status, r.body)
	}
	if out != nil {
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			r.t.Fatalf("%s: Content-Type %q, want JSON", r.req, ct)
		}
		if err := json.Unmarshal(r.body, out); err != nil {
			r.t.Fatalf("%s: decode %s: %v", r.req, r.body, err)
		}
	}
	return r
}

// apiError is the contract's error body.
type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// leaks are fragments that betray internal details when they appear in an
// error shown to a caller.
var leaks = []string{"sql", "pgx", "pgconn", "postgres", "bun", "river", "casbin", "panic", "goroutine", ".go:",
	"passerelle error", "invalid character", "unexpected eof", "dial tcp", "constraint", "relation", "no such table",
	"runtime error", "json: cannot", "json: unknown", "stack"}

// fails checks that the response is the contract's error with status and
// code, and nothing else: {"error":{"code","message"[,"fields"]}}, a message
// for people without internal details, and fields on validation errors.
func (r *response) fails(status int, code string) apiError {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("%s: status %d, want %d (%s); body: %s", r.req, r.status, status, code, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		r.t.Errorf("%s: error with Content-Type %q, want JSON", r.req, ct)
	}
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &outer); err != nil {
		r.t.Fatalf("%s: error body is not a JSON object: %s", r.req, r.body)
	}
	if len(outer) != 1 || outer["error"] == nil {
		r.t.Errorf("%s: error body has keys %v, want only \"error\": %s", r.req, keys(outer), r.body)
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(outer["error"], &inner); err != nil {
		r.t.Fatalf("%s: \"error\" is not an object: %s", r.req, r.body)
	}
	for k := range inner {
		if k != "code" && k != "message" && k != "fields" {
			r.t.Errorf("%s: unexpected key %q in error: %s", r.req, k, r.body)
		}
	}
	var e apiError
	if err := json.Unmarshal(outer["error"], &e); err != nil {
		r.t.Fatalf("%s: bad error shape: %s: %v", r.req, r.body, err)
	}
	if e.Code != code {
		r.t.Errorf("%s: code %q, want %q; body: %s", r.req, e.Code, code, r.body)
	}
	if strings.TrimSpace(e.Message) == "" {
		r.t.Errorf("%s: empty message: %s", r.req, r.body)
	}
	if code == "validation_failed" && len(e.Fields) == 0 {
		r.t.Errorf("%s: validation_failed without fields: %s", r.req, r.body)
	}
	lower := strings.ToLower(string(r.body))
	for _, l := range leaks {
		if strings.Contains(lower, l) {
			r.t.Errorf("%s: error body leaks %q: %s", r.req, l, r.body)
		}
	}
	return e
}

// failsWithFields is fails for a validation error naming exactly fields.
func (r *response) failsWithFields(status int, code string, fields ...string) apiError {
	r.t.Helper()
	e := r.fails(status, code)
	got := keys(e.Fields)
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		r.t.Errorf("%s: fields %v, want %v; body: %s", r.req, e.Fields, fields, r.body)
	}
	return e
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
