package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// SettleBefore must not return while a transaction that was running when it
// was called can still make a history entry appear: a digest moving its
// watermark past that entry would skip a publication for good.
func TestSettleBeforeWaitsForRunningTransactions(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		if dialect != store.Postgres {
			t.Skip("SQLite serialises writers on one connection: nothing to wait for")
		}
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		p, err := b.Service.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Atelier"))
		if err != nil {
			t.Fatal(err)
		}
		tx, err := b.DB.Bun.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck // committed below
		if err := store.InsertEvent(ctx, tx, &passerelle.Event{PracticeID: p.ID, At: store.Now(), ActorID: w.NordMod.ID,
			Action: passerelle.ActionApprove, From: passerelle.StatusSubmitted, To: passerelle.StatusPublished}); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- store.SettleBefore(ctx, b.DB) }()
		select {
		case err := <-done:
			t.Fatalf("SettleBefore returned (%v) while a writer was still running", err)
		case <-time.After(300 * time.Millisecond):
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("SettleBefore did not return after the writer committed")
		}
	})
}
