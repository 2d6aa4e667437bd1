package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertest"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

func (b *bundle) deps() jobs.Deps {
	return jobs.Deps{DB: b.DB, Authz: b.Authz, Mail: b.mail, BaseURL: b.BaseURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func (r *recorder) all() []*mail.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sent)
}

func subscribe(t *testing.T, b *bundle, u *passerelle.User, in service.SubscriptionInput) {
	t.Helper()
	if _, err := b.Service.Subscribe(context.Background(), u, in); err != nil {
		t.Fatalf("subscribe %s %+v: %v", u.Email, in, err)
	}
}

// publish takes a practice of author on territory through review to
// publication and runs the notify job of the approval, which queues the
// fan-out; it returns the practice and the approval's event id.
func publish(t *testing.T, b *bundle, author, moderator *passerelle.User, territory string) (*passerelle.Practice, int64) {
	t.Helper()
	ctx := context.Background()
	p := create(t, b, author, territory)
	if _, err := b.Service.Submit(ctx, author, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Service.Decide(ctx, moderator, p.ID, "approve", ""); err != nil {
		t.Fatal(err)
	}
	ev := lastEventID(t, b, p.ID)
	work(t, b, b.notify, jobs.NotifyEventArgs{EventID: ev})
	return p, ev
}

// TestFanOutToSubscribers follows a publication: instant subscribers whose
// subscription matches get one in-app notification and one e-mail each, a
// retried or duplicated fan-out doubles nothing, the author, non-matching
// and disabled subscribers get nothing, and the e-mail carries a working
// one-click unsubscribe link.
func TestFanOutToSubscribers(t *testing.T) {
	testEachDialect(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		w := b.w
		fanOut := jobs.NewFanOutWorker(b.deps())
		subscribe(t, b, w.Reader, service.SubscriptionInput{Territory: "59", Frequency: "instant"})
		subscribe(t, b, w.PasMod, service.SubscriptionInput{Theme: "emploi", Kind: "experience", Frequency: "instant"})
		subscribe(t, b, w.RoubaixAuthor, service.SubscriptionInput{Theme: "education", Frequency: "instant"})
		subscribe(t, b, w.RoubaixAuthor, service.SubscriptionInput{Territory: "62", Frequency: "instant"})
		subscribe(t, b, w.LilleAuthor, service.SubscriptionInput{Territory: "32", Frequency: "instant"}) // the author
		subscribe(t, b, w.MoulinsAuthor, service.SubscriptionInput{Territory: "59", Frequency: "instant"})
		subscribe(t, b, w.Admin, service.SubscriptionInput{Territory: "59", Frequency: "daily"})
		if err := b.Service.DisableUser(ctx, nil, w.MoulinsAuthor.Email); err != nil {
			t.Fatal(err)
		}

		p, ev := publish(t, b, w.LilleAuthor, w.NordMod, "59350")
		rivertest.RequireInserted(ctx, t, b.DB.RiverDriver(), &jobs.FanOutArgs{EventID: ev}, nil)
		for range 2 { // a retry
			work(t, b, fanOut, jobs.FanOutArgs{EventID: ev})
		}
		want := []string{w.PasMod.Email, w.Reader.Email}
		if got := notified(t, b, p.ID, passerelle.NotifyNew); !slices.Equal(got, want) {
			t.Fatalf("practice.new to %v, want %v", got, want)
		}
		// One batch of e-mails, queued once although the fan-out ran twice.
		batches := jobsOf[jobs.SendEmailsArgs](t, b)
		if len(batches) != 1 || len(batches[0].Args.NotificationIDs) != 2 {
			t.Fatalf("e-mail batches %+v, want one of two notifications", batches)
		}
		for _, id := range batches[0].Args.NotificationIDs {
			if n, err := store.GetNotification(ctx, b.DB.Bun, id); err != nil || n.Type != passerelle.NotifyNew {
				t.Fatalf("notification %d: %+v %v", id, n, err)
			}
		}
		b.mail.reset()
		for range 2 { // a batch run again sends nothing more
			work(t, b, b.emails, batches[0].Args)
		}
		if got := b.mail.to(); !slices.Equal(got, want) {
			t.Errorf("mailed %v, want %v, once each", got, want)
		}
		var toReader *mail.Message
		for _, m := range b.mail.all() {
			if m.To == w.Reader.Email {
				toReader = m
			}
		}
		if toReader == nil {
			t.Fatalf("no e-mail to the reader: %v", b.mail.to())
		}
		// The test site is http: no one-click unsubscription (RFC 8058
		// wants https; see TestEveryEmailReadsStrictly for an https site).
		if _, ok := toReader.Headers["List-Unsubscribe-Post"]; ok || toReader.Headers["List-Id"] == "" {
			t.Errorf("headers %v", toReader.Headers)
		}
		link := strings.Trim(toReader.Headers["List-Unsubscribe"], "<>")
		if !strings.HasPrefix(link, b.BaseURL+"/unsubscribe?token=") || !strings.Contains(toReader.Text, link) ||
			!strings.Contains(toReader.HTML, "/unsubscribe?token=") || !strings.Contains(toReader.Text, "Forum emploi") {
			t.Errorf("unsubscribe link %q not in the message:\n%s", link, toReader.Text)
		}

		// The link stops these e-mails, and only for its recipient.
		u, _ := url.Parse(link)
		token := u.Query().Get("token")
		for _, bad := range []string{"", "x", token + "x", strings.Replace(token, ".", "x.", 1)} {
			if _, err := b.Service.Unsubscribe(ctx, bad); passerelle.ErrorCode(err) != passerelle.ENotFound {
				t.Errorf("token %q: %v, want not_found", bad, err)
			}
		}
		req, err := b.Service.Unsubscribe(ctx, token)
		if err != nil || req.User.ID != w.Reader.ID || req.Category != passerelle.EmailNewPractices {
			t.Fatalf("unsubscribe: %+v %v", req, err)
		}
		p2, ev2 := publish(t, b, w.LilleAuthor, w.NordMod, "59350")
		work(t, b, fanOut, jobs.FanOutArgs{EventID: ev2})
		b.mail.reset()
		for _, j := range jobsOf[jobs.SendEmailsArgs](t, b) {
			work(t, b, b.emails, j.Args)
		}
		for _, m := range b.mail.all() {
			if m.To == w.Reader.Email && strings.Contains(m.Subject, "Nouvelle fiche") {
				t.Errorf("e-mail after unsubscribing: %s", m.Subject)
			}
		}
		if got := notified(t, b, p2.ID, passerelle.NotifyNew); !slices.Contains(got, w.Reader.Email) {
			t.Errorf("the in-app notification stays: %v", got)
		}
	})
}

// TestDigest: a daily subscriber gets one digest listing what was published
// since their last one, never an item twice, nothing when there is nothing.
func TestDigest(t *testing.T) {
	testEachDialect(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		w := b.w
		sendDigest := jobs.NewSendDigestWorker(b.deps())
		subscribe(t, b, w.Reader, service.SubscriptionInput{Theme: "emploi", Frequency: "daily"})
		subscribe(t, b, w.Reader, service.SubscriptionInput{Territory: "59", Frequency: "daily"}) // overlaps
		subscribe(t, b, w.Admin, service.SubscriptionInput{Territory: "62", Frequency: "daily"})
		subscribe(t, b, w.PasMod, service.SubscriptionInput{Territory: "59", Frequency: "weekly"})

		run := func(f passerelle.Frequency) []int64 {
			t.Helper()
			ids, err := jobs.RunDigest(ctx, b.deps(), b.River, f)
			if err != nil {
				t.Fatal(err)
			}
			return ids
		}
		if ids := run(passerelle.FrequencyDaily); len(ids) != 0 {
			t.Fatalf("digests before any publication: %v", ids)
		}
		p, _ := publish(t, b, w.LilleAuthor, w.NordMod, "59350")
		ids := run(passerelle.FrequencyDaily)
		if len(ids) != 1 {
			t.Fatalf("%d daily digests, want 1 (the reader's)", len(ids))
		}
		if again := run(passerelle.FrequencyDaily); len(again) != 0 {
			t.Fatalf("the same items again: %v", again)
		}
		b.mail.reset()
		for range 2 {
			work(t, b, sendDigest, jobs.SendDigestArgs{DigestID: ids[0]})
		}
		sent := b.mail.all()
		if len(sent) != 1 || sent[0].To != w.Reader.Email {
			t.Fatalf("digest e-mails %v, want the reader's, once (the job ran twice)", b.mail.to())
		}
		if strings.Count(sent[0].Text, jobs.PracticeURL(b.BaseURL, p.ID)) != 1 || sent[0].Headers["List-Unsubscribe"] == "" {
			t.Errorf("digest:\n%s", sent[0].Text)
		}
		if weekly := run(passerelle.FrequencyWeekly); len(weekly) != 1 {
			t.Errorf("%d weekly digests, want 1", len(weekly))
		}
		publish(t, b, w.LilleAuthor, w.NordMod, "59350")
		if ids := run(passerelle.FrequencyDaily); len(ids) != 1 {
			t.Errorf("%d digests after a second publication, want 1", len(ids))
		}
	})
}

// TestSubscriptionRules checks the validation of a subscription.
func TestSubscriptionRules(t *testing.T) {
	testEachDialect(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		tests := []struct {
			name   string
			in     service.SubscriptionInput
			code   string
			fields []string
		}{
			{name: "territory", in: service.SubscriptionInput{Territory: "59", Frequency: "instant"}},
			{name: "combination", in: service.SubscriptionInput{Territory: "59", Theme: "emploi", Kind: "tool", Frequency: "weekly"}},
			{name: "duplicate", in: service.SubscriptionInput{Territory: "59", Frequency: "daily"}, code: passerelle.EConflict},
			{name: "nothing", in: service.SubscriptionInput{Frequency: "daily"}, code: passerelle.EValidation, fields: []string{"territory"}},
			{name: "unknown everything", in: service.SubscriptionInput{Territory: "99", Theme: "x", Kind: "k", Frequency: "hourly"},
				code: passerelle.EValidation, fields: []string{"frequency", "kind", "territory", "theme"}},
		}
		for _, tc := range tests {
			_, err := b.Service.Subscribe(ctx, b.w.Reader, tc.in)
			if passerelle.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.code)
				continue
			}
			if tc.fields != nil {
				var got []string
				for f := range err.(*passerelle.Error).Fields {
					got = append(got, f)
				}
				slices.Sort(got)
				if !slices.Equal(got, tc.fields) {
					t.Errorf("%s: fields %v, want %v", tc.name, got, tc.fields)
				}
			}
		}
		subs, err := b.Service.Subscriptions(ctx, b.w.Reader)
		if err != nil || len(subs) != 2 {
			t.Fatalf("subscriptions %v %v", subs, err)
		}
		if err := b.Service.DeleteSubscription(ctx, b.w.Admin, subs[0].ID); passerelle.ErrorCode(err) != passerelle.ENotFound {
			t.Errorf("deleting someone else's: %v", err)
		}
		if err := b.Service.DeleteSubscription(ctx, b.w.Reader, subs[0].ID); err != nil {
			t.Error(err)
		}
	})
}

// TestDigestSchedule checks the Paris-time schedule, across a change of
// daylight-saving time.
func TestDigestSchedule(t *testing.T) {
	tests := []struct {
		name   string
		after  string
		weekly bool
		want   string
	}{
		{name: "later today", after: "2026-03-02T05:00:00Z", want: "2026-03-02T07:00:00+01:00"},
		{name: "tomorrow", after: "2026-03-02T06:00:00Z", want: "2026-03-03T07:00:00+01:00"},
		{name: "over DST", after: "2026-03-28T07:00:00Z", want: "2026-03-29T07:00:00+02:00"},
		{name: "weekly monday", after: "2026-03-03T07:00:00Z", weekly: true, want: "2026-03-09T07:00:00+01:00"},
	}
	for _, tc := range tests {
		after, _ := time.Parse(time.RFC3339, tc.after)
		want, _ := time.Parse(time.RFC3339, tc.want)
		if got := jobs.NextRun(7, int(time.Monday), tc.weekly, after); !got.Equal(want) {
			t.Errorf("%s: %s, want %s", tc.name, got, want)
		}
	}
}

func testEachDialect(t *testing.T, fn func(t *testing.T, b *bundle)) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) { fn(t, setup(t, dialect)) })
}

// TestFanOutOnRestore follows a practice archived before its publication's
// fan-out ran: that fan-out tells nobody (the practice is not public), and
// its restoring tells the subscribers then; a practice whose publication
// was announced is not announced again when it is restored.
func TestFanOutOnRestore(t *testing.T) {
	testEachDialect(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		w := b.w
		fanOut := jobs.NewFanOutWorker(b.deps())
		subscribe(t, b, w.Reader, service.SubscriptionInput{Territory: "59", Frequency: "instant"})
		restore := func(p *passerelle.Practice) int64 {
			t.Helper()
			if _, err := b.Service.Unarchive(ctx, w.NordMod, p.ID, ""); err != nil {
				t.Fatal(err)
			}
			ev := lastEventID(t, b, p.ID)
			work(t, b, b.notify, jobs.NotifyEventArgs{EventID: ev})
			if !slices.ContainsFunc(jobsOf[jobs.FanOutArgs](t, b), func(j *river.Job[jobs.FanOutArgs]) bool { return j.Args.EventID == ev }) {
				t.Fatalf("restoring queued no fan-out for event %d", ev)
			}
			return ev
		}

		// Archived before the fan-out of its approval ran.
		p, ev := publish(t, b, w.LilleAuthor, w.NordMod, "59350")
		if _, err := b.Service.Archive(ctx, w.NordMod, p.ID, ""); err != nil {
			t.Fatal(err)
		}
		work(t, b, fanOut, jobs.FanOutArgs{EventID: ev})
		if got := notified(t, b, p.ID, passerelle.NotifyNew); len(got) != 0 {
			t.Fatalf("an archived practice announced to %v", got)
		}
		work(t, b, fanOut, jobs.FanOutArgs{EventID: restore(p)})
		if got := notified(t, b, p.ID, passerelle.NotifyNew); !slices.Equal(got, []string{w.Reader.Email}) {
			t.Fatalf("restored practice announced to %v, want the reader", got)
		}

		// Announced, archived, restored: told once.
		p2, ev2 := publish(t, b, w.LilleAuthor, w.NordMod, "59350")
		work(t, b, fanOut, jobs.FanOutArgs{EventID: ev2})
		if _, err := b.Service.Archive(ctx, w.NordMod, p2.ID, ""); err != nil {
			t.Fatal(err)
		}
		work(t, b, fanOut, jobs.FanOutArgs{EventID: restore(p2)})
		if got := notified(t, b, p2.ID, passerelle.NotifyNew); !slices.Equal(got, []string{w.Reader.Email}) {
			t.Fatalf("practice.new to %v, want the reader once", got)
		}
	})
}
