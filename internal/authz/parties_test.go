package authz_test

import (
	"context"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestParties checks the predicates of internal/passerelle/parties.go
// against the real policy: who moderates a practice, who takes part in its
// review, who is an administrator — including the author who is also a
// moderator, and accounts disabled since.
func TestParties(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		svc := b.Service
		second, err := svc.CreateUser(ctx, service.NewUser{Email: "second.admin@example.org", Name: "Second Admin", Password: testenv.Password, Admin: true})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := svc.CreateUser(ctx, service.NewUser{Email: "gone.admin@example.org", Name: "Gone Admin", Password: testenv.Password, Admin: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.DisableUser(ctx, nil, gone.Email); err != nil {
			t.Fatal(err)
		}
		gone.DisabledAt = &gone.CreatedAt
		snap, err := b.Authz.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		lille := &passerelle.Practice{AuthorID: w.LilleAuthor.ID, TerritoryCode: "59350"}
		ownLille := &passerelle.Practice{AuthorID: w.ModAuthor.ID, TerritoryCode: "59350"}
		noTerritory := &passerelle.Practice{AuthorID: w.LilleAuthor.ID}

		tests := []struct {
			name                 string
			user                 *passerelle.User
			p                    *passerelle.Practice
			moderates, takesPart bool
		}{
			{name: "anonymous", user: nil, p: lille},
			{name: "reader", user: w.Reader, p: lille},
			{name: "author", user: w.LilleAuthor, p: lille, takesPart: true},
			{name: "other contributor", user: w.RoubaixAuthor, p: lille},
			{name: "department moderator", user: w.NordMod, p: lille, moderates: true, takesPart: true},
			{name: "region moderator", user: w.RegionMod, p: lille, moderates: true, takesPart: true},
			{name: "moderator elsewhere", user: w.PasMod, p: lille},
			{name: "moderator of the territory, on their own practice", user: w.ModAuthor, p: ownLille, takesPart: true},
			{name: "author-moderator on someone else's", user: w.ModAuthor, p: lille, moderates: true, takesPart: true},
			{name: "admin", user: w.Admin, p: lille, moderates: true, takesPart: true},
			{name: "disabled admin", user: gone, p: lille},
			{name: "moderator, draft without territory", user: w.NordMod, p: noTerritory},
			{name: "admin, draft without territory", user: w.Admin, p: noTerritory, takesPart: true},
			{name: "author, draft without territory", user: w.LilleAuthor, p: noTerritory, takesPart: true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := passerelle.Moderates(snap, tt.user, tt.p); got != tt.moderates {
					t.Errorf("Moderates = %v, want %v", got, tt.moderates)
				}
				if got := passerelle.TakesPart(snap, tt.user, tt.p); got != tt.takesPart {
					t.Errorf("TakesPart = %v, want %v", got, tt.takesPart)
				}
			})
		}

		admins := map[*passerelle.User]bool{w.Admin: true, second: true, gone: false, w.NordMod: false, w.Reader: false, nil: false}
		for u, want := range admins {
			if got := u.IsAdmin(); got != want {
				t.Errorf("%v.IsAdmin() = %v, want %v", u, got, want)
			}
			// The Casbin role follows the one definition: an administrator
			// may manage everywhere, nobody else anywhere.
			if got := snap.Can(u, passerelle.PermManage, "32"); got != want {
				t.Errorf("%v may manage = %v, want %v", u, got, want)
			}
		}
	})
}
