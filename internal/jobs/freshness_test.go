package jobs_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
)

// TestFreshness: a sheet published longer ago than the review period gets
// its author asked — in the application and by e-mail, once per period,
// never twice — and reads "à actualiser" (review_due) until someone
// confirms it: its author, or a moderator on their behalf from the desk,
// which lists it. The confirmation is a public event of its history and
// starts a new period; a reader may not confirm, nor anyone a draft.
func TestFreshness(t *testing.T) {
	testEachDialect(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		w, svc := b.w, b.Service
		publish := func(title string) *passerelle.Practice {
			p := create(t, b, w.LilleAuthor, "59350")
			if _, err := svc.UpdatePractice(ctx, w.LilleAuthor, p.ID, servicePracticeTitle(title)); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Decide(ctx, w.NordMod, p.ID, "approve", ""); err != nil {
				t.Fatal(err)
			}
			return p
		}
		old, recent := publish("Ancienne fiche"), publish("Fiche récente")
		now := store.Now()
		if err := store.BackdatePublication(ctx, b.DB.Bun, old.ID, now.AddDate(-2, -1, 0)); err != nil {
			t.Fatal(err)
		}
		period := passerelle.DefaultReviewAfter
		ask := func(at time.Time) int {
			t.Helper()
			n, err := jobs.AskForReviews(ctx, b.deps(), b.River, period, at)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		due := func(id int64) bool {
			t.Helper()
			p, err := store.GetPractice(ctx, b.DB.Bun, id)
			if err != nil {
				t.Fatal(err)
			}
			return p.ReviewDue()
		}

		if n := ask(now); n != 1 || !due(old.ID) || due(recent.ID) {
			t.Fatalf("asked %d; due: old %v, recent %v; want only the old sheet", n, due(old.ID), due(recent.ID))
		}
		if got := notified(t, b, old.ID, passerelle.NotifyReviewDue); !slices.Equal(got, []string{w.LilleAuthor.Email}) {
			t.Errorf("notified %v, want its author", got)
		}
		b.mail.reset()
		for _, e := range jobsOf[jobs.SendEmailArgs](t, b) {
			if n, err := store.GetNotification(ctx, b.DB.Bun, e.Args.NotificationID); err == nil && n.Type == passerelle.NotifyReviewDue {
				work(t, b, b.email, e.Args)
			}
		}
		if got := b.mail.to(); !slices.Equal(got, []string{w.LilleAuthor.Email}) {
			t.Errorf("mailed %v, want its author", got)
		}
		// Never twice in a period, however often the job runs.
		if n := ask(now.Add(time.Hour)); n != 0 {
			t.Errorf("asked again the same period: %d", n)
		}
		if n := ask(now.AddDate(0, 3, 0)); n != 0 {
			t.Errorf("asked again three months later without a confirmation: %d", n)
		}
		if got := notified(t, b, old.ID, passerelle.NotifyReviewDue); len(got) != 1 {
			t.Errorf("%d requests, want 1", len(got))
		}

		// The moderators' desk lists it; a reader may not confirm it, nor
		// anyone a draft.
		d, err := svc.Desk(ctx, w.NordMod)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.ToRefresh) != 1 || d.ToRefresh[0].ID != old.ID {
			t.Errorf("desk to refresh: %v, want the old sheet", d.ToRefresh)
		}
		if _, err := svc.ConfirmCurrent(ctx, w.Reader, old.ID); passerelle.ErrorCode(err) != passerelle.EForbidden {
			t.Errorf("a reader confirms: %v, want forbidden", err)
		}
		if _, err := svc.ConfirmCurrent(ctx, nil, old.ID); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Errorf("anonymous confirms: %v, want unauthenticated", err)
		}
		draft := create(t, b, w.LilleAuthor, "59350")
		if _, err := svc.ConfirmCurrent(ctx, w.LilleAuthor, draft.ID); passerelle.ErrorCode(err) != passerelle.EConflict {
			t.Errorf("a draft confirmed: %v, want conflict", err)
		}

		// A moderator confirms on the author's behalf.
		p, err := svc.ConfirmCurrent(ctx, w.NordMod, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.ReviewDue() || p.VerifiedAt() == nil || p.VerifiedAt().Before(now) {
			t.Errorf("after confirming: due %v, verified %v", p.ReviewDue(), p.VerifiedAt())
		}
		if d, _ = svc.Desk(ctx, w.NordMod); len(d.ToRefresh) != 0 {
			t.Errorf("still on the desk after confirming: %v", d.ToRefresh)
		}
		public, err := svc.History(ctx, nil, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := public[len(public)-1]; last.Action != passerelle.ActionConfirmCurrent || last.ActorName != "" {
			t.Errorf("public history ends with %+v, want the confirmation without its actor", last)
		}
		// A new period starts at the confirmation: not asked again until
		// it has passed.
		if n := ask(now.Add(time.Minute)); n != 0 {
			t.Errorf("asked right after the confirmation: %d", n)
		}
		if _, err := b.DB.Bun.NewRaw("UPDATE practices SET reviewed_at = ?, review_asked_at = ? WHERE id = ?",
			now.AddDate(-2, 0, -1), now.AddDate(-2, -1, 0), old.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if n := ask(store.Now()); n != 1 || !due(old.ID) {
			t.Errorf("a period after the confirmation: asked %d, due %v", n, due(old.ID))
		}
		// The author confirms their own.
		if _, err := svc.ConfirmCurrent(ctx, w.LilleAuthor, old.ID); err != nil || due(old.ID) {
			t.Errorf("the author confirms: %v, due %v", err, due(old.ID))
		}
	})
}

func servicePracticeTitle(title string) service.PracticeInput {
	return service.PracticeInput{Title: &title}
}
