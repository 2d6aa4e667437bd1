package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// The pages a visitor opens first, for the start-up and memory measures.
var publicPages = []string{"/", "/territoires", "/themes", "/outils", "/recherche", "/rencontres", "/api/v1/practices"}

// measureStarts starts the server cfg.Starts times on the seeded database
// of dialect and reports, for each start, the time to the first public
// page (the home page) and to the first public list (the API's newest
// practices), and the median of each.
func measureStarts(ctx context.Context, cfg Config, dialect string, env []string) error {
	var homes, lists []time.Duration
	for i := range cfg.Starts {
		home, list, err := oneStart(ctx, cfg, env)
		if err != nil {
			return fmt.Errorf("start %d: %w", i+1, err)
		}
		homes, lists = append(homes, home), append(lists, list)
		fmt.Fprintf(cfg.Log, "[%s] start %d: first public page %.2f s, first public list %.2f s\n", dialect, i+1, home.Seconds(), list.Seconds())
	}
	secs := func(ds []time.Duration) string {
		parts := make([]string, len(ds))
		for i, d := range ds {
			parts[i] = fmt.Sprintf("%.2f", d.Seconds())
		}
		return strings.Join(parts, ", ")
	}
	fmt.Fprintf(cfg.Out, "[%s] start on %d practices to the first public page served: median %.2f s (%s); to the first public list: median %.2f s (%s)\n",
		dialect, cfg.Practices, stats(homes).P50.Seconds(), secs(homes), stats(lists).P50.Seconds(), secs(lists))
	return nil
}

// oneStart starts the server and asks for the home page and the first
// list at once, again while they answer 503 (the catalogue still loading
// past a request's deadline); it returns when each was first served.
func oneStart(ctx context.Context, cfg Config, env []string) (home, list time.Duration, err error) {
	began := time.Now()
	srv, err := start(ctx, cfg, env, append([]string{"serve"}, cfg.ServeArgs...)...)
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = srv.stop() }()
	first := func(path string) (time.Duration, error) {
		for {
			_, err := get(ctx, http.DefaultClient, srv.base+path)
			if err == nil {
				return time.Since(began), nil
			}
			if !strings.Contains(err.Error(), "status 503") || time.Since(began) > 2*time.Minute {
				return 0, fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	type answer struct {
		took time.Duration
		err  error
	}
	homeDone := make(chan answer, 1)
	go func() {
		took, err := first("/")
		homeDone <- answer{took, err}
	}()
	list, err = first("/api/v1/practices")
	h := <-homeDone
	if err == nil {
		err = h.err
	}
	return h.took, list, err
}

// MeasureMemory starts serve --demo on a fresh SQLite database, asks for
// the public pages once, waits for the process to be idle and reports its
// resident memory (VmRSS) and what it is made of.
func MeasureMemory(ctx context.Context, cfg Config) error {
	dir, err := os.MkdirTemp("", "passerelle-memory-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	env := append(os.Environ(), "PASSERELLE_DATA_DIR="+dir, "PASSERELLE_DATABASE_URL=", "PASSERELLE_LOG_LEVEL=warn")
	srv, err := start(ctx, cfg, env, append([]string{"serve", "--demo"}, cfg.ServeArgs...)...)
	if err != nil {
		return err
	}
	defer func() { _ = srv.stop() }()
	for _, p := range publicPages {
		if _, err := get(ctx, http.DefaultClient, srv.base+p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	pid := srv.cmd.Process.Pid
	idle, err := waitIdle(ctx, pid)
	if err != nil {
		return err
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err
	}
	field := func(name string) int {
		for line := range strings.SplitSeq(string(status), "\n") {
			if rest, ok := strings.CutPrefix(line, name+":"); ok {
				n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
				return n
			}
		}
		return -1
	}
	mb := func(kb int) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }
	fmt.Fprintf(cfg.Out, "idle memory of serve --demo (SQLite) after the public pages, idle after %.1f s: VmRSS %s (binary and libraries mapped %s, anonymous %s); target ≤ 60 MB\n",
		idle.Seconds(), mb(field("VmRSS")), mb(field("RssFile")), mb(field("RssAnon")))
	return nil
}

// waitIdle waits until the process pid used at most 5 % of a CPU in each
// of three seconds in a row (River's polls of the queue cost a few percent;
// a server gives memory back once idle for a second), at most two minutes;
// it returns how long that took.
func waitIdle(ctx context.Context, pid int) (time.Duration, error) {
	began := time.Now()
	cpu := func() (int64, error) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, err
		}
		i := strings.LastIndexByte(string(b), ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 13 {
			return 0, fmt.Errorf("/proc/%d/stat: %q", pid, b)
		}
		u, _ := strconv.ParseInt(f[11], 10, 64) // utime, in clock ticks
		s, _ := strconv.ParseInt(f[12], 10, 64) // stime
		return u + s, nil
	}
	prev, err := cpu()
	if err != nil {
		return 0, err
	}
	quiet := 0
	for time.Since(began) < 2*time.Minute {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Second):
		}
		now, err := cpu()
		if err != nil {
			return 0, err
		}
		quiet++
		if now-prev > 5 { // ticks of 10 ms: more than 5 % of a second
			quiet = 0
		}
		if quiet == 3 {
			return time.Since(began), nil
		}
		prev = now
	}
	return time.Since(began), nil
}
