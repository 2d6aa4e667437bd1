package faults

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/passerelle/passerelle/internal/store"
)

// runStall puts a server on PostgreSQL under load, then makes the network
// between them stall (cfg.Stall) without closing any connection. Every
// request must answer within its deadline (15 s, plus a margin), /healthz
// within a second with 503, and everything must recover on its own once the
// network is back; every acknowledged write must be in the database.
func runStall(ctx context.Context, cfg *Config) []*Result {
	r := &Result{Name: "stall: PostgreSQL network stalled"}
	if cfg.PostgresURL == "" {
		r.Skipped = "no PostgreSQL server"
		return []*Result{r}
	}
	if err := stall(ctx, cfg, r); err != nil {
		r.Failures = append(r.Failures, err.Error())
	}
	return []*Result{r}
}

func stall(ctx context.Context, cfg *Config, r *Result) error {
	site, err := NewSite(ctx, cfg, store.Postgres, "")
	if err != nil {
		return err
	}
	defer site.Close()
	if _, err := site.Seed(ctx, 0, 0); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	u, err := url.Parse(site.DatabaseURL)
	if err != nil {
		return err
	}
	proxy, err := NewProxy(u.Host)
	if err != nil {
		return err
	}
	defer proxy.Close()
	if err := site.Through(proxy); err != nil {
		return err
	}
	srv, err := site.Start(ctx, "serve", "--log-level", "error")
	if err != nil {
		return err
	}
	defer func() { _ = srv.Stop() }()
	load, err := StartLoad(ctx, srv.Base, "contributeur@faults.test", 8, "Un brouillon.")
	if err != nil {
		return err
	}
	began := time.Now()
	cfg.logf("load for 10 s, then the network stalls for %s", cfg.Stall)
	time.Sleep(10 * time.Second)
	stalled := time.Now()
	proxy.Stall()
	time.Sleep(cfg.Stall)
	resumed := time.Now()
	proxy.Resume()
	cfg.logf("network back; load for 20 s more")
	time.Sleep(20 * time.Second)
	load.Stop()
	ended := time.Now()

	log := load.Log
	before := summarize(nonHealth(log.Samples("", began, stalled)))
	during := summarize(nonHealth(log.Samples("", stalled, resumed)))
	health := summarize(log.Samples("health", stalled, resumed))
	r.printf("before the stall (10 s):            %s", before)
	r.printf("requests started during the stall:  %s", during)
	r.printf("/healthz during the stall:          %s", health)
	// Requests already waiting on the database when it stalled.
	var caught []Sample
	for _, s := range log.Samples("", began, stalled) {
		if s.Op != "health" && s.End().After(stalled) {
			caught = append(caught, s)
		}
	}
	r.printf("requests in flight at the stall:    %s", summarize(caught))
	r.printf("503 answers carry Retry-After:      %t", during.RetryAfterSeen)
	for _, e := range errorKinds(log.Samples("", began.Add(-time.Minute), resumed)) {
		r.printf("  error answers: %s", e)
	}
	if hs := log.Samples("health", stalled, resumed); len(hs) > 0 {
		r.printf("/healthz answer during the stall:   %s", hs[len(hs)/2].Body)
	}

	// Recovery: the first /healthz 200 after the network came back, and
	// the last failure of any request.
	firstHealthy, lastFailure := time.Duration(-1), time.Duration(0)
	for _, s := range log.Samples("health", resumed, ended) {
		if s.Status == 200 {
			firstHealthy = s.End().Sub(resumed)
			break
		}
	}
	for _, s := range log.Samples("", resumed, ended) {
		if s.Op != "health" && (s.Status == 0 || s.Status >= 500) && s.End().Sub(resumed) > lastFailure {
			lastFailure = s.End().Sub(resumed)
		}
	}
	for _, e := range errorKinds(log.Samples("", resumed, ended)) {
		r.printf("  after the network came back: %s", e)
	}
	after := summarize(nonHealth(log.Samples("", resumed.Add(lastFailure), ended)))
	r.printf("recovery: /healthz 200 again %s after the network came back; last failed request answered at +%s",
		seconds(firstHealthy), seconds(lastFailure))
	r.printf("after recovery:                     %s", after)

	deadline := 15*time.Second + 2*time.Second
	r.check(during.Max <= deadline, "a request took %s during the stall (deadline 15 s)", ms(during.Max))
	r.check(summarize(caught).Max <= deadline, "a request in flight at the stall took %s", ms(summarize(caught).Max))
	r.check(health.Max <= 1500*time.Millisecond, "/healthz took %s during the stall (want ≤ 1 s)", ms(health.Max))
	r.check(health.ByStatus["503"] == health.N, "/healthz during the stall: %v (want 503 every time)", health.ByStatus)
	r.check(during.ByStatus["500"] == 0, "%d requests answered 500 during the stall (want 503)", during.ByStatus["500"])
	r.check(firstHealthy >= 0 && firstHealthy < 30*time.Second, "/healthz did not recover within 30 s")
	r.check(after.N > 0 && after.ByStatus["200"]+after.ByStatus["201"] == after.N, "after recovery: %s", after)

	if err := srv.Stop(); err != nil {
		r.check(false, "SIGTERM after the stall: %v", err)
	}
	return checkWrites(ctx, site, log, r)
}

func nonHealth(samples []Sample) []Sample {
	var out []Sample
	for _, s := range samples {
		if s.Op != "health" {
			out = append(out, s)
		}
	}
	return out
}

func seconds(d time.Duration) string {
	if d < 0 {
		return "never"
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// checkWrites compares the drafts the clients were told were created with
// the database: each must be there. Writes that failed may or may not be
// (the commit can succeed after the client gave up); they are counted.
func checkWrites(ctx context.Context, site *Site, log *Log, r *Result) error {
	db, err := site.Open(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	var ids []int64
	if err := db.Read.NewSelect().TableExpr("practices").ColumnExpr("id").Where("title LIKE 'Brouillon %'").Scan(ctx, &ids); err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, id := range ids {
		have[id] = true
	}
	acked, lost, failed := 0, 0, 0
	for _, s := range log.Samples("write", time.Time{}, time.Now()) {
		switch {
		case s.Status == 201:
			acked++
			if !have[s.ID] {
				lost++
			}
		default:
			failed++
		}
	}
	r.printf("writes: %d acknowledged, %d in the database, %d acknowledged but missing; %d refused or unanswered",
		acked, len(ids), lost, failed)
	r.check(lost == 0, "%d acknowledged writes are missing", lost)
	if acked > len(ids) {
		r.check(false, "more acknowledged writes (%d) than drafts (%d)", acked, len(ids))
	}
	return nil
}
