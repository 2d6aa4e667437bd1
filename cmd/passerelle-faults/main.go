// Command passerelle-faults is Passerelle's fault suite (see
// internal/faults): it breaks the network, the processes and the disk
// under a running passerelle binary and prints what happened. Run it with
// make faults (as root: it mounts a small tmpfs).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/passerelle/passerelle/internal/faults"
)

func main() {
	cfg := faults.Config{Out: os.Stdout, Log: os.Stderr}
	var only string
	flag.StringVar(&cfg.Binary, "binary", "bin/passerelle", "the passerelle binary under test")
	flag.StringVar(&cfg.PostgresURL, "postgres", os.Getenv("PASSERELLE_TEST_DATABASE_URL"),
		"PostgreSQL server to create temporary databases on (default $PASSERELLE_TEST_DATABASE_URL; empty: SQLite only)")
	flag.StringVar(&only, "only", "", "comma-separated scenarios to run (default all: "+strings.Join(faults.Scenarios, ",")+")")
	flag.DurationVar(&cfg.Stall, "stall", 30*time.Second, "how long the network to PostgreSQL stalls")
	flag.IntVar(&cfg.Rate, "rate", 20, "publications per second of the throughput run")
	flag.IntVar(&cfg.Subscribers, "subscribers", 50, "instant subscribers of each publication in the throughput run")
	flag.DurationVar(&cfg.Duration, "duration", 30*time.Second, "length of the throughput run")
	flag.Parse()
	if only != "" {
		cfg.Scenarios = strings.Split(only, ",")
	}
	if cfg.PostgresURL == "" {
		fmt.Fprintln(os.Stderr, "*** no PostgreSQL server (PASSERELLE_TEST_DATABASE_URL): the PostgreSQL scenarios are SKIPPED ***")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := faults.Run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "passerelle-faults:", err)
		os.Exit(1)
	}
}
