package service_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

func ptr[T any](v T) *T { return &v }

// requireCode fails the test unless err carries code ("" for success).
func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := passerelle.ErrorCode(err); got != code {
		if code == "" {
			t.Fatalf("err = %v, want success", err)
		}
		t.Fatalf("err = %v, want %s", err, code)
	}
}

// requireFields fails the test unless err is a validation_failed error naming
// exactly the fields of want.
func requireFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	requireCodeFields(t, err, passerelle.EValidation, want)
}

// requireCodeFields fails the test unless err carries code and names exactly
// the fields of want.
func requireCodeFields(t *testing.T, err error, code string, want map[string]string) {
	t.Helper()
	requireCode(t, err, code)
	if got := err.(*passerelle.Error).Fields; !maps.Equal(got, want) {
		t.Fatalf("fields = %v, want %v", got, want)
	}
}

// stored is what a refused call must leave untouched, read from the database
// behind the service's back.
type stored struct {
	Status    passerelle.Status `bun:"status"`
	Version   int               `bun:"version"`
	Revision  int               `bun:"revision"`
	Title     string            `bun:"title"`
	UpdatedAt time.Time         `bun:"updated_at"`
	Events    int               `bun:"events"`
	Revisions int               `bun:"revisions"`
}

func storedState(t *testing.T, b *testenv.Bundle, id int64) stored {
	t.Helper()
	var st stored
	err := b.DB.Bun.NewSelect().TableExpr("practices AS p").
		ColumnExpr("p.status, p.version, p.revision, p.title, p.updated_at").
		ColumnExpr("(SELECT count(*) FROM practice_events AS e WHERE e.practice_id = p.id) AS events").
		ColumnExpr("(SELECT count(*) FROM practice_revisions AS r WHERE r.practice_id = p.id) AS revisions").
		Where("p.id = ?", id).Scan(context.Background(), &st)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// lastEvent returns the latest entry of a practice's history.
func lastEvent(t *testing.T, b *testenv.Bundle, id int64) passerelle.Event {
	t.Helper()
	events, err := store.ListEvents(context.Background(), b.DB.Bun, id)
	if err != nil || len(events) == 0 {
		t.Fatalf("history of %d: %v, %v", id, events, err)
	}
	return events[len(events)-1]
}

// drive creates a complete experience report by author on territory and
// moves it to status through the real workflow, moderator deciding.
func drive(t *testing.T, svc *service.Service, author, moderator *passerelle.User, territory, title string, status passerelle.Status) *passerelle.Practice {
	t.Helper()
	ctx := context.Background()
	p, err := svc.CreatePractice(ctx, author, testenv.CompleteExperience(territory, title))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	steps := map[passerelle.Status][]func() (*passerelle.Practice, error){
		passerelle.StatusDraft:     nil,
		passerelle.StatusSubmitted: {func() (*passerelle.Practice, error) { return svc.Submit(ctx, author, p.ID) }},
		passerelle.StatusChangesRequested: {
			func() (*passerelle.Practice, error) { return svc.Submit(ctx, author, p.ID) },
			func() (*passerelle.Practice, error) {
				return svc.Decide(ctx, moderator, p.ID, "request_changes", "Précisez les résultats.")
			},
		},
		passerelle.StatusPublished: {
			func() (*passerelle.Practice, error) { return svc.Submit(ctx, author, p.ID) },
			func() (*passerelle.Practice, error) { return svc.Decide(ctx, moderator, p.ID, "approve", "") },
		},
		passerelle.StatusRejected: {
			func() (*passerelle.Practice, error) { return svc.Submit(ctx, author, p.ID) },
			func() (*passerelle.Practice, error) { return svc.Decide(ctx, moderator, p.ID, "reject", "Hors sujet.") },
		},
		passerelle.StatusWithdrawn: {
			func() (*passerelle.Practice, error) { return svc.Submit(ctx, author, p.ID) },
			func() (*passerelle.Practice, error) { return svc.Withdraw(ctx, author, p.ID) },
		},
		passerelle.StatusArchived: {
			func() (*passerelle.Practice, error) { return svc.Submit(ctx, author, p.ID) },
			func() (*passerelle.Practice, error) { return svc.Decide(ctx, moderator, p.ID, "approve", "") },
			func() (*passerelle.Practice, error) { return svc.Archive(ctx, moderator, p.ID, "Obsolète.") },
		},
	}
	path, ok := steps[status]
	if !ok {
		t.Fatalf("no way to reach %s", status)
	}
	for _, step := range path {
		if p, err = step(); err != nil {
			t.Fatalf("driving to %s: %v", status, err)
		}
	}
	if p.Status != status {
		t.Fatalf("drove to %s, got %s", status, p.Status)
	}
	return p
}

// waitJobsIdle waits until River has nothing left to run: every job is
// completed, cancelled or discarded.
func waitJobsIdle(t *testing.T, b *testenv.Bundle) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := b.DB.Bun.NewSelect().Table("river_job").
			Where("state NOT IN ('completed', 'cancelled', 'discarded')").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d River jobs still pending", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// notificationsOf returns the notifications of user about one practice, by
// type.
func notificationsOf(t *testing.T, svc *service.Service, user *passerelle.User, practiceID int64) map[string]int {
	t.Helper()
	items, _, err := svc.Notifications(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, n := range items {
		if n.PracticeID == practiceID {
			out[n.Type]++
		}
	}
	return out
}
