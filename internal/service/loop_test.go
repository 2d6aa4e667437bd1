package service_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestCoreLoop(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
		w := testenv.NewWorld(t, b)
		svc := b.Service

		p, err := svc.CreatePractice(ctx, w.MoulinsAuthor, testenv.CompleteExperience("qpv-moulins", "Forum emploi des Moulins"))
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != passerelle.StatusDraft {
			t.Fatalf("status = %s, want draft", p.Status)
		}
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, p.ID); err != nil {
			t.Fatal(err)
		}

		// The moderators covering the QPV — Lille's, Nord's and the region's,
		// not Pas-de-Calais's, not the author — are told, in-app and by e-mail.
		for _, m := range []*passerelle.User{w.ModAuthor, w.NordMod, w.RegionMod} {
			waitFor(t, "notification to "+m.Email, func() bool {
				items, _, err := svc.Notifications(ctx, m)
				return err == nil && len(items) == 1 && items[0].Type == passerelle.NotifySubmitted
			})
		}
		for _, u := range []*passerelle.User{w.PasMod, w.MoulinsAuthor, w.Reader, w.LilleAuthor} {
			items, _, _ := svc.Notifications(ctx, u)
			if len(items) != 0 {
				t.Errorf("%s got %d notifications, want none", u.Email, len(items))
			}
		}

		// The author cannot decide, nor a moderator elsewhere.
		if _, err := svc.Decide(ctx, w.PasMod, p.ID, "approve", ""); passerelle.ErrorCode(err) != passerelle.ENotFound {
			t.Errorf("Pas-de-Calais moderator: err = %v, want not_found", err)
		}
		published, err := svc.Decide(ctx, w.NordMod, p.ID, "approve", "Bravo")
		if err != nil {
			t.Fatal(err)
		}
		if published.Status != passerelle.StatusPublished || published.PublishedAt == nil {
			t.Fatalf("after approval: %+v", published)
		}
		waitFor(t, "notification to the author", func() bool {
			items, _, err := svc.Notifications(ctx, w.MoulinsAuthor)
			return err == nil && len(items) == 1 && items[0].Type == passerelle.NotifyPublished
		})
		// Three moderators and the author; a retried job rewrites its own
		// file, so a fifth would be a doubled message.
		waitFor(t, "four e-mails in the outbox", func() bool {
			files, _ := filepath.Glob(filepath.Join(b.Outbox, "*.eml"))
			return len(files) == 4
		})
		time.Sleep(500 * time.Millisecond) // let a doubled send show up
		if files, _ := filepath.Glob(filepath.Join(b.Outbox, "*.eml")); len(files) != 4 {
			t.Errorf("%d e-mails in the outbox, want 4", len(files))
		}
		if _, err := os.Stat(b.Outbox); err != nil {
			t.Fatal(err)
		}

		// Readers find it under every territory above it.
		for _, code := range []string{"qpv-moulins", "59350", "59", "32"} {
			res, err := svc.Published(ctx, service.ListQuery{Territory: code}, true)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 1 || res.Items[0].ID != p.ID {
				t.Errorf("territory %s: total %d", code, res.Total)
			}
		}
		res, err := svc.Published(ctx, service.ListQuery{Territory: "62"}, false)
		if err != nil || res.Total != 0 {
			t.Errorf("territory 62: total %d, err %v", res.Total, err)
		}
		// The public sees that it was published; the participants who
		// did it and why.
		hist, err := svc.History(ctx, nil, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 || hist[0].Action != passerelle.ActionApprove || hist[0].Comment != "" || hist[0].ActorName != "" {
			t.Errorf("public history = %+v", hist)
		}
		if hist, err = svc.History(ctx, w.NordMod, p.ID); err != nil {
			t.Fatal(err)
		}
		if len(hist) != 3 || hist[2].Action != passerelle.ActionApprove || hist[2].Comment != "Bravo" || hist[2].ActorName != "Nora Nord" {
			t.Errorf("history = %+v", hist)
		}
	})
}
