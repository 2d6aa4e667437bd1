package authz_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

var everyTerritory = []string{"32", "59", "62", "59350", "59512", "62193", "qpv-moulins"}

var everyPermission = []passerelle.Permission{
	passerelle.PermCreatePractice, passerelle.PermEditPractice, passerelle.PermReadUnpublished,
	passerelle.PermDecide, passerelle.PermArchive, passerelle.PermReadQueue, passerelle.PermManage,
}

var (
	contributorPerms = []passerelle.Permission{passerelle.PermCreatePractice, passerelle.PermEditPractice}
	moderatorPerms   = []passerelle.Permission{passerelle.PermReadUnpublished, passerelle.PermDecide,
		passerelle.PermArchive, passerelle.PermReadQueue}
)

// TestCan checks the whole matrix of who may do what where, in World: a role
// holds on its territory and everything below it, and nowhere else.
func TestCan(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		snap, err := b.Authz.Refresh(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		below := func(scope string) []string { return snap.Tree().Subtree(scope) }

		tests := []struct {
			name  string
			user  *passerelle.User
			where map[passerelle.Permission][]string // territories where each permission holds
		}{
			{name: "anonymous", user: nil},
			{name: "reader", user: w.Reader},
			{name: "admin", user: w.Admin, where: func() map[passerelle.Permission][]string {
				m := map[passerelle.Permission][]string{}
				for _, p := range everyPermission {
					m[p] = everyTerritory
				}
				return m
			}()},
			{name: "regional moderator", user: w.RegionMod, where: grantOf(moderatorPerms, below("32"))},
			{name: "department moderator", user: w.NordMod, where: grantOf(moderatorPerms, below("59"))},
			{name: "other department moderator", user: w.PasMod, where: grantOf(moderatorPerms, below("62"))},
			{name: "commune contributor", user: w.LilleAuthor, where: grantOf(contributorPerms, below("59350"))},
			{name: "QPV contributor", user: w.MoulinsAuthor, where: grantOf(contributorPerms, []string{"qpv-moulins"})},
			{name: "contributor and moderator", user: w.ModAuthor,
				where: grantOf(append(slices.Clone(contributorPerms), moderatorPerms...), below("59350"))},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				for _, perm := range everyPermission {
					for _, ter := range everyTerritory {
						want := slices.Contains(tt.where[perm], ter)
						if got := snap.Can(tt.user, perm, ter); got != want {
							t.Errorf("Can(%s, %s) = %v, want %v", perm, ter, got, want)
						}
					}
					if snap.Can(tt.user, perm, "unknown-territory") {
						t.Errorf("Can(%s, unknown territory) = true", perm)
					}
					if got, want := snap.CanAnywhere(tt.user, perm), len(tt.where[perm]) > 0; got != want {
						t.Errorf("CanAnywhere(%s) = %v, want %v", perm, got, want)
					}
				}
			})
		}
	})
}

func grantOf(perms []passerelle.Permission, territories []string) map[passerelle.Permission][]string {
	m := map[passerelle.Permission][]string{}
	for _, p := range perms {
		m[p] = territories
	}
	return m
}

// TestScopes checks the territories each user may act on, each with
// everything below it, as the review queue uses them.
func TestScopes(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		// A second grant inside the first must not list anything twice.
		if err := b.Service.Grant(ctx, nil, service.GrantInput{Email: w.NordMod.Email, Role: "moderator", Territory: "59350"}); err != nil {
			t.Fatal(err)
		}
		snap, err := b.Authz.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		tests := []struct {
			name string
			user *passerelle.User
			perm passerelle.Permission
			want []string
		}{
			{name: "department moderator's queue", user: w.NordMod, perm: passerelle.PermReadQueue,
				want: []string{"59", "59350", "59512", "qpv-moulins"}},
			{name: "regional moderator's queue", user: w.RegionMod, perm: passerelle.PermReadQueue, want: everyTerritory},
			{name: "commune moderator's queue", user: w.ModAuthor, perm: passerelle.PermReadQueue, want: []string{"59350", "qpv-moulins"}},
			{name: "contributor's queue", user: w.LilleAuthor, perm: passerelle.PermReadQueue},
			{name: "contributor's writing", user: w.LilleAuthor, perm: passerelle.PermCreatePractice, want: []string{"59350", "qpv-moulins"}},
			{name: "moderator's writing", user: w.NordMod, perm: passerelle.PermCreatePractice},
			{name: "admin", user: w.Admin, perm: passerelle.PermReadQueue, want: everyTerritory},
			{name: "reader", user: w.Reader, perm: passerelle.PermReadQueue},
			{name: "anonymous", user: nil, perm: passerelle.PermReadQueue},
			{name: "a user marked disabled", user: &passerelle.User{ID: w.NordMod.ID, DisabledAt: &now}, perm: passerelle.PermReadQueue},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				got := snap.Scopes(tt.user, tt.perm)
				slices.Sort(got)
				want := slices.Clone(tt.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("Scopes = %v, want %v", got, want)
				}
			})
		}
	})
}

// TestRefresh checks that a change made anywhere — this process, another
// one, the command line — is seen on the next Refresh, and that snapshots
// already handed out do not change under their holders.
func TestRefresh(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		// Another process: its own authorizer on the same database.
		other, err := authz.New(ctx, b.DB)
		if err != nil {
			t.Fatal(err)
		}
		old, err := other.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		again, err := other.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if again != old {
			t.Error("Refresh reloaded although nothing changed")
		}

		tests := []struct {
			name   string
			change func() error
			check  func(s *authz.Snapshot) bool // holds after the change
		}{
			{name: "grant", change: func() error {
				return svc.Grant(ctx, nil, service.GrantInput{Email: w.Reader.Email, Role: "moderator", Territory: "62"})
			}, check: func(s *authz.Snapshot) bool { return s.Can(w.Reader, passerelle.PermDecide, "62193") }},
			{name: "revoke", change: func() error {
				return svc.Revoke(ctx, nil, service.GrantInput{Email: w.NordMod.Email, Role: "moderator", Territory: "59"})
			}, check: func(s *authz.Snapshot) bool { return !s.Can(w.NordMod, passerelle.PermDecide, "59350") }},
			{name: "disable", change: func() error {
				return svc.DisableUser(ctx, nil, w.LilleAuthor.Email)
			}, check: func(s *authz.Snapshot) bool {
				return !s.Can(w.LilleAuthor, passerelle.PermCreatePractice, "59350") && len(s.Grants(w.LilleAuthor.ID)) == 0
			}},
			{name: "disable an admin", change: func() error {
				// Never the last one: another administrator first.
				if _, err := svc.CreateUser(ctx, service.NewUser{Email: "admin2@example.org", Name: "Second Admin",
					Password: testenv.Password, Admin: true}); err != nil {
					return err
				}
				return svc.DisableUser(ctx, nil, w.Admin.Email)
			}, check: func(s *authz.Snapshot) bool { return !s.Can(w.Admin, passerelle.PermManage, "32") }},
			{name: "new territory", change: func() error {
				return svc.AddTerritory(ctx, nil, passerelle.Territory{Code: "59599", Name: "Tourcoing", Level: passerelle.LevelCommune, ParentCode: "59"})
			}, check: func(s *authz.Snapshot) bool {
				return s.Tree().Get("59599") != nil && s.Can(w.RegionMod, passerelle.PermDecide, "59599")
			}},
			{name: "new theme", change: func() error {
				return svc.AddTheme(ctx, nil, passerelle.Theme{Slug: "sante", Name: "Santé"})
			}, check: func(s *authz.Snapshot) bool { return s.Theme("sante") != nil }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := other.Current()
				if tt.check(before) {
					t.Fatal("holds before the change")
				}
				if err := tt.change(); err != nil {
					t.Fatal(err)
				}
				after, err := other.Refresh(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !tt.check(after) {
					t.Error("the other process does not see the change on its next Refresh")
				}
				if tt.check(before) {
					t.Error("a snapshot already handed out changed")
				}
				if other.Current() != after {
					t.Error("Current is not the latest snapshot")
				}
			})
		}
	})
}

// TestSnapshotDirectory checks the tree and themes a snapshot carries.
func TestSnapshotDirectory(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		snap, err := b.Authz.Refresh(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if snap.Tree().Len() != len(everyTerritory) || !slices.Equal(snap.Tree().Roots(), []string{"32"}) {
			t.Errorf("tree: %d territories, roots %v", snap.Tree().Len(), snap.Tree().Roots())
		}
		var slugs []string
		for _, th := range snap.Themes() {
			slugs = append(slugs, th.Slug)
		}
		// By name: Éducation sorts with the E.
		if want := []string{"education", "emploi", "lutte-contre-les-discriminations"}; !slices.Equal(slugs, want) {
			t.Errorf("themes = %v, want %v", slugs, want)
		}
		if snap.Theme("emploi") == nil || snap.Theme("sport") != nil {
			t.Error("Theme lookup")
		}
		grants := snap.Grants(w.ModAuthor.ID)
		if len(grants) != 2 {
			t.Errorf("ModAuthor's grants = %v", grants)
		}
		if len(snap.Grants(w.Admin.ID)) != 0 || len(snap.Grants(w.Reader.ID)) != 0 {
			t.Error("admin and reader hold no grant")
		}
	})
}
