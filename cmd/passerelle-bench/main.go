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
	flag.StringVar(&cfg.Reuse, "reuse", "", "keep the seeded databases in this directory and use them again on the next run with as many --practices (no demo, no seeding)")
	flag.StringVar(&cfg.Only, "only", "", "measure only the scenarios whose name contains this (e.g. \"search mix\"); empty: all")
	flag.StringVar(&cfg.Record, "record", "", "write the answers to the search mix to this file (suffixed .sqlite, .postgres), to compare two versions' answers")
	flag.IntVar(&cfg.Mix, "mix", 0, "measure only the first N searches of the search mix (0: all)")
	flag.BoolVar(&cfg.SkipSQLite, "skip-sqlite", false, "measure PostgreSQL only")
	flag.IntVar(&cfg.Starts, "starts", 0, "measure only the start of the server, this many times on each database: to the first public page and list")
	flag.BoolVar(&cfg.Memory, "memory", false, "measure only the idle memory (VmRSS) of serve --demo on SQLite, after the public pages")
	pprofAddr := flag.String("pprof", "", "serve the measured server's Go profiles on this loopback address (e.g. 127.0.0.1:6060)")
	flag.Parse()
	if *pprofAddr != "" {
		cfg.ServeArgs = append(cfg.ServeArgs, "--pprof", *pprofAddr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := bench.Run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "passerelle-bench:", err)
		os.Exit(1)
	}
}
