package jobs_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/jobs"
)

// TestReviewReminders: a submission waiting more than N days reminds the
// closest moderators, after 2N days the moderators above them too, once a
// day however often the job runs; the author is never reminded.
func TestReviewReminders(t *testing.T) {
	testEachDialect(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		w := b.w
		p := create(t, b, w.LilleAuthor, "59350")
		if _, err := b.Service.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		submitted := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		if _, err := b.DB.Bun.NewRaw("UPDATE practices SET submitted_at = ? WHERE id = ?", submitted, p.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		remind := func(at time.Time) map[int][]int64 {
			t.Helper()
			if _, err := jobs.QueueReminders(ctx, b.deps(), b.River, 7, at); err != nil {
				t.Fatal(err)
			}
			out := map[int][]int64{}
			for _, j := range jobsOf[jobs.SendReminderArgs](t, b) {
				out[j.Args.Level] = append(out[j.Args.Level], j.Args.UserID)
			}
			for _, ids := range out {
				slices.Sort(ids)
			}
			return out
		}
		day := 24 * time.Hour
		tests := []struct {
			name           string
			at             time.Time
			level1, level2 []int64
		}{
			{name: "after 6 days", at: submitted.Add(6 * day)},
			{name: "after 8 days", at: submitted.Add(8 * day), level1: []int64{w.ModAuthor.ID}},
			{name: "again the same day", at: submitted.Add(8*day + time.Hour), level1: []int64{w.ModAuthor.ID}},
			{name: "after 15 days", at: submitted.Add(15 * day), level1: []int64{w.ModAuthor.ID, w.ModAuthor.ID},
				level2: sorted(w.NordMod.ID, w.RegionMod.ID)},
		}
		for _, tc := range tests {
			got := remind(tc.at)
			if !slices.Equal(got[1], tc.level1) || !slices.Equal(got[2], tc.level2) {
				t.Errorf("%s: reminders %v, want level 1 %v, level 2 %v", tc.name, got, tc.level1, tc.level2)
			}
		}
		b.mail.reset()
		send := jobs.NewSendReminderWorker(b.deps())
		for _, j := range jobsOf[jobs.SendReminderArgs](t, b) {
			work(t, b, send, j.Args)
		}
		if got := b.mail.to(); !slices.Contains(got, w.NordMod.Email) || slices.Contains(got, w.LilleAuthor.Email) {
			t.Errorf("reminders sent to %v", got)
		}
		// Decided since: nothing more is sent.
		if _, err := b.Service.Decide(ctx, w.NordMod, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		b.mail.reset()
		work(t, b, send, jobs.SendReminderArgs{PracticeID: p.ID, UserID: w.NordMod.ID, Day: "x", Level: 2})
		if len(b.mail.to()) != 0 {
			t.Errorf("reminder about a decided practice: %v", b.mail.to())
		}
	})
}

func sorted(ids ...int64) []int64 { slices.Sort(ids); return ids }
