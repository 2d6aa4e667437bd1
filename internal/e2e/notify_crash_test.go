package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// followers creates n readers following territory 59 at once, and a
// submitted practice of Lille (in 59) ready for Nord's moderator; it returns
// the practice's id.
func followers(t *testing.T, s *site, n int) (int64, *testenv.World) {
	t.Helper()
	w := s.seedWorld()
	ctx := context.Background()
	db := s.open()
	defer func() { _ = db.Close() }()
	az, err := authz.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	svc := &service.Service{DB: db, Authz: az, Hasher: testenv.FastHasher, Logger: slog.New(slog.DiscardHandler)}
	for i := range n {
		u, err := svc.CreateUser(ctx, service.NewUser{Email: fmt.Sprintf("reader%03d@example.org", i), Name: "Reader " + strconv.Itoa(i),
			Password: testenv.Password, Lang: []string{"fr", "en"}[i%2]})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Subscribe(ctx, u, service.SubscriptionInput{Territory: "59", Frequency: "instant"}); err != nil {
			t.Fatal(err)
		}
	}
	// The practice is written and submitted out of process: its own
	// notifications wait in the queue for the server.
	svc.River = nil
	p, err := svc.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Forum emploi"))
	if err != nil {
		t.Fatal(err)
	}
	return p.ID, w
}

// approve publishes a practice through a running server's API, as Nord's
// moderator.
func approve(t *testing.T, base string, id int64, w *testenv.World) {
	t.Helper()
	c := &client{t: t, base: base, http: &http.Client{Timeout: 30 * time.Second}}
	var tok struct {
		Token string `json:"token"`
	}
	author := *c
	c.do(http.MethodPost, "/api/v1/tokens", map[string]string{"email": w.LilleAuthor.Email, "password": testenv.Password}).ok(http.StatusCreated, &tok)
	author.token = tok.Token
	author.do(http.MethodPost, "/api/v1/practices/"+strconv.FormatInt(id, 10)+"/submit", nil).ok(http.StatusOK, nil)
	c.do(http.MethodPost, "/api/v1/tokens", map[string]string{"email": w.NordMod.Email, "password": testenv.Password}).ok(http.StatusCreated, &tok)
	c.token = tok.Token
	c.do(http.MethodPost, "/api/v1/practices/"+strconv.FormatInt(id, 10)+"/decision", map[string]string{"decision": "approve"}).ok(http.StatusOK, nil)
}

// delivered reports, for a practice, the practice.new notifications, how
// many of them the e-mail jobs (batches of send_emails) cover (and whether
// any notification is covered twice), and how many of those are in jobs
// that completed.
func delivered(t *testing.T, s *site, id int64) (notes, jobs, completed int, doubled bool) {
	t.Helper()
	ctx := context.Background()
	db := s.open()
	defer func() { _ = db.Close() }()
	var ids []int64
	if err := db.Bun.NewSelect().TableExpr("notifications").ColumnExpr("id").
		Where("practice_id = ? AND type = ?", id, passerelle.NotifyNew).Scan(ctx, &ids); err != nil {
		t.Fatal(err)
	}
	want := map[int64]bool{}
	for _, n := range ids {
		want[n] = true
	}
	rows, err := db.RiverDriver().GetExecutor().JobGetByKindMany(ctx, &riverdriver.JobGetByKindManyParams{Kind: []string{"send_emails"}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int{}
	for _, r := range rows {
		var args struct {
			NotificationIDs []int64 `json:"notification_ids"`
		}
		if err := json.Unmarshal(r.EncodedArgs, &args); err != nil {
			t.Fatal(err)
		}
		for _, key := range args.NotificationIDs {
			if !want[key] {
				continue
			}
			seen[key]++
			jobs++
			if seen[key] > 1 {
				doubled = true
			}
			if r.State == "completed" {
				completed++
			}
		}
	}
	return len(ids), jobs, completed, doubled
}

// TestKilledServerLosesNothing publishes to 300 instant subscribers, kills
// the server with SIGKILL right after, restarts it and checks that every
// notification due is written and its e-mail sent — within two minutes,
// River rescuing the jobs the dead process held — and none doubled.
func TestKilledServerLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("up to two minutes per database: run without -short")
	}
	t.Parallel()
	bin := passerelleBinary(t)
	const n = 300
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		id, w := followers(t, s, n)

		first := startServe(t, bin, s, "--log-level", "error")
		approve(t, first.base, id, w)
		// Kill it in the middle of the work: as soon as the fan-out has
		// written the notifications, while their e-mails are being sent.
		waitFor(t, time.Minute, "the fan-out to start", func() bool {
			notes, _, _, _ := delivered(t, s, id)
			return notes > 0
		})
		if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-first.done
		notes, _, completed, _ := delivered(t, s, id)
		t.Logf("at the kill: %d of %d notifications written, %d e-mails sent", notes, n, completed)

		restarted := time.Now()
		second := startServe(t, bin, s, "--log-level", "error")
		waitFor(t, 2*time.Minute, "every notification and e-mail after the restart", func() bool {
			notes, jobs, completed, doubled := delivered(t, s, id)
			if doubled {
				t.Fatal("a notification is in two e-mail jobs")
			}
			return notes == n && jobs == n && completed == n
		})
		t.Logf("all delivered %s after the restart", time.Since(restarted).Round(time.Second))
		files, _ := filepath.Glob(filepath.Join(s.dataDir, "outbox", "notification-*.eml"))
		if len(files) < n {
			t.Errorf("%d e-mails in the outbox, want at least %d", len(files), n)
		}
		second.stop(syscall.SIGTERM)
	})
}

// TestTwoProcessesShareTheWork runs "serve --workers=false" and two
// "worker" processes on one PostgreSQL, sending through an SMTP server:
// every subscriber gets exactly one e-mail, and both workers took part.
func TestTwoProcessesShareTheWork(t *testing.T) {
	if os.Getenv(testenv.PostgresURLVar) == "" {
		t.Skipf("%s is not set", testenv.PostgresURLVar)
	}
	t.Parallel()
	bin := passerelleBinary(t)
	const n = 300
	s := newSite(t, store.Postgres)
	id, w := followers(t, s, n)
	smtp := newSMTPServer(t)
	web := startServe(t, bin, s, "--workers=false", "--log-level", "error", "--smtp-url", smtp.URL())
	// One e-mail job at a time each: the six batches of 50 cannot all go
	// to whichever worker polls first.
	a := startWorker(t, bin, s, "--smtp-url", smtp.URL(), "--mail-workers", "1")
	b := startWorker(t, bin, s, "--smtp-url", smtp.URL(), "--mail-workers", "1")
	approve(t, web.base, id, w)
	news := []string{"Nouvelle fiche\u00a0: «", "New practice:"} // French typography: a no-break space before the colon
	waitFor(t, 2*time.Minute, "every subscriber's e-mail", func() bool {
		_, _, completed, _ := delivered(t, s, id) // River records completions in batches
		return len(countBySubject(smtp.Messages(), news...)) == n && completed == n
	})
	for to, c := range countBySubject(smtp.Messages(), news...) {
		if c != 1 {
			t.Errorf("%s got %d e-mails", to, c)
		}
	}
	notes, jobs, completed, doubled := delivered(t, s, id)
	if notes != n || jobs != n || completed != n || doubled {
		t.Errorf("notifications %d, e-mail jobs %d, completed %d, doubled %t; want %d each", notes, jobs, completed, doubled, n)
	}
	db := s.open()
	defer func() { _ = db.Close() }()
	var clients []string
	if err := db.Bun.NewSelect().TableExpr("river_job").ColumnExpr("DISTINCT attempted_by[1]").
		Where("kind = 'send_emails'").Scan(context.Background(), &clients); err != nil {
		t.Fatal(err)
	}
	if len(clients) < 2 {
		t.Errorf("e-mails sent by %v: the two workers did not share the work", clients)
	}
	a.stop(syscall.SIGTERM)
	b.stop(syscall.SIGTERM)
	web.stop(syscall.SIGTERM)
}

// startWorker starts "passerelle worker" and waits until it says it runs.
func startWorker(t *testing.T, bin string, s *site, extra ...string) *process {
	t.Helper()
	p := &process{t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, append(append([]string{"worker", "--log-level", "error"}, extra...), s.flags()...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	waitFor(t, 60*time.Second, "the worker to start", func() bool {
		select {
		case <-p.done:
			t.Fatalf("worker exited: %s", p.stderr)
		default:
		}
		return strings.Contains(p.stdout.String(), "worker running")
	})
	return p
}
