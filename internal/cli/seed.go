package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/passerelle/passerelle/internal/seed"
)

// runSeed adds generated published practices, for demonstrations and
// benchmarks. It needs territories, themes and a contributor (serve --demo
// provides them) and says so when they are missing.
func runSeed(ctx context.Context, env Env, args []string) error {
	var n, batch int
	var rngSeed uint64
	var quiet bool
	return withApp(ctx, "seed", env, args, func(fs *flag.FlagSet) {
		fs.IntVar(&n, "practices", 0, "number of published practices to add (required)")
		fs.IntVar(&batch, "batch", 1000, "practices written per transaction")
		fs.Uint64Var(&rngSeed, "seed", 0, "random seed, for reproducible text (0: from the clock)")
		fs.BoolVar(&quiet, "quiet", false, "do not report progress on stderr")
	}, func() error {
		if n < 1 || n > seed.MaxPractices {
			return usageError{msg: fmt.Sprintf("--practices must be between 1 and %d", seed.MaxPractices)}
		}
		if batch < 1 || batch > 10_000 {
			return usageError{msg: "--batch must be between 1 and 10000"}
		}
		return nil
	}, func(a *app) error {
		start := time.Now()
		opts := seed.Options{Practices: n, BatchSize: batch, Seed: rngSeed}
		if !quiet {
			next := n / 10
			opts.Progress = func(done int) {
				if done >= next || done == n {
					fmt.Fprintf(env.Stderr, "seed: %d/%d practices (%.1fs)\n", done, n, time.Since(start).Seconds())
					next = done + n/10
				}
			}
		}
		first, last, err := seed.Practices(ctx, a.db, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added %d published practices (ids %d to %d) in %.1fs\n", n, first, last, time.Since(start).Seconds())
		return nil
	})
}
