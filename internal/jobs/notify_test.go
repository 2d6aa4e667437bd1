package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertest"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// recorder is a mail sender that keeps what it is asked to send.
type recorder struct {
	mu   sync.Mutex
	sent []*mail.Message
}

func (r *recorder) Send(_ context.Context, m *mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return nil
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = nil
}

func (r *recorder) to() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.sent {
		out = append(out, m.To)
	}
	slices.Sort(out)
	return out
}

// bundle is what the tests of this file need: the application without
// running workers, and the workers to call by hand.
type bundle struct {
	*testenv.Bundle
	w      *testenv.World
	mail   *recorder
	notify river.Worker[jobs.NotifyEventArgs]
	email  river.Worker[jobs.SendEmailArgs]
	emails river.Worker[jobs.SendEmailsArgs]
}

func setup(t *testing.T, dialect string) *bundle {
	t.Helper()
	rec := &recorder{}
	b := testenv.Setup(t, dialect, testenv.Options{Mail: rec})
	deps := jobs.Deps{DB: b.DB, Authz: b.Authz, Mail: rec, BaseURL: b.BaseURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return &bundle{Bundle: b, w: testenv.NewWorld(t, b), mail: rec,
		notify: jobs.NewNotifyWorker(deps), email: jobs.NewEmailWorker(deps), emails: jobs.NewEmailsWorker(deps)}
}

// jobsOf returns the jobs of one kind, oldest first, with their arguments,
// read through River's own driver (SQLite keeps them as binary JSON).
func jobsOf[T river.JobArgs](t *testing.T, b *bundle) []*river.Job[T] {
	t.Helper()
	var kind T
	rows, err := b.DB.RiverDriver().GetExecutor().JobGetByKindMany(context.Background(),
		&riverdriver.JobGetByKindManyParams{Kind: []string{kind.Kind()}})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*river.Job[T], len(rows))
	for i, r := range rows {
		out[i] = &river.Job[T]{JobRow: r}
		if err := json.Unmarshal(r.EncodedArgs, &out[i].Args); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// work runs a worker on args as River would, with the client in the context
// so that it can queue follow-up jobs.
func work[T river.JobArgs](t *testing.T, b *bundle, w river.Worker[T], args T) {
	t.Helper()
	ctx := rivertest.WorkContext(context.Background(), b.River)
	if err := w.Work(ctx, &river.Job[T]{Args: args}); err != nil {
		t.Fatalf("%s: %v", args.Kind(), err)
	}
}

// notified returns who holds a notification of typ about practice id.
func notified(t *testing.T, b *bundle, id int64, typ string) []string {
	t.Helper()
	var emails []string
	err := b.DB.Bun.NewSelect().TableExpr("notifications AS n").Join("JOIN users AS u ON u.id = n.user_id").
		ColumnExpr("u.email").Where("n.practice_id = ? AND n.type = ?", id, typ).OrderExpr("u.email").Scan(context.Background(), &emails)
	if err != nil {
		t.Fatal(err)
	}
	return emails
}

func lastEventID(t *testing.T, b *bundle, id int64) int64 {
	t.Helper()
	events, err := store.ListEvents(context.Background(), b.DB.Bun, id)
	if err != nil || len(events) == 0 {
		t.Fatalf("history: %v %v", events, err)
	}
	return events[len(events)-1].ID
}

func create(t *testing.T, b *bundle, author *passerelle.User, territory string) *passerelle.Practice {
	t.Helper()
	p, err := b.Service.CreatePractice(context.Background(), author, testenv.CompleteExperience(territory, "Forum emploi"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSubmitEnqueues checks that a submission queues exactly one fan-out job
// for its history entry, in its own transaction: a refused submission, or one
// whose job cannot be queued, leaves neither the change nor the job.
func TestSubmitEnqueues(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := setup(t, dialect)
		svc, w, driver := b.Service, b.w, b.DB.RiverDriver()
		p := create(t, b, w.MoulinsAuthor, "qpv-moulins")
		draft, err := svc.CreatePractice(ctx, w.MoulinsAuthor, service.PracticeInput{Kind: new(passerelle.KindTool), Title: new("Titre seul")})
		if err != nil {
			t.Fatal(err)
		}

		// Refused submissions queue nothing; the order matters, as the
		// assertion looks at every job of the database.
		refused := []struct {
			name  string
			actor *passerelle.User
			id    int64
			code  string
		}{
			{name: "incomplete", actor: w.MoulinsAuthor, id: draft.ID, code: passerelle.EValidation},
			{name: "not the author", actor: w.NordMod, id: p.ID, code: passerelle.EForbidden},
			{name: "not allowed to see it", actor: w.PasMod, id: p.ID, code: passerelle.ENotFound},
			{name: "anonymous", actor: nil, id: p.ID, code: passerelle.EUnauthn},
		}
		for _, tt := range refused {
			t.Run("refused/"+tt.name, func(t *testing.T) {
				_, err := svc.Submit(ctx, tt.actor, tt.id)
				if got := passerelle.ErrorCode(err); got != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				rivertest.RequireNotInserted(ctx, t, driver, jobs.NotifyEventArgs{}, nil)
			})
		}

		t.Run("a job that cannot be queued undoes the submission", func(t *testing.T) {
			refuseJobs(t, b, true)
			before, _ := store.GetPractice(ctx, b.DB.Bun, p.ID)
			_, err := svc.Submit(ctx, w.MoulinsAuthor, p.ID)
			if err == nil {
				t.Fatal("the submission went through without its job")
			}
			refuseJobs(t, b, false)
			after, _ := store.GetPractice(ctx, b.DB.Bun, p.ID)
			revs, _ := store.ListRevisions(ctx, b.DB.Bun, p.ID)
			events, _ := store.ListEvents(ctx, b.DB.Bun, p.ID)
			if after.Status != passerelle.StatusDraft || after.Version != before.Version || len(revs) != 0 || len(events) != 1 {
				t.Errorf("after a failed submission: %s v%d, %d revisions, %d events; want the draft untouched",
					after.Status, after.Version, len(revs), len(events))
			}
			rivertest.RequireNotInserted(ctx, t, driver, jobs.NotifyEventArgs{}, nil)
		})

		t.Run("submit queues one job for its history entry", func(t *testing.T) {
			_, err := svc.Submit(ctx, w.MoulinsAuthor, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			job := rivertest.RequireInserted(ctx, t, driver, jobs.NotifyEventArgs{},
				&rivertest.RequireInsertedOpts{Queue: river.QueueDefault, State: "available"})
			if want := lastEventID(t, b, p.ID); job.Args.EventID != want {
				t.Errorf("job for event %d, want the submission %d", job.Args.EventID, want)
			}
		})

		t.Run("only notifying moves queue a job", func(t *testing.T) {
			// submitted → changes requested → edit → submitted → withdrawn;
			// a second practice: submitted → published → archived → published
			// (restoring queues the job that tells the subscribers who have
			// not heard of it).
			q := create(t, b, w.LilleAuthor, "59350")
			var want []int64
			steps := []struct {
				do     func() (*passerelle.Practice, error)
				notify bool
			}{
				{do: func() (*passerelle.Practice, error) {
					return svc.Decide(ctx, w.NordMod, p.ID, "request_changes", "Des chiffres ?")
				}, notify: true},
				{do: func() (*passerelle.Practice, error) {
					return svc.UpdatePractice(ctx, w.MoulinsAuthor, p.ID, service.PracticeInput{Title: new("Avec chiffres")})
				}},
				{do: func() (*passerelle.Practice, error) { return svc.Submit(ctx, w.MoulinsAuthor, p.ID) }, notify: true},
				{do: func() (*passerelle.Practice, error) { return svc.Withdraw(ctx, w.MoulinsAuthor, p.ID) }},
				{do: func() (*passerelle.Practice, error) { return svc.Submit(ctx, w.LilleAuthor, q.ID) }, notify: true},
				{do: func() (*passerelle.Practice, error) { return svc.Decide(ctx, w.RegionMod, q.ID, "approve", "") }, notify: true},
				{do: func() (*passerelle.Practice, error) { return svc.Archive(ctx, w.NordMod, q.ID, "") }},
				{do: func() (*passerelle.Practice, error) { return svc.Unarchive(ctx, w.NordMod, q.ID, "") }, notify: true},
			}
			want = append(want, lastEventID(t, b, p.ID)) // the submission above
			for i, step := range steps {
				got, err := step.do()
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if step.notify {
					want = append(want, lastEventID(t, b, got.ID))
				}
			}
			expected := make([]rivertest.ExpectedJob, len(want))
			for i := range want {
				expected[i] = rivertest.ExpectedJob{Args: &jobs.NotifyEventArgs{}}
			}
			rows := rivertest.RequireManyInserted(ctx, t, driver, expected)
			for i, row := range rows {
				var args jobs.NotifyEventArgs
				if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
					t.Fatal(err)
				}
				if args.EventID != want[i] {
					t.Errorf("job %d is for event %d, want %d", i, args.EventID, want[i])
				}
			}
		})
	})
}

// refuseJobs installs (or removes) a trigger that makes every job insertion
// fail, to see what a failure at the very end of a transaction undoes.
func refuseJobs(t *testing.T, b *bundle, on bool) {
	t.Helper()
	var stmts []string
	switch {
	case b.Dialect == store.SQLite && on:
		stmts = []string{`CREATE TRIGGER refuse_jobs BEFORE INSERT ON river_job BEGIN SELECT RAISE(ABORT, 'jobs refused by the test'); END`}
	case b.Dialect == store.SQLite:
		stmts = []string{`DROP TRIGGER refuse_jobs`}
	case on:
		stmts = []string{
			`CREATE FUNCTION refuse_jobs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'jobs refused by the test'; END $$`,
			`CREATE TRIGGER refuse_jobs BEFORE INSERT ON river_job FOR EACH ROW EXECUTE FUNCTION refuse_jobs()`,
		}
	default:
		stmts = []string{`DROP TRIGGER refuse_jobs ON river_job`, `DROP FUNCTION refuse_jobs()`}
	}
	for _, s := range stmts {
		if _, err := b.DB.Bun.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestFanOutIsIdempotent works each fan-out job twice, as River does after a
// crash between the work and its completion: every notification is written
// once, and every e-mail job queued once.
func TestFanOutIsIdempotent(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := setup(t, dialect)
		svc, w, driver := b.Service, b.w, b.DB.RiverDriver()
		p := create(t, b, w.MoulinsAuthor, "qpv-moulins")
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		submission := rivertest.RequireInserted(ctx, t, driver, jobs.NotifyEventArgs{}, nil)
		moderators := []string{w.ModAuthor.Email, w.NordMod.Email, w.RegionMod.Email}
		slices.Sort(moderators)

		for range 2 {
			work(t, b, b.notify, submission.Args)
		}
		if got := notified(t, b, p.ID, passerelle.NotifySubmitted); !slices.Equal(got, moderators) {
			t.Errorf("notified %v, want each moderator covering the QPV once: %v", got, moderators)
		}
		rows := rivertest.RequireManyInserted(ctx, t, driver, []rivertest.ExpectedJob{
			{Args: &jobs.NotifyEventArgs{}},
			{Args: &jobs.SendEmailArgs{}}, {Args: &jobs.SendEmailArgs{}}, {Args: &jobs.SendEmailArgs{}},
		})
		// One e-mail job per notification, each a different one.
		var ids []int64
		for _, row := range rows[1:] {
			var args jobs.SendEmailArgs
			if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
				t.Fatal(err)
			}
			n, err := store.GetNotification(ctx, b.DB.Bun, args.NotificationID)
			if err != nil {
				t.Fatalf("e-mail job for notification %d: %v", args.NotificationID, err)
			}
			if n.EventID != submission.Args.EventID || n.Type != passerelle.NotifySubmitted {
				t.Errorf("e-mail job for %+v", n)
			}
			ids = append(ids, args.NotificationID)
		}
		slices.Sort(ids)
		if len(slices.Compact(ids)) != 3 {
			t.Errorf("e-mail jobs for notifications %v, want three different ones", ids)
		}

		// Each e-mail job, worked twice (River rescuing it after a crash),
		// sends to its moderator once: the first send is recorded.
		for _, id := range ids {
			for range 2 {
				work(t, b, b.email, jobs.SendEmailArgs{NotificationID: id})
			}
		}
		if got := b.mail.to(); !slices.Equal(got, moderators) {
			t.Errorf("sent to %v, want %v once each", got, moderators)
		}
		keys := map[string]int{}
		for _, m := range b.mail.sent {
			keys[m.Key]++
		}
		if len(keys) != 3 {
			t.Errorf("keys %v, want one per notification", keys)
		}

		// The decision: the author is told once, however often it runs.
		if _, err := svc.Decide(ctx, w.NordMod, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		decision := jobsOf[jobs.NotifyEventArgs](t, b)
		if len(decision) != 2 {
			t.Fatalf("%d fan-out jobs, want 2", len(decision))
		}
		for range 2 {
			work(t, b, b.notify, decision[1].Args)
		}
		if got := notified(t, b, p.ID, passerelle.NotifyPublished); !slices.Equal(got, []string{w.MoulinsAuthor.Email}) {
			t.Errorf("published notifications to %v, want the author once", got)
		}
		if n := len(jobsOf[jobs.SendEmailArgs](t, b)); n != 4 {
			t.Errorf("%d e-mail jobs, want 3 + 1", n)
		}
	})
}

// cast is who is concerned by one case of TestFanOutAtSendTime: a territory
// tree of its own (region > department > commune) with a moderator at each
// level, so that revoking or disabling in one case leaves the others alone.
type cast struct {
	commune                    string
	author, regionMod, deptMod *passerelle.User
	communeModAuthor, newcomer *passerelle.User
}

// TestFanOutAtSendTime checks that recipients are computed when the job
// runs: a moderator whose role was revoked, or whose account was disabled,
// after the submission receives nothing; one given the role since is told.
func TestFanOutAtSendTime(t *testing.T) {
	tests := []struct {
		name string
		// what happens between the submission and the fan-out
		change func(ctx context.Context, svc *service.Service, c *cast) error
		// the commune moderator (also a contributor there) writes the practice
		modAuthors bool
		want       func(c *cast) []*passerelle.User
	}{
		{name: "nothing changed",
			want: func(c *cast) []*passerelle.User {
				return []*passerelle.User{c.regionMod, c.deptMod, c.communeModAuthor}
			}},
		{name: "department moderator revoked",
			change: func(ctx context.Context, svc *service.Service, c *cast) error {
				return svc.Revoke(ctx, nil, service.GrantInput{Email: c.deptMod.Email, Role: "moderator", Territory: "d-" + c.commune})
			},
			want: func(c *cast) []*passerelle.User { return []*passerelle.User{c.regionMod, c.communeModAuthor} }},
		{name: "regional moderator disabled",
			change: func(ctx context.Context, svc *service.Service, c *cast) error {
				return svc.DisableUser(ctx, nil, c.regionMod.Email)
			},
			want: func(c *cast) []*passerelle.User { return []*passerelle.User{c.deptMod, c.communeModAuthor} }},
		{name: "one revoked, one disabled",
			change: func(ctx context.Context, svc *service.Service, c *cast) error {
				if err := svc.Revoke(ctx, nil, service.GrantInput{Email: c.communeModAuthor.Email, Role: "moderator", Territory: c.commune}); err != nil {
					return err
				}
				return svc.DisableUser(ctx, nil, c.deptMod.Email)
			},
			want: func(c *cast) []*passerelle.User { return []*passerelle.User{c.regionMod} }},
		{name: "a moderator who is the author is not told", modAuthors: true,
			want: func(c *cast) []*passerelle.User { return []*passerelle.User{c.regionMod, c.deptMod} }},
		{name: "a moderator given the role after the submission is told",
			change: func(ctx context.Context, svc *service.Service, c *cast) error {
				return svc.Grant(ctx, nil, service.GrantInput{Email: c.newcomer.Email, Role: "moderator", Territory: c.commune})
			},
			want: func(c *cast) []*passerelle.User {
				return []*passerelle.User{c.regionMod, c.deptMod, c.communeModAuthor, c.newcomer}
			}},
	}
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := setup(t, dialect)
		svc := b.Service
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := newCast(t, svc, fmt.Sprintf("c%d", i))
				author := c.author
				if tt.modAuthors {
					author = c.communeModAuthor
				}
				p := create(t, b, author, c.commune)
				if _, err := svc.Submit(ctx, author, p.ID); err != nil {
					t.Fatal(err)
				}
				if tt.change != nil {
					if err := tt.change(ctx, svc, c); err != nil {
						t.Fatal(err)
					}
				}
				work(t, b, b.notify, jobs.NotifyEventArgs{EventID: lastEventID(t, b, p.ID)})

				var want []string
				for _, u := range tt.want(c) {
					want = append(want, u.Email)
				}
				slices.Sort(want)
				if got := notified(t, b, p.ID, passerelle.NotifySubmitted); !slices.Equal(got, want) {
					t.Errorf("notified %v, want %v", got, want)
				}
				b.mail.reset()
				for _, e := range jobsOf[jobs.SendEmailArgs](t, b) {
					if n, err := store.GetNotification(ctx, b.DB.Bun, e.Args.NotificationID); err == nil && n.PracticeID == p.ID {
						work(t, b, b.email, e.Args)
					}
				}
				if got := b.mail.to(); !slices.Equal(got, want) {
					t.Errorf("mailed %v, want %v", got, want)
				}
			})
		}
	})
}

// newCast creates the territories and accounts of one case, all named
// after prefix.
func newCast(t *testing.T, svc *service.Service, prefix string) *cast {
	t.Helper()
	ctx := context.Background()
	c := &cast{commune: prefix}
	for _, ter := range []passerelle.Territory{
		{Code: "r-" + prefix, Name: "Région " + prefix, Level: passerelle.LevelRegion},
		{Code: "d-" + prefix, Name: "Département " + prefix, Level: passerelle.LevelDepartment, ParentCode: "r-" + prefix},
		{Code: prefix, Name: "Commune " + prefix, Level: passerelle.LevelCommune, ParentCode: "d-" + prefix},
	} {
		if err := svc.AddTerritory(ctx, nil, ter); err != nil {
			t.Fatal(err)
		}
	}
	user := func(name string, grants ...[2]string) *passerelle.User {
		email := name + "." + prefix + "@example.org"
		u, err := svc.CreateUser(ctx, service.NewUser{Email: email, Name: name, Password: testenv.Password})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range grants {
			if err := svc.Grant(ctx, nil, service.GrantInput{Email: email, Role: g[0], Territory: g[1]}); err != nil {
				t.Fatal(err)
			}
		}
		return u
	}
	c.author = user("author", [2]string{"contributor", prefix})
	c.regionMod = user("region", [2]string{"moderator", "r-" + prefix})
	c.deptMod = user("dept", [2]string{"moderator", "d-" + prefix})
	c.communeModAuthor = user("commune", [2]string{"moderator", prefix}, [2]string{"contributor", prefix})
	c.newcomer = user("newcomer")
	return c
}

// TestDisabledRecipients checks the ends of the chain: a disabled author is
// not told of the decision, and an e-mail queued for an account disabled
// since is not sent.
func TestDisabledRecipients(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := setup(t, dialect)
		svc, w := b.Service, b.w

		// The author is disabled between the decision and its fan-out.
		p := create(t, b, w.MoulinsAuthor, "qpv-moulins")
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Decide(ctx, w.NordMod, p.ID, "reject", "Hors sujet."); err != nil {
			t.Fatal(err)
		}
		if err := svc.DisableUser(ctx, nil, w.MoulinsAuthor.Email); err != nil {
			t.Fatal(err)
		}
		fanOuts := jobsOf[jobs.NotifyEventArgs](t, b)
		if len(fanOuts) != 2 {
			t.Fatalf("%d fan-out jobs, want 2", len(fanOuts))
		}
		work(t, b, b.notify, fanOuts[1].Args)
		if got := notified(t, b, p.ID, passerelle.NotifyRejected); len(got) != 0 {
			t.Errorf("rejection told to %v, want nobody", got)
		}

		// The submission's e-mails are queued, then a moderator is disabled
		// before they go.
		work(t, b, b.notify, fanOuts[0].Args)
		if err := svc.DisableUser(ctx, nil, w.RegionMod.Email); err != nil {
			t.Fatal(err)
		}
		for _, e := range jobsOf[jobs.SendEmailArgs](t, b) {
			work(t, b, b.email, e.Args)
		}
		want := []string{w.ModAuthor.Email, w.NordMod.Email}
		slices.Sort(want)
		if got := b.mail.to(); !slices.Equal(got, want) {
			t.Errorf("mailed %v, want %v", got, want)
		}

		// A job whose notification no longer exists is cancelled, not retried.
		ctx = rivertest.WorkContext(ctx, b.River)
		err := b.email.Work(ctx, &river.Job[jobs.SendEmailArgs]{Args: jobs.SendEmailArgs{NotificationID: 999_999}})
		var cancel *river.JobCancelError
		if !errors.As(err, &cancel) {
			t.Errorf("missing notification: err = %v, want a cancellation", err)
		}
	})
}
