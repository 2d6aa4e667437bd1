package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
)

// Site is one installation under test: a data directory and a database
// (embedded SQLite in the data directory, or a temporary PostgreSQL
// database), shared by every process a scenario starts on it.
type Site struct {
	cfg     *Config
	Dialect string
	DataDir string
	// DatabaseURL is how the suite reaches the database; AppURL is how the
	// processes under test do (through the proxy when there is one).
	DatabaseURL, AppURL string
	cleanup             []func()
}

// NewSite makes a fresh installation. dataDir may name an existing empty
// folder (a small file system, say); empty makes a temporary one.
func NewSite(ctx context.Context, cfg *Config, dialect, dataDir string) (*Site, error) {
	s := &Site{cfg: cfg, Dialect: dialect}
	if dataDir == "" {
		dir, err := os.MkdirTemp("", "passerelle-faults-")
		if err != nil {
			return nil, err
		}
		dataDir = dir
		s.cleanup = append(s.cleanup, func() { _ = os.RemoveAll(dir) })
	}
	s.DataDir = dataDir
	if dialect == store.Postgres {
		u, drop, err := store.TempDatabase(ctx, cfg.PostgresURL, "passerelle_faults")
		if err != nil {
			s.Close()
			return nil, err
		}
		s.cleanup = append(s.cleanup, drop)
		s.DatabaseURL = u
	}
	s.AppURL = s.DatabaseURL
	return s, nil
}

// Through makes the processes reach PostgreSQL through the proxy.
func (s *Site) Through(p *Proxy) error {
	u, err := url.Parse(s.DatabaseURL)
	if err != nil {
		return err
	}
	u.Host = p.Addr()
	s.AppURL = u.String()
	return nil
}

// Close removes what the site made.
func (s *Site) Close() {
	for i := len(s.cleanup) - 1; i >= 0; i-- {
		s.cleanup[i]()
	}
	s.cleanup = nil
}

// Open opens the site's database directly (never through the proxy).
func (s *Site) Open(ctx context.Context) (*store.DB, error) {
	return store.Open(ctx, s.DatabaseURL, s.DataDir)
}

// World is what Seed wrote: accounts, and practices waiting for review.
type World struct {
	Moderator, Contributor string // e-mails; every password is Password
	Readers                []string
	Submitted              []Practice
}

// Practice is one seeded practice.
type Practice struct {
	ID    int64
	Title string
}

// Password is the password of every seeded account.
const Password = "faults-correct-horse-battery"

// quickHasher keeps argon2id with small parameters: the suite creates
// hundreds of accounts, and their hashes verify like any other.
var quickHasher = service.Hasher{Params: &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}

// Seed migrates the database and writes, through the service as people
// would: Nord (59) under Hauts-de-France (32) with Lille (59350) below it, a
// moderator of Nord, a contributor of Lille, readers following Nord at
// once, and practices of Lille submitted for review (their jobs queued for
// the processes to come).
func (s *Site) Seed(ctx context.Context, readers, practices int) (*World, error) {
	db, err := s.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = db.Close() }()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	az, err := authz.New(ctx, db)
	if err != nil {
		return nil, err
	}
	logger := slog.New(slog.DiscardHandler)
	rc, err := jobs.NewClient(jobs.Deps{DB: db, Authz: az, Logger: logger}, jobs.Config{})
	if err != nil {
		return nil, err
	}
	svc := &service.Service{DB: db, Authz: az, River: rc, Logger: logger, Hasher: quickHasher, BaseURL: "http://faults.test"}
	for _, t := range []passerelle.Territory{
		{Code: "32", Name: "Hauts-de-France", Level: passerelle.LevelRegion},
		{Code: "59", Name: "Nord", Level: passerelle.LevelDepartment, ParentCode: "32"},
		{Code: "59350", Name: "Lille", Level: passerelle.LevelCommune, ParentCode: "59"},
	} {
		if err := svc.AddTerritory(ctx, nil, t); err != nil {
			return nil, err
		}
	}
	if err := svc.AddTheme(ctx, nil, passerelle.Theme{Slug: "emploi", Name: "Emploi et insertion"}); err != nil {
		return nil, err
	}
	w := &World{Moderator: "moderatrice@faults.test", Contributor: "contributeur@faults.test"}
	user := func(email, name string, grants ...service.GrantInput) (*passerelle.User, error) {
		u, err := svc.CreateUser(ctx, service.NewUser{Email: email, Name: name, Password: Password, Lang: "fr"})
		if err != nil {
			return nil, fmt.Errorf("account %s: %w", email, err)
		}
		for _, g := range grants {
			g.Email = email
			if err := svc.Grant(ctx, nil, g); err != nil {
				return nil, err
			}
		}
		return u, nil
	}
	if _, err := user(w.Moderator, "Nora Nord", service.GrantInput{Role: "moderator", Territory: "59"}); err != nil {
		return nil, err
	}
	author, err := user(w.Contributor, "Lila Lille", service.GrantInput{Role: "contributor", Territory: "59350"})
	if err != nil {
		return nil, err
	}
	for i := range readers {
		email := fmt.Sprintf("lecteur%04d@faults.test", i)
		u, err := user(email, fmt.Sprintf("Lecteur %d", i))
		if err != nil {
			return nil, err
		}
		if _, err := svc.Subscribe(ctx, u, service.SubscriptionInput{Territory: "59", Frequency: "instant"}); err != nil {
			return nil, err
		}
		w.Readers = append(w.Readers, email)
	}
	for i := range practices {
		title := fmt.Sprintf("Forum emploi n°%04d", i+1)
		p, err := svc.CreatePractice(ctx, author, CompletePractice(title))
		if err != nil {
			return nil, err
		}
		if _, err := svc.Submit(ctx, author, p.ID); err != nil {
			return nil, err
		}
		w.Submitted = append(w.Submitted, Practice{ID: p.ID, Title: title})
	}
	return w, nil
}

// CompletePractice is an experience report of Lille ready to be submitted.
func CompletePractice(title string) service.PracticeInput {
	kind := passerelle.KindExperience
	str := func(v string) *string { return &v }
	themes := []string{"emploi"}
	partners := []string{"Mission locale"}
	return service.PracticeInput{
		Kind: &kind, Title: str(title), Summary: str("Un forum de recrutement avec CV anonymes."),
		Body: str("## Le forum\n\nDes **entreprises** rencontrent des habitants du quartier."), Territory: str("59350"), Themes: &themes,
		Experience: &service.ExperienceInput{Context: str("Chômage élevé des jeunes."), Actions: str("Un forum par an."),
			Results: str("42 embauches."), Partners: &partners},
	}
}

// QueueDepth counts River's jobs not yet finished (available, running,
// retryable or scheduled), read from the database directly.
func QueueDepth(ctx context.Context, db *store.DB) (int, error) {
	var n int
	err := db.Read.NewSelect().TableExpr("river_job").ColumnExpr("count(*)").
		Where("state IN ('available', 'running', 'retryable', 'scheduled')").
		Where("kind NOT IN ('digest', 'review_reminders')").Scan(ctx, &n)
	return n, err
}

// Process is a running passerelle process.
type Process struct {
	cmd    *exec.Cmd
	Base   string // http://addr for serve
	stdout *buffer
	stderr *buffer
	done   chan struct{}
	err    error
}

// buffer is a bytes.Buffer safe for a process and the suite at once.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// CPU returns the processor time the process used (user and system), once
// it has exited.
func (p *Process) CPU() time.Duration {
	if p.cmd.ProcessState == nil {
		return 0
	}
	return p.cmd.ProcessState.UserTime() + p.cmd.ProcessState.SystemTime()
}

// Stderr returns what the process wrote on stderr so far.
func (p *Process) Stderr() string { return p.stderr.String() }

// Start runs the binary with args and the site's configuration, and waits
// until it says it runs.
func (s *Site) Start(ctx context.Context, args ...string) (*Process, error) {
	// A real installation has one public URL, whatever the address a
	// process of it listens on.
	args = append(args, "--data-dir", s.DataDir, "--database-url", s.AppURL, "--base-url", "https://passerelle.faults.test")
	var addr string
	if args[0] == "serve" {
		var err error
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
		args = append(args, "--addr", addr)
	}
	p := &Process{stdout: &buffer{}, stderr: &buffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(s.cfg.Binary, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return nil, fmt.Errorf("passerelle %s exited: %v: %s", args[0], p.err, lastLine(p.stderr.String()))
		case <-ctx.Done():
			p.Kill()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		out := p.stdout.String()
		if strings.Contains(out, "is running at") {
			p.Base = "http://" + addr
			return p, nil
		}
		if args[0] == "worker" && strings.Contains(out, "worker running") {
			return p, nil
		}
	}
	p.Kill()
	return nil, fmt.Errorf("passerelle %s did not start within 90 s: %s", args[0], lastLine(p.stderr.String()))
}

// Kill sends SIGKILL and waits for the process to be gone.
func (p *Process) Kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop sends SIGTERM and waits (SIGKILL after 20 s).
func (p *Process) Stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(20 * time.Second):
		p.Kill()
		return errors.New("did not stop within 20 s of SIGTERM")
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// api is a client of the JSON API with one account's token.
type api struct {
	base   string
	token  string
	client *http.Client
}

func newAPI(ctx context.Context, base, email string, timeout time.Duration) (*api, error) {
	a := &api{base: base, client: &http.Client{Timeout: timeout, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	var tok struct {
		Token string `json:"token"`
	}
	ans, err := a.do(ctx, http.MethodPost, "/api/v1/tokens", fmt.Sprintf(`{"email":%q,"password":%q}`, email, Password), &tok)
	if err != nil {
		return nil, err
	}
	if ans.Status != http.StatusCreated {
		return nil, fmt.Errorf("sign in as %s: status %d %s", email, ans.Status, ans.Body)
	}
	a.token = tok.Token
	return a, nil
}

// answer is what the server answered.
type answer struct {
	Status     int
	RetryAfter string
	Body       string // of an error (status 400 and above), cut at 300 bytes
}

// do sends one request and decodes a JSON answer into out (when not nil).
func (a *api) do(ctx context.Context, method, path, body string, out any) (answer, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return answer{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	ans := answer{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return ans, err
	}
	if resp.StatusCode >= 400 {
		ans.Body = string(raw[:min(len(raw), 300)])
	}
	if out != nil && resp.StatusCode < 300 {
		if err := decodeJSON(raw, out); err != nil {
			return ans, err
		}
	}
	return ans, nil
}
