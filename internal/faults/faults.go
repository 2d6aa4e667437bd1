// Package faults is Passerelle's fault suite (make faults): it starts the
// real passerelle binary on fresh databases, puts it under load, breaks
// something — the network to PostgreSQL stops forwarding, the server or the
// worker is killed with SIGKILL during a burst, SQLite's disk fills up, a
// setting is wrong — and checks the outcome against what the clients were
// told: every acknowledged write is in the database, every notification's
// e-mail reached the SMTP test server once, every request answered within
// its deadline. It prints the figures of each scenario.
//
// It is a tool, never part of the test suite: it mounts a small tmpfs
// (root only), stalls networks and kills processes, and its figures depend
// on the machine.
package faults

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/passerelle/passerelle/internal/store"
)

// Config says what to run.
type Config struct {
	Binary      string // the passerelle binary under test
	PostgresURL string // a server to create temporary databases on; "" skips PostgreSQL
	Scenarios   []string
	Stall       time.Duration // how long the network to PostgreSQL stalls
	// Throughput run: publications per second, subscribers each, for how
	// long.
	Rate        int
	Subscribers int
	Duration    time.Duration
	Out         io.Writer // the figures
	Log         io.Writer // progress
}

// Scenarios are the names Run knows, in the order it runs them.
var Scenarios = []string{"config", "stall", "kill", "disk", "throughput"}

// Result is the outcome of one scenario: its figures, and the failures of
// what the issue asks ("Done when").
type Result struct {
	Name     string
	Lines    []string
	Failures []string
	Skipped  string
}

func (r *Result) printf(format string, args ...any) {
	r.Lines = append(r.Lines, fmt.Sprintf(format, args...))
}

// check records a failure unless ok.
func (r *Result) check(ok bool, format string, args ...any) {
	if !ok {
		r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
	}
}

// Run runs the chosen scenarios, prints their figures, and returns an
// error when any of them failed.
func Run(ctx context.Context, cfg Config) error {
	if len(cfg.Scenarios) == 0 {
		cfg.Scenarios = Scenarios
	}
	run := map[string]func(context.Context, *Config) []*Result{
		"config":     runConfig,
		"stall":      runStall,
		"kill":       runKill,
		"disk":       runDisk,
		"throughput": runThroughput,
	}
	var results []*Result
	for _, name := range Scenarios {
		if !slices.Contains(cfg.Scenarios, name) {
			continue
		}
		fmt.Fprintf(cfg.Log, "=== %s\n", name)
		began, load := time.Now(), loadAverage()
		rs := run[name](ctx, &cfg)
		for _, r := range rs {
			r.printf("machine: load average %s before, %s after (%d cores)", load, loadAverage(), runtime.NumCPU())
			printResult(cfg.Out, r)
		}
		fmt.Fprintf(cfg.Log, "=== %s took %s\n", name, time.Since(began).Round(time.Second))
		results = append(results, rs...)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	failed := 0
	fmt.Fprintln(cfg.Out, "\n== summary")
	for _, r := range results {
		switch {
		case r.Skipped != "":
			fmt.Fprintf(cfg.Out, "  %-34s SKIPPED (%s)\n", r.Name, r.Skipped)
		case len(r.Failures) > 0:
			failed++
			fmt.Fprintf(cfg.Out, "  %-34s FAILED: %s\n", r.Name, strings.Join(r.Failures, "; "))
		default:
			fmt.Fprintf(cfg.Out, "  %-34s ok\n", r.Name)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d scenario(s) failed", failed)
	}
	return nil
}

func printResult(w io.Writer, r *Result) {
	fmt.Fprintf(w, "\n== %s\n", r.Name)
	if r.Skipped != "" {
		fmt.Fprintf(w, "  skipped: %s\n", r.Skipped)
		return
	}
	for _, l := range r.Lines {
		fmt.Fprintf(w, "  %s\n", l)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(w, "  FAILED: %s\n", f)
	}
}

// dialects returns the databases to run on.
func (cfg *Config) dialects() []string {
	if cfg.PostgresURL == "" {
		return []string{store.SQLite}
	}
	return []string{store.SQLite, store.Postgres}
}

func (cfg *Config) logf(format string, args ...any) {
	fmt.Fprintf(cfg.Log, "  "+format+"\n", args...)
}

// waitUntil polls cond every 200 ms until it holds or d passes.
func waitUntil(ctx context.Context, d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// loadAverage returns the machine's one-minute load average: the figures of
// a run mean little without it on a shared machine.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(raw))[0]
}
