// Command passerelle-bench measures the public lists of a passerelle binary
// at scale, over HTTP, on SQLite and PostgreSQL (see internal/bench). Run it
// with make bench.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/passerelle/passerelle/internal/bench"
)

func main() {
	cfg := bench.Config{Out: os.Stdout, Log: os.Stderr}
	flag.StringVar(&cfg.Binary, "binary", bench.DefaultBinary, "the passerelle binary to measure")
	flag.IntVar(&cfg.Practices, "practices", 100_000, "published practices to seed")
	flag.IntVar(&cfg.Requests, "requests", 300, "requests per scenario from one client")
	flag.IntVar(&cfg.Clients, "clients", 32, "concurrent clients for the throughput run")
	flag.DurationVar(&cfg.Duration, "duration", 10*time.Second, "length of each throughput run")
	flag.StringVar(&cfg.PostgresURL, "postgres", os.Getenv("PASSERELLE_TEST_DATABASE_URL"),
		"PostgreSQL server to create a temporary database on (default $PASSERELLE_TEST_DATABASE_URL; empty: skip)")
	flag.BoolVar(&cfg.Keep, "keep", false, "keep the temporary SQLite directory and PostgreSQL database")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench.Run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "passerelle-bench:", err)
		os.Exit(1)
	}
}
