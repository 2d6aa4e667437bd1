package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// fixture is a database with one territory, one theme and two accounts.
type fixture struct {
	db             *store.DB
	author, reader *passerelle.User
}

func newFixture(t *testing.T, dialect string) *fixture {
	t.Helper()
	ctx := context.Background()
	db, _ := testenv.OpenDB(t, dialect)
	f := &fixture{db: db, author: &passerelle.User{Email: "author@example.org", Name: "Autrice"},
		reader: &passerelle.User{Email: "reader@example.org", Name: "Lectrice"}}
	if err := store.InsertTerritory(ctx, db.Bun, passerelle.Territory{Code: "59", Name: "Nord", Level: passerelle.LevelDepartment}); err != nil {
		t.Fatal(err)
	}
	if err := store.InsertTheme(ctx, db.Bun, passerelle.Theme{Slug: "emploi", Name: "Emploi"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*passerelle.User{f.author, f.reader} {
		if err := store.InsertUser(ctx, db.Bun, u, "$argon2id$fake"); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) practice(t *testing.T, status passerelle.Status) *passerelle.Practice {
	t.Helper()
	now := store.Now()
	p := &passerelle.Practice{Kind: passerelle.KindExperience, Title: "Fiche", TerritoryCode: "59", Themes: []string{"emploi"},
		AuthorID: f.author.ID, Status: status, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := store.InsertPractice(context.Background(), f.db.Bun, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMigrateIsIdempotent(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		db, _ := testenv.OpenDB(t, dialect) // migrated once
		applied, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second run applied %v", applied)
		}
	})
}

// TestMovePractice checks the guard that makes of two racing moves exactly
// one win, and the dates a move sets.
func TestMovePractice(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newFixture(t, dialect)

		t.Run("stale version or state loses", func(t *testing.T) {
			p := f.practice(t, passerelle.StatusDraft)
			stale := *p
			stale.Version = p.Version + 1
			wrongState := *p
			wrongState.Status = passerelle.StatusChangesRequested
			for name, q := range map[string]*passerelle.Practice{"stale version": &stale, "wrong state": &wrongState} {
				ok, err := store.MovePractice(ctx, f.db.Bun, q, passerelle.StatusSubmitted, store.Now())
				if err != nil || ok {
					t.Errorf("%s: ok = %v, err = %v; want a refusal", name, ok, err)
				}
			}
			got, _ := store.GetPractice(ctx, f.db.Bun, p.ID)
			if got.Status != passerelle.StatusDraft || got.Version != 1 {
				t.Errorf("after refusals: %s v%d", got.Status, got.Version)
			}
		})

		t.Run("racing moves: one wins", func(t *testing.T) {
			p := f.practice(t, passerelle.StatusSubmitted)
			const racers = 8
			wins := make([]bool, racers)
			var wg sync.WaitGroup
			for i := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					q := *p
					err := f.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
						var err error
						wins[i], err = store.MovePractice(ctx, tx, &q, passerelle.StatusPublished, store.Now())
						return err
					})
					if err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			n := 0
			for _, w := range wins {
				if w {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d winners, want 1", n)
			}
		})

		t.Run("dates", func(t *testing.T) {
			p := f.practice(t, passerelle.StatusDraft)
			step := func(to passerelle.Status) *passerelle.Practice {
				t.Helper()
				at := store.Now()
				if ok, err := store.MovePractice(ctx, f.db.Bun, p, to, at); err != nil || !ok {
					t.Fatalf("move to %s: %v %v", to, ok, err)
				}
				var err error
				if p, err = store.GetPractice(ctx, f.db.Bun, p.ID); err != nil {
					t.Fatal(err)
				}
				if !p.UpdatedAt.Equal(at) {
					t.Errorf("updated_at %v, want %v", p.UpdatedAt, at)
				}
				return p
			}
			submitted := step(passerelle.StatusSubmitted)
			if submitted.SubmittedAt == nil || submitted.Revision != 1 || submitted.Version != 2 {
				t.Errorf("after submission: %+v", submitted)
			}
			published := step(passerelle.StatusPublished)
			if published.PublishedAt == nil {
				t.Fatal("no publication date")
			}
			first := *published.PublishedAt
			time.Sleep(2 * time.Millisecond)
			step(passerelle.StatusArchived)
			again := step(passerelle.StatusPublished)
			if again.PublishedAt == nil || !again.PublishedAt.Equal(first) {
				t.Errorf("unarchived: published_at %v, want the first publication %v", again.PublishedAt, first)
			}
			if again.Version != 5 || again.Revision != 1 {
				t.Errorf("version %d revision %d, want 5 and 1", again.Version, again.Revision)
			}
		})
	})
}

func TestUpdatePracticeContent(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newFixture(t, dialect)
		tests := []struct {
			name     string
			status   passerelle.Status
			expected int
			ok       bool
		}{
			{name: "draft at its version", status: passerelle.StatusDraft, expected: 1, ok: true},
			{name: "sent back at its version", status: passerelle.StatusChangesRequested, expected: 1, ok: true},
			{name: "stale version", status: passerelle.StatusDraft, expected: 0},
			{name: "submitted", status: passerelle.StatusSubmitted, expected: 1},
			{name: "published", status: passerelle.StatusPublished, expected: 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := f.practice(t, tt.status)
				edit := *p
				edit.Title, edit.Themes = "Nouveau titre", []string{}
				ok, err := store.UpdatePracticeContent(ctx, f.db.Bun, &edit, tt.expected)
				if err != nil || ok != tt.ok {
					t.Fatalf("ok = %v, err = %v; want %v", ok, err, tt.ok)
				}
				got, _ := store.GetPractice(ctx, f.db.Bun, p.ID)
				if tt.ok && (got.Title != "Nouveau titre" || got.Version != 2 || len(got.Themes) != 0 || edit.Version != 2) {
					t.Errorf("after the edit: %q v%d themes %v", got.Title, got.Version, got.Themes)
				}
				if !tt.ok && (got.Title != "Fiche" || got.Version != 1 || len(got.Themes) != 1) {
					t.Errorf("a refused edit wrote: %q v%d themes %v", got.Title, got.Version, got.Themes)
				}
			})
		}
	})
}

func TestInsertNotificationIsIdempotent(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newFixture(t, dialect)
		p := f.practice(t, passerelle.StatusSubmitted)
		ev := &passerelle.Event{PracticeID: p.ID, At: store.Now(), ActorID: f.author.ID, Action: passerelle.ActionSubmit,
			From: passerelle.StatusDraft, To: passerelle.StatusSubmitted}
		if err := store.InsertEvent(ctx, f.db.Bun, ev); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i, want := range []bool{true, false, false} {
			n := &passerelle.Notification{UserID: f.reader.ID, Type: passerelle.NotifySubmitted, PracticeID: p.ID, EventID: ev.ID,
				Message: "message " + string(rune('a'+i))}
			inserted, err := store.InsertNotification(ctx, f.db.Bun, n)
			if err != nil || inserted != want {
				t.Fatalf("insert %d: inserted = %v, err = %v; want %v", i, inserted, err, want)
			}
			if n.Message != "message a" || n.ID == 0 {
				t.Errorf("insert %d returned %+v, want the first one", i, n)
			}
			ids = append(ids, n.ID)
		}
		if ids[0] != ids[1] || ids[1] != ids[2] {
			t.Errorf("ids %v, want the same notification", ids)
		}
		// Another recipient of the same event gets their own.
		other := &passerelle.Notification{UserID: f.author.ID, Type: passerelle.NotifySubmitted, PracticeID: p.ID, EventID: ev.ID}
		if inserted, err := store.InsertNotification(ctx, f.db.Bun, other); err != nil || !inserted || other.ID == ids[0] {
			t.Errorf("second recipient: inserted = %v, err = %v, id %d", inserted, err, other.ID)
		}
		items, unread, err := store.ListNotifications(ctx, f.db.Bun, f.reader.ID, 10)
		if err != nil || len(items) != 1 || unread != 1 {
			t.Errorf("reader has %d notifications, %d unread (err %v)", len(items), unread, err)
		}
		if err := store.MarkNotificationsRead(ctx, f.db.Bun, f.reader.ID, nil); err != nil {
			t.Fatal(err)
		}
		if n, _ := store.UnreadCount(ctx, f.db.Bun, f.reader.ID); n != 0 {
			t.Errorf("%d unread after marking all read", n)
		}
		if n, _ := store.UnreadCount(ctx, f.db.Bun, f.author.ID); n != 1 {
			t.Errorf("marking the reader's read touched the author's: %d unread", n)
		}
	})
}

func TestConstraints(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newFixture(t, dialect)
		p := f.practice(t, passerelle.StatusDraft)

		tests := []struct {
			name   string
			do     func() error
			code   string
			unique bool
			fk     bool
		}{
			{name: "duplicate e-mail", code: passerelle.EConflict, do: func() error {
				return store.InsertUser(ctx, f.db.Bun, &passerelle.User{Email: f.reader.Email, Name: "Copie"}, "x")
			}},
			{name: "duplicate territory", code: passerelle.EConflict, do: func() error {
				return store.InsertTerritory(ctx, f.db.Bun, passerelle.Territory{Code: "59", Name: "Nord bis", Level: passerelle.LevelDepartment})
			}},
			{name: "duplicate theme", code: passerelle.EConflict, do: func() error {
				return store.InsertTheme(ctx, f.db.Bun, passerelle.Theme{Slug: "emploi", Name: "Emploi bis"})
			}},
			{name: "unknown theme on a practice", fk: true, do: func() error {
				return store.SetPracticeThemes(ctx, f.db.Bun, p.ID, []string{"sport"})
			}},
			{name: "unknown parent territory", fk: true, do: func() error {
				return store.InsertTerritory(ctx, f.db.Bun, passerelle.Territory{Code: "59350", Name: "Lille", Level: passerelle.LevelCommune, ParentCode: "nowhere"})
			}},
			{name: "same revision twice", unique: true, do: func() error {
				rev := passerelle.Revision{PracticeID: p.ID, Number: 1, Practice: *p, SubmittedAt: store.Now(), SubmittedBy: f.author.ID}
				if err := store.InsertRevision(ctx, f.db.Bun, rev); err != nil {
					return fmt.Errorf("the first revision: %w", err)
				}
				return store.InsertRevision(ctx, f.db.Bun, rev)
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.do()
				if err == nil {
					t.Fatal("no error")
				}
				if tt.code != "" && passerelle.ErrorCode(err) != tt.code {
					t.Errorf("err = %v, want %s", err, tt.code)
				}
				if tt.unique && !store.IsUniqueViolation(err) {
					t.Errorf("IsUniqueViolation(%v) = false", err)
				}
				if tt.fk && !store.IsForeignKeyViolation(err) {
					t.Errorf("IsForeignKeyViolation(%v) = false", err)
				}
			})
		}
	})
}

func TestGrants(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newFixture(t, dialect)
		g := passerelle.Grant{UserID: f.reader.ID, Role: passerelle.RoleModerator, Territory: "59"}
		for i, want := range []bool{true, false} {
			if ok, err := store.InsertGrant(ctx, f.db.Bun, g); err != nil || ok != want {
				t.Errorf("grant %d: ok = %v, err = %v; want %v", i, ok, err, want)
			}
		}
		mods, err := store.UsersWithRoleOn(ctx, f.db.Bun, passerelle.RoleModerator, []string{"59"})
		if err != nil || len(mods) != 1 || mods[0].ID != f.reader.ID {
			t.Errorf("moderators on 59: %v (err %v)", mods, err)
		}
		if mods, _ := store.UsersWithRoleOn(ctx, f.db.Bun, passerelle.RoleContributor, []string{"59"}); len(mods) != 0 {
			t.Errorf("contributors on 59: %v", mods)
		}
		if mods, _ := store.UsersWithRoleOn(ctx, f.db.Bun, passerelle.RoleModerator, nil); len(mods) != 0 {
			t.Errorf("moderators nowhere: %v", mods)
		}

		// A disabled account's grants stop counting, without being deleted.
		if err := store.DisableUser(ctx, f.db.Bun, f.reader.ID); err != nil {
			t.Fatal(err)
		}
		if grants, _ := store.ListGrants(ctx, f.db.Bun); len(grants) != 0 {
			t.Errorf("grants of enabled accounts: %v", grants)
		}
		if mods, _ := store.UsersWithRoleOn(ctx, f.db.Bun, passerelle.RoleModerator, []string{"59"}); len(mods) != 0 {
			t.Errorf("disabled moderator still listed: %v", mods)
		}
		if grants, _ := store.GrantsOfUser(ctx, f.db.Bun, f.reader.ID); len(grants) != 1 {
			t.Errorf("the grant itself: %v", grants)
		}
		for i, want := range []bool{true, false} {
			if ok, err := store.DeleteGrant(ctx, f.db.Bun, g); err != nil || ok != want {
				t.Errorf("revoke %d: ok = %v, err = %v; want %v", i, ok, err, want)
			}
		}
	})
}

// TestTimes checks that a time goes in and comes out the same on both
// databases: UTC, to the microsecond.
func TestTimes(t *testing.T) {
	now := store.Now()
	if now.Location() != time.UTC || now.Nanosecond()%1000 != 0 {
		t.Errorf("Now() = %v, want UTC to the microsecond", now)
	}
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newFixture(t, dialect)
		p := f.practice(t, passerelle.StatusDraft)
		got, err := store.GetPractice(ctx, f.db.Bun, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The same instant; the drivers may hand it back in another zone.
		if !got.CreatedAt.Equal(p.CreatedAt) {
			t.Errorf("created_at %v, stored %v", got.CreatedAt, p.CreatedAt)
		}
	})
}
