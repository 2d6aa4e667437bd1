package faults

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/mail/mailtest"
	"github.com/passerelle/passerelle/internal/store"
)

// Sizes of the SIGKILL scenario: each approval e-mails its author and every
// reader.
const (
	killReaders   = 60
	killPractices = 24
)

// runKill approves practices in two bursts over SMTP and kills the process
// sending the e-mails with SIGKILL in the middle of each burst: on SQLite
// and PostgreSQL with the workers in the server, and on PostgreSQL with a
// separate worker (killed alone, then together with the server). Each
// recipient must receive each e-mail once — or, in the window the
// application documents, a copy with the same Message-ID.
func runKill(ctx context.Context, cfg *Config) []*Result {
	var out []*Result
	for _, d := range cfg.dialects() {
		r := &Result{Name: "kill: SIGKILL of serve, " + d}
		if err := kill(ctx, cfg, r, d, false); err != nil {
			r.Failures = append(r.Failures, err.Error())
		}
		out = append(out, r)
	}
	r := &Result{Name: "kill: SIGKILL of a separate worker"}
	if cfg.PostgresURL == "" {
		r.Skipped = "no PostgreSQL server"
	} else if err := kill(ctx, cfg, r, store.Postgres, true); err != nil {
		r.Failures = append(r.Failures, err.Error())
	}
	return append(out, r)
}

// cluster is the processes of one site: a server, and a worker when the
// server runs without workers.
type cluster struct {
	site     *Site
	smtp     string
	separate bool
	server   *Process
	worker   *Process
	stderr   []string // of every process ended so far
}

func (c *cluster) startServer(ctx context.Context) error {
	args := []string{"serve", "--log-level", "debug", "--smtp-url", c.smtp}
	if c.separate {
		args = append(args, "--workers=false")
	}
	p, err := c.site.Start(ctx, args...)
	c.server = p
	return err
}

func (c *cluster) startWorker(ctx context.Context) error {
	p, err := c.site.Start(ctx, "worker", "--log-level", "debug", "--smtp-url", c.smtp)
	c.worker = p
	return err
}

func (c *cluster) kill(p *Process) {
	p.Kill()
	c.stderr = append(c.stderr, p.Stderr())
}

func (c *cluster) stop() {
	for _, p := range []*Process{c.worker, c.server} {
		if p != nil {
			_ = p.Stop()
			c.stderr = append(c.stderr, p.Stderr())
		}
	}
}

func kill(ctx context.Context, cfg *Config, r *Result, dialect string, separate bool) error {
	site, err := NewSite(ctx, cfg, dialect, "")
	if err != nil {
		return err
	}
	defer site.Close()
	w, err := site.Seed(ctx, killReaders, killPractices)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	smtp, err := mailtest.New(mailtest.Options{})
	if err != nil {
		return err
	}
	defer smtp.Close()
	db, err := site.Open(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	c := &cluster{site: site, smtp: smtp.URL(), separate: separate}
	if err := c.startServer(ctx); err != nil {
		return err
	}
	if separate {
		if err := c.startWorker(ctx); err != nil {
			return err
		}
	}
	defer c.stop()
	// The submissions' e-mails to the moderator go out first.
	if !waitUntil(ctx, 2*time.Minute, func() bool { n, err := QueueDepth(ctx, db); return err == nil && n == 0 }) {
		return fmt.Errorf("the submissions' jobs did not finish within 2 minutes")
	}
	perApproval := killReaders + 1
	half := len(w.Submitted) / 2
	rounds := [][]Practice{w.Submitted[:half], w.Submitted[half:]}
	var restarted time.Time
	acked := 0
	for i, round := range rounds {
		base := smtp.Count()
		n, err := approveAll(ctx, c.server.Base, w.Moderator, round, 6)
		if err != nil {
			return err
		}
		acked += n
		want := len(round) * perApproval
		// Kill when about a third of the burst's e-mails went out.
		if !waitUntil(ctx, time.Minute, func() bool { return smtp.Count()-base >= want/3 }) {
			return fmt.Errorf("round %d: fewer than %d e-mails within a minute", i+1, want/3)
		}
		victims := "serve"
		switch {
		case separate && i == 0:
			victims = "worker"
			c.kill(c.worker)
		case separate:
			victims = "serve and worker"
			c.kill(c.worker)
			c.kill(c.server)
		default:
			c.kill(c.server)
		}
		got := smtp.Count() - base
		cfg.logf("round %d: SIGKILL of %s after %d of %d e-mails", i+1, victims, got, want)
		r.printf("round %d: %d approvals acknowledged; SIGKILL of %s after %d of its %d e-mails", i+1, n, victims, got, want)
		restarted = time.Now()
		if c.server.cmd.ProcessState != nil {
			if err := c.startServer(ctx); err != nil {
				return err
			}
		}
		if separate {
			if err := c.startWorker(ctx); err != nil {
				return err
			}
		}
	}
	want := len(w.Submitted) * perApproval
	done := waitUntil(ctx, 4*time.Minute, func() bool {
		n, err := QueueDepth(ctx, db)
		return err == nil && n == 0 && logical(smtp.Messages(), w) >= want
	})
	settled := time.Since(restarted)
	time.Sleep(2 * time.Second) // a late copy would show now
	c.stop()
	expected, err := expectedMails(ctx, db, w)
	if err != nil {
		return err
	}
	total := 0
	for _, n := range expected {
		total += n
	}

	msgs := relevant(smtp.Messages(), w)
	byKey := map[[2]string][]mailtest.Message{}
	for _, m := range msgs {
		k := [2]string{m.To, m.Subject}
		byKey[k] = append(byKey[k], m)
	}
	sameID, otherID, maxCopies := 0, 0, 1
	perRecipient := map[string]int{}
	for k, ms := range byKey {
		perRecipient[k[0]]++
		maxCopies = max(maxCopies, len(ms))
		for _, m := range ms[1:] {
			if m.MessageID == ms[0].MessageID {
				sameID++
			} else {
				otherID++
			}
		}
	}
	missing := 0
	for who, n := range expected {
		if perRecipient[who] < n {
			missing += n - perRecipient[who]
		}
	}
	published, err := countPublished(ctx, db, w)
	if err != nil {
		return err
	}
	r.printf("approvals: %d acknowledged, %d published in the database", acked, published)
	r.printf("e-mails: %d expected (one per notification), %d received, %d distinct, %d missing", total, len(msgs), len(byKey), missing)
	r.printf("copies: %d with the same Message-ID, %d with another Message-ID; at most %d of one e-mail to one recipient",
		sameID, otherID, maxCopies)
	r.printf("everything delivered %s after the last restart", seconds(settled))
	conns := map[int]bool{}
	for _, m := range msgs {
		conns[m.Conn] = true
	}
	r.printf("SMTP: %d messages over %d connections (%.1f per connection)", len(msgs), len(conns), float64(len(msgs))/float64(max(1, len(conns))))
	if ws := windows(c.stderr); len(ws) > 0 {
		st := summarize(ws)
		r.printf("duplicate window (server's 250 → send recorded), %d sends: p50 %s, p99 %s, max %s",
			st.N, micro(st.P50), micro(st.P99), micro(st.Max))
	}
	r.check(done, "not everything was delivered within 4 minutes of the last restart")
	r.check(published == acked, "%d approvals acknowledged but %d practices published", acked, published)
	r.check(missing == 0, "%d e-mails missing", missing)
	r.check(otherID == 0, "%d copies with a different Message-ID", otherID)
	return nil
}

// approveAll approves practices through the API, from clients at once,
// and returns how many were acknowledged.
func approveAll(ctx context.Context, base, moderator string, ps []Practice, clients int) (int, error) {
	a, err := newAPI(ctx, base, moderator, clientTimeout)
	if err != nil {
		return 0, err
	}
	var mu sync.Mutex
	acked := 0
	var wg sync.WaitGroup
	next := make(chan Practice)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				ans, err := a.do(ctx, http.MethodPost, "/api/v1/practices/"+strconv.FormatInt(p.ID, 10)+"/decision", `{"decision":"approve"}`, nil)
				if err == nil && ans.Status == http.StatusOK {
					mu.Lock()
					acked++
					mu.Unlock()
				}
			}
		}()
	}
	for _, p := range ps {
		next <- p
	}
	close(next)
	wg.Wait()
	return acked, nil
}

// expectedMails counts, per recipient, the notifications of the seeded
// practices' publication (the author's, the readers'): each has an e-mail.
func expectedMails(ctx context.Context, db *store.DB, w *World) (map[string]int, error) {
	var rows []struct {
		Email string `bun:"email"`
		N     int    `bun:"n"`
	}
	err := db.Read.NewSelect().TableExpr("notifications AS n").Join("JOIN users AS u ON u.id = n.user_id").
		ColumnExpr("u.email AS email, count(*) AS n").
		Where("n.type IN ('practice.new', 'practice.published')").Where("n.practice_id IN (?)", bun.List(ids(w))).
		GroupExpr("u.email").Scan(ctx, &rows)
	out := map[string]int{}
	for _, r := range rows {
		out[r.Email] = r.N
	}
	return out, err
}

func countPublished(ctx context.Context, db *store.DB, w *World) (int, error) {
	n, err := db.Read.NewSelect().TableExpr("practices").Where("status = 'published'").Where("id IN (?)", bun.List(ids(w))).Count(ctx)
	return int(n), err
}

func ids(w *World) []int64 {
	var out []int64
	for _, p := range w.Submitted {
		out = append(out, p.ID)
	}
	return out
}

// relevant keeps the e-mails of the publications: to the author and the
// readers (the moderator's are about the submissions).
func relevant(msgs []mailtest.Message, w *World) []mailtest.Message {
	return slices.DeleteFunc(msgs, func(m mailtest.Message) bool { return m.To == w.Moderator })
}

// logical counts the distinct e-mails received (recipient × subject).
func logical(msgs []mailtest.Message, w *World) int {
	seen := map[[2]string]bool{}
	for _, m := range relevant(msgs, w) {
		seen[[2]string{m.To, m.Subject}] = true
	}
	return len(seen)
}

var windowLine = regexp.MustCompile(`msg="e-mail sent".*\bwindow=(\S+)`)

// windows reads, from the debug logs of the processes, how long each
// accepted e-mail waited between the server's acceptance and the durable
// record of its sending: a crash in that window sends it again.
func windows(stderrs []string) []Sample {
	var out []Sample
	for _, s := range stderrs {
		for _, line := range strings.Split(s, "\n") {
			if m := windowLine.FindStringSubmatch(line); m != nil {
				if d, err := time.ParseDuration(m[1]); err == nil {
					out = append(out, Sample{Dur: d})
				}
			}
		}
	}
	return out
}

func micro(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
	}
	return ms(d)
}
