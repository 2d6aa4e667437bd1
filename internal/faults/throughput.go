package faults

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/mail/mailtest"
	"github.com/passerelle/passerelle/internal/store"
)

// runThroughput publishes cfg.Rate practices a second for cfg.Duration on
// SQLite, each followed by cfg.Subscribers readers, with e-mails going
// through the SMTP test server; it samples River's queue every second. The
// queue must stay bounded: drained within a minute of the last publication.
func runThroughput(ctx context.Context, cfg *Config) []*Result {
	r := &Result{Name: fmt.Sprintf("throughput: %d publications/s × %d subscribers, SQLite", cfg.Rate, cfg.Subscribers)}
	if err := throughput(ctx, cfg, r); err != nil {
		r.Failures = append(r.Failures, err.Error())
	}
	return []*Result{r}
}

func throughput(ctx context.Context, cfg *Config, r *Result) error {
	site, err := NewSite(ctx, cfg, store.SQLite, "")
	if err != nil {
		return err
	}
	defer site.Close()
	n := cfg.Rate * int(cfg.Duration/time.Second)
	cfg.logf("seeding %d readers and %d submitted practices", cfg.Subscribers, n)
	w, err := site.Seed(ctx, cfg.Subscribers, n)
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
	srv, err := site.Start(ctx, "serve", "--log-level", "error", "--smtp-url", smtp.URL())
	if err != nil {
		return err
	}
	defer func() { _ = srv.Stop() }()
	cfg.logf("the %d submissions' e-mails go out first", n)
	if !waitUntil(ctx, 5*time.Minute, func() bool { d, err := QueueDepth(ctx, db); return err == nil && d == 0 }) {
		return fmt.Errorf("the submissions' jobs did not finish within 5 minutes")
	}
	mod, err := newAPI(ctx, srv.Base, w.Moderator, clientTimeout)
	if err != nil {
		return err
	}
	base := smtp.Count()
	conns := smtp.Connections()
	want := n * (cfg.Subscribers + 1)

	type point struct {
		at           time.Duration
		depth, mails int
	}
	var series []point
	var lat []Sample
	var mu sync.Mutex
	began := time.Now()
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-t.C:
				d, _ := QueueDepth(ctx, db)
				mu.Lock()
				series = append(series, point{at: time.Since(began), depth: d, mails: smtp.Count() - base})
				mu.Unlock()
			}
		}
	}()
	cfg.logf("publishing %d practices at %d/s", n, cfg.Rate)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	tick := time.NewTicker(time.Second / time.Duration(cfg.Rate))
	for _, p := range w.Submitted {
		<-tick.C
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			ans, err := mod.do(ctx, http.MethodPost, "/api/v1/practices/"+strconv.FormatInt(p.ID, 10)+"/decision", `{"decision":"approve"}`, nil)
			s := Sample{Op: "approve", Start: start, Dur: time.Since(start), Status: ans.Status, Body: ans.Body}
			if err != nil {
				s.Err = err.Error()
			}
			mu.Lock()
			lat = append(lat, s)
			mu.Unlock()
		}()
	}
	tick.Stop()
	wg.Wait()
	published := time.Since(began)
	drained := waitUntil(ctx, 5*time.Minute, func() bool {
		d, err := QueueDepth(ctx, db)
		return err == nil && d == 0 && smtp.Count()-base >= want
	})
	drain := time.Since(began) - published
	close(stopSampling)
	<-sampled

	approvals := summarize(lat)
	mails := smtp.Count() - base
	if err := srv.Stop(); err != nil {
		r.check(false, "SIGTERM: %v", err)
	}
	// The processor time the server spent, over every e-mail it sent
	// (the submissions' included) with the approvals and fan-outs: what
	// one publication's e-mail costs, whatever else the machine does.
	perMail := srv.CPU() / time.Duration(max(1, smtp.Count()))
	r.printf("%d approvals in %s (%.1f/s): %s", n, seconds(published), float64(n)/published.Seconds(), approvals)
	mu.Lock()
	defer mu.Unlock()
	maxDepth, atEnd := 0, 0
	for _, p := range series {
		maxDepth = max(maxDepth, p.depth)
		if p.at <= published {
			atEnd = p.mails
		}
	}
	r.printf("e-mails: %d expected, %d received; %d during the publications (%.0f/s); all out %s after the last publication",
		want, mails, atEnd, float64(atEnd)/published.Seconds(), seconds(drain))
	r.printf("SMTP: %d connections for %d messages (%d during the run)", smtp.Connections(), smtp.Count(), smtp.Connections()-conns)
	r.printf("server CPU: %s in all, %s per e-mail sent (with its share of approvals and fan-outs): %.0f e-mails/s per core",
		srv.CPU().Round(time.Millisecond), micro(perMail), float64(time.Second)/float64(max(perMail, time.Microsecond)))
	r.printf("queue depth (jobs not finished), max %d; every 5 s:", maxDepth)
	var line []string
	for i, p := range series {
		if i%5 == 4 || i == len(series)-1 {
			line = append(line, fmt.Sprintf("%ds:%d", int(p.at.Round(time.Second).Seconds()), p.depth))
		}
	}
	for i := 0; i < len(line); i += 10 {
		r.printf("  %s", strings.Join(line[i:min(i+10, len(line))], "  "))
	}
	r.check(approvals.ByStatus["200"] == n, "approvals: %s", approvals)
	r.check(drained, "the queue was not drained within 5 minutes of the last publication")
	r.check(mails >= want, "%d e-mails received, %d expected", mails, want)
	r.check(drain <= time.Minute, "the queue took %s to drain after the last publication (want ≤ 1 min: bounded)", seconds(drain))
	return nil
}
