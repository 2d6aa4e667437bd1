package jobs_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertest"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/mail/mailtest"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// addFollowers inserts n accounts following territory 59 at once, in bulk.
func addFollowers(b *testing.B, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	now := store.Now()
	for start := 0; start < n; start += 500 {
		var users, subs []string
		var uargs []any
		for i := start; i < min(start+500, n); i++ {
			users = append(users, "(?, ?, 'x', ?, ?)")
			uargs = append(uargs, fmt.Sprintf("bench%05d@example.org", i), fmt.Sprintf("Lecteur %d", i), []string{"fr", "en"}[i%2], now)
		}
		if _, err := db.Bun.NewRaw("INSERT INTO users (email, name, password_hash, lang, created_at) VALUES "+strings.Join(users, ", "), uargs...).Exec(ctx); err != nil {
			b.Fatal(err)
		}
		subs = append(subs, "SELECT id, '59', 'instant', 0, ? FROM users WHERE email LIKE 'bench%' AND id NOT IN (SELECT user_id FROM subscriptions)")
		if _, err := db.Bun.NewRaw("INSERT INTO subscriptions (user_id, territory_code, frequency, digest_event_id, created_at) "+subs[0], now).Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublishTo10000Subscribers measures a publication to 10,000
// instant subscribers: from the moderator's approval until every in-app
// notification is written and every e-mail queued (the notify job, then
// the fan-out job, worked as River would). Target: ≤ 10 s on PostgreSQL,
// ≤ 30 s on SQLite.
func BenchmarkPublishTo10000Subscribers(bm *testing.B) {
	const n = 10_000
	for _, dialect := range testenv.Dialects(bm) {
		bm.Run(dialect, func(bm *testing.B) {
			ctx := context.Background()
			tb := testenv.Setup(bm, dialect, testenv.Options{Mail: &recorder{}})
			w := testenv.NewWorld(bm, tb)
			b := &bundle{Bundle: tb, w: w, mail: &recorder{}}
			deps := b.deps()
			notify, fanOut := jobs.NewNotifyWorker(deps), jobs.NewFanOutWorker(deps)
			addFollowers(bm, tb.DB, n)
			wctx := rivertestWorkContext(ctx, tb.River)
			bm.ResetTimer()
			for range bm.N {
				bm.StopTimer()
				p, err := tb.Service.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Forum emploi"))
				if err != nil {
					bm.Fatal(err)
				}
				if _, err := tb.Service.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
					bm.Fatal(err)
				}
				bm.StartTimer()
				if _, err := tb.Service.Decide(ctx, w.NordMod, p.ID, "approve", ""); err != nil {
					bm.Fatal(err)
				}
				events, err := store.ListEvents(ctx, tb.DB.Read, p.ID)
				if err != nil {
					bm.Fatal(err)
				}
				ev := events[len(events)-1].ID
				if err := notify.Work(wctx, &river.Job[jobs.NotifyEventArgs]{Args: jobs.NotifyEventArgs{EventID: ev}}); err != nil {
					bm.Fatal(err)
				}
				if err := fanOut.Work(wctx, &river.Job[jobs.FanOutArgs]{Args: jobs.FanOutArgs{EventID: ev}}); err != nil {
					bm.Fatal(err)
				}
				bm.StopTimer()
				var count int
				if err := tb.DB.Bun.NewSelect().TableExpr("notifications").ColumnExpr("COUNT(*)").
					Where("practice_id = ? AND type = ?", p.ID, passerelle.NotifyNew).Scan(ctx, &count); err != nil || count != n {
					bm.Fatalf("%d notifications, want %d (%v)", count, n, err)
				}
				bm.StartTimer()
			}
			bm.ReportMetric(bm.Elapsed().Seconds()/float64(bm.N), "s/publication")
		})
	}
}

type noopArgs struct {
	Sent time.Time `json:"sent"`
}

func (noopArgs) Kind() string { return "bench_noop" }

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	started chan time.Time
}

func (w *noopWorker) Work(context.Context, *river.Job[noopArgs]) error {
	w.started <- time.Now()
	return nil
}

// BenchmarkRiverPickup measures River's pick-up latency — from the commit of
// the transaction inserting a job to the start of its work — with the
// application's settings (jobs.FetchTimings: on PostgreSQL River is told
// by LISTEN/NOTIFY, on SQLite it polls every 200 ms). It reports p50 and
// p95 in milliseconds.
func BenchmarkRiverPickup(bm *testing.B) {
	for _, dialect := range testenv.Dialects(bm) {
		bm.Run(dialect, func(bm *testing.B) {
			ctx := context.Background()
			tb := testenv.Setup(bm, dialect, testenv.Options{})
			worker := &noopWorker{started: make(chan time.Time, 1)}
			workers := river.NewWorkers()
			river.AddWorker(workers, worker)
			poll, cooldown := jobs.FetchTimings(tb.DB)
			client, err := river.NewClient(tb.DB.RiverDriver(), &river.Config{Workers: workers, Logger: discardLogger(),
				FetchPollInterval: poll, FetchCooldown: cooldown,
				Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}}})
			if err != nil {
				bm.Fatal(err)
			}
			if err := client.Start(ctx); err != nil {
				bm.Fatal(err)
			}
			defer func() { _ = client.Stop(ctx) }()
			var lat []time.Duration
			bm.ResetTimer()
			for i := range bm.N {
				tx, err := tb.DB.Bun.BeginTx(ctx, nil)
				if err != nil {
					bm.Fatal(err)
				}
				if _, err := client.InsertTx(ctx, tx.Tx, noopArgs{}, nil); err != nil {
					bm.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					bm.Fatal(err)
				}
				committed := time.Now()
				lat = append(lat, (<-worker.started).Sub(committed))
				time.Sleep(time.Duration(i%7) * 17 * time.Millisecond) // de-phase from the poll
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			bm.ReportMetric(pct(0.50), "p50_ms")
			bm.ReportMetric(pct(0.95), "p95_ms")
		})
	}
}

func rivertestWorkContext(ctx context.Context, c *river.Client[*sql.Tx]) context.Context {
	return rivertest.WorkContext(ctx, c)
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// BenchmarkSendEmailBatch measures one send_emails job: 50 e-mails of a
// publication rendered, sent over one kept SMTP connection to a test
// server on this machine, and each recorded as sent. One op is the batch.
func BenchmarkSendEmailBatch(bm *testing.B) {
	for _, dialect := range testenv.Dialects(bm) {
		bm.Run(dialect, func(bm *testing.B) {
			ctx := context.Background()
			server, err := mailtest.New(mailtest.Options{})
			if err != nil {
				bm.Fatal(err)
			}
			defer server.Close()
			sender, err := mail.New(mail.Config{SMTPURL: server.URL(), From: "Passerelle <noreply@passerelle.test>"})
			if err != nil {
				bm.Fatal(err)
			}
			tb := testenv.Setup(bm, dialect, testenv.Options{Mail: sender})
			w := testenv.NewWorld(bm, tb)
			b := &bundle{Bundle: tb, w: w, mail: &recorder{}}
			deps := b.deps()
			deps.Mail = sender
			addFollowers(bm, tb.DB, jobs.EmailBatch)
			p, err := tb.Service.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Forum emploi"))
			if err != nil {
				bm.Fatal(err)
			}
			if _, err := tb.Service.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
				bm.Fatal(err)
			}
			if _, err := tb.Service.Decide(ctx, w.NordMod, p.ID, "approve", ""); err != nil {
				bm.Fatal(err)
			}
			events, err := store.ListEvents(ctx, tb.DB.Read, p.ID)
			if err != nil {
				bm.Fatal(err)
			}
			wctx := rivertestWorkContext(ctx, tb.River)
			if err := jobs.NewFanOutWorker(deps).Work(wctx, &river.Job[jobs.FanOutArgs]{Args: jobs.FanOutArgs{EventID: events[len(events)-1].ID}}); err != nil {
				bm.Fatal(err)
			}
			rows, err := tb.DB.RiverDriver().GetExecutor().JobGetByKindMany(ctx, &riverdriver.JobGetByKindManyParams{Kind: []string{"send_emails"}})
			if err != nil || len(rows) != 1 {
				bm.Fatalf("%d batches: %v", len(rows), err)
			}
			batch := &river.Job[jobs.SendEmailsArgs]{JobRow: rows[0]}
			if err := json.Unmarshal(rows[0].EncodedArgs, &batch.Args); err != nil {
				bm.Fatal(err)
			}
			emails := jobs.NewEmailsWorker(deps)
			bm.ResetTimer()
			for range bm.N {
				bm.StopTimer()
				if _, err := tb.DB.Bun.NewDelete().TableExpr("email_sends").Where("1 = 1").Exec(ctx); err != nil {
					bm.Fatal(err)
				}
				bm.StartTimer()
				if err := emails.Work(wctx, batch); err != nil {
					bm.Fatal(err)
				}
			}
			bm.ReportMetric(float64(bm.Elapsed().Microseconds())/float64(bm.N*jobs.EmailBatch), "µs/e-mail")
		})
	}
}
