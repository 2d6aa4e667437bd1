// Package bench measures the public lists of Passerelle the way readers hit
// them: it starts the real passerelle binary on a fresh database, seeds it
// (passerelle seed), and sends HTTP requests — the home page, browsing by
// territory, combined filters, searches — first from one client (latency
// percentiles), then from many at once (throughput). It runs on embedded
// SQLite and, when a server is given, on a temporary PostgreSQL database.
//
// It is a tool (make bench), never part of the test suite: timings depend
// on the machine.
package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/passerelle/passerelle/internal/store"
)

// Config says what to measure.
type Config struct {
	Binary      string        // the passerelle binary
	Practices   int           // how many to seed
	Requests    int           // per scenario, from one client
	Clients     int           // concurrent clients for the throughput run
	Duration    time.Duration // of each throughput run
	PostgresURL string        // a server to create a temporary database on; "" skips PostgreSQL
	Keep        bool          // keep the SQLite directory and the PostgreSQL database
	// Reuse names a directory where the seeded databases are kept between
	// runs: the SQLite data directory and the PostgreSQL database's URL of
	// a run seeded with as many practices are used again, without loading
	// the demo or seeding (minutes at 100,000). "" seeds afresh each run.
	Reuse string
	// Only, when set, measures just the scenarios whose name contains it
	// (the search mix is named "search mix"), for quicker iterations.
	Only string
	// SkipSQLite measures PostgreSQL only.
	SkipSQLite bool
	// Starts, when positive, measures only the start of the server, that
	// many times on each database (see measureStarts).
	Starts int
	// Memory measures only the idle memory of serve --demo (MeasureMemory).
	Memory bool
	// Mix, when positive, measures only the first Mix searches of the
	// search mix (of MixSize), for quicker iterations.
	Mix int
	// Record, when set, names a file where the answers to the search mix
	// are written (total, ids in order, facets), one line per search: two
	// runs' files compare an optimisation's answers with the code before.
	Record string
	// ServeArgs are added to the command line of the measured server (for
	// example --pprof 127.0.0.1:6060, to profile it during the run).
	ServeArgs []string
	Out       io.Writer // the report
	Log       io.Writer // progress
}

// Target is the p95 the issue asks for, single client.
const Target = 100 * time.Millisecond

// Figures are the measures of one scenario on one database.
type Figures struct {
	Database, Scenario string
	Single             Stats
	Concurrent         Stats
	Throughput         float64 // requests per second with Config.Clients clients
}

// Stats are latency percentiles.
type Stats struct {
	N                   int
	Errors              int
	P50, P95, P99, Max  time.Duration
	FirstError, FirstOn string
}

func stats(ds []time.Duration) Stats {
	s := Stats{N: len(ds)}
	if len(ds) == 0 {
		return s
	}
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	s.P50, s.P95, s.P99, s.Max = at(0.50), at(0.95), at(0.99), ds[len(ds)-1]
	return s
}

// Run measures each database in turn and writes the report.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Memory {
		return MeasureMemory(ctx, cfg)
	}
	var all []Figures
	seedTimes := map[string]time.Duration{}
	var dbs []string
	if !cfg.SkipSQLite {
		dbs = append(dbs, "sqlite")
	}
	if cfg.PostgresURL != "" {
		dbs = append(dbs, "postgres")
	} else {
		fmt.Fprintln(cfg.Log, "\n*** NO POSTGRESQL SERVER: the PostgreSQL half of the benchmark is SKIPPED (set PASSERELLE_TEST_DATABASE_URL) ***")
	}
	for _, d := range dbs {
		figures, seeded, err := runOne(ctx, cfg, d)
		if err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		seedTimes[d] = seeded
		all = append(all, figures...)
	}
	if cfg.Starts == 0 {
		report(cfg, all, seedTimes, dbs)
	}
	return nil
}

func report(cfg Config, all []Figures, seedTimes map[string]time.Duration, dbs []string) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	fmt.Fprintf(cfg.Out, "\n%d practices; one client: %d requests per scenario; then %d clients for %s\n\n",
		cfg.Practices, cfg.Requests, cfg.Clients, cfg.Duration)
	for _, d := range dbs {
		if seedTimes[d] == 0 {
			fmt.Fprintf(cfg.Out, "seed %s: %d practices seeded by an earlier run (--reuse)\n", d, cfg.Practices)
			continue
		}
		fmt.Fprintf(cfg.Out, "seed %s: %d practices in %.1fs\n", d, cfg.Practices, seedTimes[d].Seconds())
	}
	fmt.Fprintln(cfg.Out)
	tw := tabwriter.NewWriter(cfg.Out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "database\tscenario\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\t\treq/s ×"+fmt.Sprint(cfg.Clients)+"\tof ceiling\tp50 ms\tp95 ms\tp99 ms\terrors\tp95 ≤ 100 ms\t")
	missed := 0
	ceiling := map[string]float64{}
	for _, f := range all {
		if f.Scenario == ceilingScenario {
			ceiling[f.Database] = f.Throughput
		}
	}
	for _, f := range all {
		share := "—"
		if c := ceiling[f.Database]; c > 0 && f.Throughput > 0 {
			share = fmt.Sprintf("%.1f %%", 100*f.Throughput/c)
		}
		verdict := "yes"
		if f.Single.P95 > Target || f.Single.Errors > 0 {
			verdict, missed = "MISSED", missed+1
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t\n", f.Database, f.Scenario,
			ms(f.Single.P50), ms(f.Single.P95), ms(f.Single.P99), ms(f.Single.Max), f.Single.Errors,
			f.Throughput, share, ms(f.Concurrent.P50), ms(f.Concurrent.P95), ms(f.Concurrent.P99), f.Concurrent.Errors, verdict)
	}
	_ = tw.Flush()
	for _, f := range all {
		if f.Single.FirstError != "" {
			fmt.Fprintf(cfg.Out, "%s %s: first error on %s: %s\n", f.Database, f.Scenario, f.Single.FirstOn, f.Single.FirstError)
		}
	}
	if missed > 0 {
		fmt.Fprintf(cfg.Out, "\n%d scenario(s) missed the single-client p95 target of %s\n", missed, Target)
	}
}

// runOne measures one database: demo data, seed, serve, measure.
func runOne(ctx context.Context, cfg Config, dialect string) ([]Figures, time.Duration, error) {
	env, seeded, cleanup, err := prepare(ctx, cfg, dialect)
	if err != nil {
		return nil, 0, err
	}
	defer cleanup()
	if cfg.Starts > 0 {
		return nil, seeded, measureStarts(ctx, cfg, dialect, env)
	}

	fmt.Fprintf(cfg.Log, "[%s] serving\n", dialect)
	began := time.Now()
	srv, err := start(ctx, cfg, env, append([]string{"serve"}, cfg.ServeArgs...)...)
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = srv.stop() }()
	// The catalogue loads in the background: a list waits for it, and
	// answers 503 when its own deadline comes first (a busy machine).
	for {
		_, err := get(ctx, http.DefaultClient, srv.base+"/api/v1/practices")
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "status 503") || time.Since(began) > 2*time.Minute {
			return nil, 0, fmt.Errorf("first list: %w", err)
		}
	}
	firstList := time.Since(began)
	// A search needs the catalogue, which may still be loading.
	if _, err := get(ctx, http.DefaultClient, srv.base+"/api/v1/practices?q=habitants"); err != nil {
		return nil, 0, fmt.Errorf("first search: %w", err)
	}
	firstSearch := time.Since(began)
	// Searches go to the database until the text index is read (or built):
	// the search mix measures the index, so it waits for /healthz to say
	// so.
	for {
		body, err := get(ctx, http.DefaultClient, srv.base+"/healthz")
		var h struct {
			Search string `json:"search"`
		}
		if err == nil && json.Unmarshal(body, &h) == nil && h.Search == "memory" {
			break
		}
		if time.Since(began) > 5*time.Minute {
			return nil, 0, errors.New("the search index was not ready after 5 minutes")
		}
		select {
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	fmt.Fprintf(cfg.Out, "[%s] start on %d practices to the first public list served: %.2f s, to the first search: %.2f s, to searches from memory: %.2f s (health checked every 20 ms)\n",
		dialect, cfg.Practices, firstList.Seconds(), firstSearch.Seconds(), time.Since(began).Seconds())
	scenarios, mix, err := buildScenarios(ctx, srv.base)
	if err != nil {
		return nil, 0, err
	}
	if cfg.Mix > 0 {
		mix = mix[:min(cfg.Mix, len(mix))]
	}
	// Without Accept-Encoding, as wrk and the ceiling: the figures compare
	// the work of the application, not of compression.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients * 2, DisableCompression: true}, Timeout: 30 * time.Second}
	var out []Figures
	if cfg.Only != "" {
		scenarios = slices.DeleteFunc(scenarios, func(sc scenario) bool { return !strings.Contains(sc.name, cfg.Only) })
	}
	// The search mix first, cold: none of its searches was made before
	// (the index is ready, the database's caches are not warm).
	fmt.Fprintf(cfg.Log, "[%s] search mix of %d searches, cold then warm\n", dialect, len(mix))
	cold := Figures{Database: dialect, Scenario: fmt.Sprintf("search mix, %d searches, cold (API)", len(mix))}
	cold.Single = single(ctx, client, srv.base, mix, len(mix))
	warm := Figures{Database: dialect, Scenario: fmt.Sprintf("search mix, %d searches, warm (API)", len(mix))}
	warm.Single = single(ctx, client, srv.base, mix, len(mix))
	warm.Concurrent, warm.Throughput = concurrent(ctx, client, srv.base, mix, cfg.Clients, cfg.Duration)
	if cfg.Record != "" {
		if err := record(ctx, client, srv.base, mix, fmt.Sprintf("%s.%s", cfg.Record, dialect)); err != nil {
			return nil, 0, err
		}
	}
	// Warm up: the first list loads the catalogue, pages are parsed, the
	// database's caches fill.
	for _, sc := range scenarios {
		for _, u := range sc.urls {
			_, _ = get(ctx, client, srv.base+u)
		}
	}
	// The ceiling, measured in the same run, right before the application.
	fmt.Fprintf(cfg.Log, "[%s] ceiling: bare net/http server\n", dialect)
	ceiling, err := measureCeiling(ctx, cfg, client, dialect)
	if err != nil {
		return nil, 0, err
	}
	out = append(out, ceiling, cold, warm)
	for _, sc := range scenarios {
		fmt.Fprintf(cfg.Log, "[%s] %s\n", dialect, sc.name)
		f := Figures{Database: dialect, Scenario: sc.name}
		f.Single = single(ctx, client, srv.base, sc.urls, cfg.Requests)
		f.Concurrent, f.Throughput = concurrent(ctx, client, srv.base, sc.urls, cfg.Clients, cfg.Duration)
		out = append(out, f)
	}
	return out, seeded, nil
}

// prepare returns the environment of a server on a seeded database of
// dialect, how long seeding took (0 when a database seeded before was
// reused) and what to do when done with it.
func prepare(ctx context.Context, cfg Config, dialect string) (env []string, seeded time.Duration, cleanup func(), err error) {
	var undo []func()
	cleanup = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	// A reused database is known by a file beside it naming the number of
	// practices seeded and, on PostgreSQL, the database's URL.
	var marker string
	var dataDir, databaseURL string
	if cfg.Reuse != "" {
		marker = filepath.Join(cfg.Reuse, fmt.Sprintf("%s-%d.seeded", dialect, cfg.Practices))
		dataDir = filepath.Join(cfg.Reuse, fmt.Sprintf("%s-%d", dialect, cfg.Practices))
		if b, err := os.ReadFile(marker); err == nil {
			databaseURL = strings.TrimSpace(string(b))
			fmt.Fprintf(cfg.Log, "[%s] reusing the database seeded with %d practices in %s\n", dialect, cfg.Practices, cfg.Reuse)
			env = append(os.Environ(), "PASSERELLE_DATA_DIR="+dataDir, "PASSERELLE_DATABASE_URL="+databaseURL, "PASSERELLE_LOG_LEVEL=warn")
			return env, 0, cleanup, nil
		}
		_ = os.RemoveAll(dataDir)
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, 0, cleanup, err
		}
	} else {
		if dataDir, err = os.MkdirTemp("", "passerelle-bench-"); err != nil {
			return nil, 0, cleanup, err
		}
		if cfg.Keep {
			fmt.Fprintf(cfg.Log, "keeping data directory %s\n", dataDir)
		} else {
			undo = append(undo, func() { _ = os.RemoveAll(dataDir) })
		}
	}
	if dialect == "postgres" {
		var drop func()
		databaseURL, drop, err = store.TempDatabase(ctx, cfg.PostgresURL, "passerelle_bench")
		if err != nil {
			return nil, 0, cleanup, err
		}
		if cfg.Keep || cfg.Reuse != "" {
			fmt.Fprintf(cfg.Log, "keeping database %s\n", databaseURL)
		} else {
			undo = append(undo, drop)
		}
	}
	env = append(os.Environ(), "PASSERELLE_DATA_DIR="+dataDir, "PASSERELLE_DATABASE_URL="+databaseURL, "PASSERELLE_LOG_LEVEL=warn")

	fmt.Fprintf(cfg.Log, "[%s] loading the demo data\n", dialect)
	srv, err := start(ctx, cfg, env, "serve", "--demo")
	if err != nil {
		return nil, 0, cleanup, err
	}
	if err := srv.stop(); err != nil {
		return nil, 0, cleanup, err
	}

	fmt.Fprintf(cfg.Log, "[%s] seeding %d practices\n", dialect, cfg.Practices)
	began := time.Now()
	seed := exec.CommandContext(ctx, cfg.Binary, "seed", "--practices", fmt.Sprint(cfg.Practices))
	seed.Env, seed.Stdout, seed.Stderr = env, cfg.Log, cfg.Log
	if err := seed.Run(); err != nil {
		return nil, 0, cleanup, fmt.Errorf("seed: %w", err)
	}
	seeded = time.Since(began)
	if marker != "" {
		if err := os.WriteFile(marker, []byte(databaseURL+"\n"), 0o644); err != nil {
			return nil, 0, cleanup, err
		}
	}
	return env, seeded, cleanup, nil
}

type scenario struct {
	name string
	urls []string
}

// buildScenarios asks the server for its territories and themes and builds
// the requests of each scenario from them, and the search mix.
func buildScenarios(ctx context.Context, base string) ([]scenario, []string, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	var territories struct {
		Items []struct{ Code, Level string } `json:"items"`
	}
	var themes struct {
		Items []struct{ Slug string } `json:"items"`
	}
	for path, into := range map[string]any{"/api/v1/territories": &territories, "/api/v1/themes": &themes} {
		body, err := get(ctx, client, base+path)
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(body, into); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if len(territories.Items) == 0 || len(themes.Items) == 0 {
		return nil, nil, errors.New("the server has no territories or themes")
	}
	var browse, pages []string
	for _, t := range territories.Items {
		browse = append(browse, "/api/v1/practices?territory="+url.QueryEscape(t.Code))
		pages = append(pages, "/territoires/"+url.PathEscape(t.Code))
	}
	// Some deep pages: the list of a large territory far down.
	root := territories.Items[0].Code
	for _, p := range []string{"10", "100", "250", "500"} {
		browse = append(browse, "/api/v1/practices?territory="+url.QueryEscape(root)+"&page="+p)
	}
	var filters []string
	formats := []string{"game", "kit", "guide", "video", "training"}
	for i, t := range territories.Items {
		th := themes.Items[i%len(themes.Items)].Slug
		filters = append(filters,
			fmt.Sprintf("/api/v1/practices?territory=%s&theme=%s&kind=experience", url.QueryEscape(t.Code), th),
			fmt.Sprintf("/api/v1/practices?territory=%s&kind=tool&format=%s&year=%d", url.QueryEscape(t.Code), formats[i%len(formats)], 2019+i%7),
			fmt.Sprintf("/api/v1/practices?theme=%s&kind=tool&audience=%s&page=2", th, url.QueryEscape([]string{"collégiens", "enseignants", "élus", "habitants"}[i%4])))
	}
	var searches []string
	for _, q := range []string{"discrimination", "egalite", "pedagogiques", "embaucher", "jeu stéréotypes", `"lutte contre les discriminations"`,
		"quartier", "habitants", "forum emploi jeunes", "santé mentale", "mediation -nuit", "relogement"} {
		searches = append(searches, "/api/v1/practices?q="+url.QueryEscape(q))
	}
	for i, t := range territories.Items {
		q := []string{"discrimination", "egalite femmes hommes", "habitants", "decrochage scolaire"}[i%4]
		searches = append(searches, "/api/v1/practices?q="+url.QueryEscape(q)+"&territory="+url.QueryEscape(t.Code))
	}
	// The largest department, a practice, a theme: the pages people open
	// most.
	var codes, slugs []string
	largest, most := "", -1
	for _, t := range territories.Items {
		codes = append(codes, t.Code)
		if t.Level != "department" {
			continue
		}
		body, err := get(ctx, client, base+"/api/v1/practices?territory="+url.QueryEscape(t.Code))
		if err != nil {
			return nil, nil, err
		}
		var list struct {
			Total int `json:"total"`
		}
		if err := json.Unmarshal(body, &list); err == nil && list.Total > most {
			largest, most = t.Code, list.Total
		}
	}
	if largest == "" {
		largest = root
	}
	for _, th := range themes.Items {
		slugs = append(slugs, th.Slug)
	}
	body, err := get(ctx, client, base+"/api/v1/practices")
	if err != nil {
		return nil, nil, err
	}
	var newest struct {
		Items []struct {
			ID json.Number `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &newest); err != nil || len(newest.Items) == 0 {
		return nil, nil, fmt.Errorf("no practice to read: %v", err)
	}
	id := newest.Items[len(newest.Items)/2].ID.String()
	mix, err := searchMix(ctx, base, codes, slugs)
	if err != nil {
		return nil, nil, err
	}
	return []scenario{
		{"home page (HTML)", []string{"/"}},
		{"territory tree (HTML)", []string{"/territoires"}},
		{fmt.Sprintf("largest department %s, %d practices (HTML)", largest, most), []string{"/territoires/" + url.PathEscape(largest)}},
		{"territory pages (HTML)", pages},
		{"theme page (HTML)", []string{"/themes/" + url.PathEscape(themes.Items[0].Slug)}},
		{"tool library (HTML)", []string{"/outils"}},
		{"practice sheet (HTML)", []string{"/fiches/" + id}},
		{"practice by id (API)", []string{"/api/v1/practices/" + id}},
		{"newest practices (API)", []string{"/api/v1/practices"}},
		{"browse by territory (API)", browse},
		{"combined filters (API)", filters},
		{"search (API)", searches},
		{"search \"le\" (API)", []string{"/api/v1/practices?q=le"}},
	}, mix, nil
}

// record writes the answers to the searches of mix into file, one line
// each: the search, the total, the ids in order and the facets.
func record(ctx context.Context, client *http.Client, base string, mix []string, file string) error {
	var b strings.Builder
	for _, u := range mix {
		body, err := get(ctx, client, base+u)
		if err != nil {
			fmt.Fprintf(&b, "%s\terror %v\n", u, err)
			continue
		}
		var list struct {
			Total int `json:"total"`
			Items []struct {
				ID json.Number `json:"id"`
			} `json:"items"`
			Facets json.RawMessage `json:"facets"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return fmt.Errorf("%s: %w", u, err)
		}
		ids := make([]string, len(list.Items))
		for i, it := range list.Items {
			ids[i] = it.ID.String()
		}
		fmt.Fprintf(&b, "%s\t%d\t%s\t%s\n", u, list.Total, strings.Join(ids, ","), list.Facets)
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}

func get(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return body, fmt.Errorf("status %d: %.200s", res.StatusCode, body)
	}
	return body, nil
}

func single(ctx context.Context, client *http.Client, base string, urls []string, n int) Stats {
	ds := make([]time.Duration, 0, n)
	var s Stats
	for i := range n {
		u := urls[i%len(urls)]
		t0 := time.Now()
		_, err := get(ctx, client, base+u)
		ds = append(ds, time.Since(t0))
		if err != nil {
			s.Errors++
			if s.FirstError == "" {
				s.FirstError, s.FirstOn = err.Error(), u
			}
		}
	}
	st := stats(ds)
	st.Errors, st.FirstError, st.FirstOn = s.Errors, s.FirstError, s.FirstOn
	return st
}

func concurrent(ctx context.Context, client *http.Client, base string, urls []string, clients int, d time.Duration) (Stats, float64) {
	var mu sync.Mutex
	var all []time.Duration
	var errs, next atomic.Int64
	var wg sync.WaitGroup
	began := time.Now()
	end := began.Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			// Requests started before the end are completed and counted:
			// none is cut short, so the server never sees a client vanish.
			for time.Now().Before(end) && ctx.Err() == nil {
				u := urls[int(next.Add(1))%len(urls)]
				t0 := time.Now()
				_, err := get(ctx, client, base+u)
				mine = append(mine, time.Since(t0))
				if err != nil {
					errs.Add(1)
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	st := stats(all)
	st.Errors = int(errs.Load())
	return st, float64(len(all)) / elapsed.Seconds()
}

// server is a running passerelle process.
type server struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

func start(ctx context.Context, cfg Config, env []string, args ...string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(cfg.Binary, append(args, "--addr", addr)...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, cfg.Log, cfg.Log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("passerelle %s exited: %v", strings.Join(args, " "), err)
		case <-time.After(20 * time.Millisecond):
		}
		if _, err := get(ctx, http.DefaultClient, s.base+"/healthz"); err == nil {
			return s, nil
		}
	}
	_ = s.stop()
	return nil, errors.New("the server did not answer /healthz within 2 minutes")
}

func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		return errors.New("the server did not stop within 20 s of SIGTERM")
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// DefaultBinary is where make build puts passerelle.
var DefaultBinary = filepath.Join("bin", "passerelle")
