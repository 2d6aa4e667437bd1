package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// On PostgreSQL a job committed by one client is picked up by another
// process's workers because they are told (LISTEN/NOTIFY), not because
// they poll: with the poll set to an hour, the job still runs. On SQLite
// River can only poll (Notifies is false).
func TestWorkersAreToldOfNewJobs(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		tb := testenv.Setup(t, dialect, testenv.Options{})
		if got, want := tb.DB.Notifies(), dialect == store.Postgres; got != want {
			t.Fatalf("Notifies() = %v on %s, want %v", got, dialect, want)
		}
		if !tb.DB.Notifies() {
			return
		}
		ctx := context.Background()
		worker := &noopWorker{started: make(chan time.Time, 1)}
		workers := river.NewWorkers()
		river.AddWorker(workers, worker)
		_, cooldown := jobs.FetchTimings(tb.DB)
		consumer, err := river.NewClient(tb.DB.RiverDriver(), &river.Config{Workers: workers, Logger: discardLogger(),
			FetchPollInterval: time.Hour, FetchCooldown: cooldown,
			Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := consumer.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = consumer.Stop(context.Background()) })
		inserter, err := river.NewClient(tb.DB.RiverDriver(), &river.Config{Logger: discardLogger()})
		if err != nil {
			t.Fatal(err)
		}
		// The producer fetched once at start, when nothing was queued; from
		// then on only a notification brings a job. The client may take a
		// moment to listen after Start returns, so a job is committed every
		// second until one is worked.
		insert := func() {
			tx, err := tb.DB.Bun.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := inserter.InsertTx(ctx, tx.Tx, noopArgs{Sent: time.Now()}, nil); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.After(2 * time.Minute)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for insert(); ; {
			select {
			case <-worker.started:
				return
			case <-tick.C:
				insert()
			case <-deadline:
				t.Fatal("no job was picked up: the workers were not told of them")
			}
		}
	})
}
