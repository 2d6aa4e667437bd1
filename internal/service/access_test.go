package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// addUser creates an account holding role on territory (no role if empty).
func addUser(t *testing.T, svc *service.Service, email, role, territory string) *passerelle.User {
	t.Helper()
	ctx := context.Background()
	u, err := svc.CreateUser(ctx, service.NewUser{Email: email, Name: email, Password: testenv.Password})
	if err != nil {
		t.Fatal(err)
	}
	if role != "" {
		if err := svc.Grant(ctx, nil, service.GrantInput{Email: email, Role: role, Territory: territory}); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// TestReadAcrossTerritories checks who may read a draft, a submitted and a
// published practice of qpv-moulins — its page, its history and its
// revisions — by where their role sits in the territory tree.
func TestReadAcrossTerritories(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		// A territory below the QPV and a sibling QPV, to look down and
		// sideways from it.
		for _, ter := range []passerelle.Territory{
			{Code: "ilot-moulins", Name: "Îlot des Moulins", Level: passerelle.LevelOther, ParentCode: "qpv-moulins"},
			{Code: "qpv-lille-sud", Name: "Lille Sud", Level: passerelle.LevelQPV, ParentCode: "59350"},
		} {
			if err := svc.AddTerritory(ctx, nil, ter); err != nil {
				t.Fatal(err)
			}
		}

		practices := map[passerelle.Status]*passerelle.Practice{}
		for _, st := range []passerelle.Status{passerelle.StatusDraft, passerelle.StatusSubmitted, passerelle.StatusPublished} {
			practices[st] = drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Fiche "+string(st), st)
		}
		wantRevisions := map[passerelle.Status]int{"draft": 0, "submitted": 1, "published": 1}
		wantEvents := map[passerelle.Status]int{"draft": 1, "submitted": 2, "published": 3}

		tests := []struct {
			name   string
			viewer *passerelle.User
			sees   bool // what is not published
		}{
			{name: "author", viewer: w.MoulinsAuthor, sees: true},
			{name: "moderator, same territory", viewer: addUser(t, svc, "mod.moulins@example.org", "moderator", "qpv-moulins"), sees: true},
			{name: "moderator, parent commune", viewer: w.ModAuthor, sees: true},
			{name: "moderator, department", viewer: w.NordMod, sees: true},
			{name: "moderator, region", viewer: w.RegionMod, sees: true},
			{name: "moderator, descendant", viewer: addUser(t, svc, "mod.ilot@example.org", "moderator", "ilot-moulins")},
			{name: "moderator, sibling QPV", viewer: addUser(t, svc, "mod.sud@example.org", "moderator", "qpv-lille-sud")},
			{name: "moderator, sibling commune", viewer: addUser(t, svc, "mod.roubaix@example.org", "moderator", "59512")},
			{name: "moderator, other department", viewer: w.PasMod},
			{name: "contributor, same territory", viewer: addUser(t, svc, "contrib.moulins@example.org", "contributor", "qpv-moulins")},
			{name: "contributor, parent commune", viewer: w.LilleAuthor},
			{name: "contributor, region", viewer: addUser(t, svc, "contrib.region@example.org", "contributor", "32")},
			{name: "no role", viewer: w.Reader},
			{name: "anonymous", viewer: nil},
			{name: "admin", viewer: w.Admin, sees: true},
		}
		for _, tt := range tests {
			for st, p := range practices {
				t.Run(tt.name+"/"+string(st), func(t *testing.T) {
					t.Parallel()
					want := ""
					if st != passerelle.StatusPublished && !tt.sees {
						want = passerelle.ENotFound
					}
					got, err := svc.Practice(ctx, tt.viewer, p.ID)
					requireCode(t, err, want)
					if want == "" && (got.ID != p.ID || got.Status != st) {
						t.Errorf("Practice = %d %s", got.ID, got.Status)
					}
					// Those who do not take part in the review see the
					// publication only, of the history and of the
					// revisions (passerelle.Visibility).
					wantHist, wantRevs := wantEvents[st], wantRevisions[st]
					if !tt.sees {
						wantHist, wantRevs = 1, 1
					}
					hist, err := svc.History(ctx, tt.viewer, p.ID)
					requireCode(t, err, want)
					if want == "" && len(hist) != wantHist {
						t.Errorf("history has %d entries, want %d", len(hist), wantHist)
					}
					revs, err := svc.Revisions(ctx, tt.viewer, p.ID)
					requireCode(t, err, want)
					if want == "" && len(revs) != wantRevs {
						t.Errorf("%d revisions, want %d", len(revs), wantRevs)
					}
				})
			}
		}
		// What does not exist answers the same as what may not be seen.
		t.Run("missing practice", func(t *testing.T) {
			t.Parallel()
			for _, viewer := range []*passerelle.User{nil, w.Reader, w.Admin} {
				_, err := svc.Practice(ctx, viewer, 999_999)
				requireCode(t, err, passerelle.ENotFound)
				_, err = svc.History(ctx, viewer, 999_999)
				requireCode(t, err, passerelle.ENotFound)
				_, err = svc.Revisions(ctx, viewer, 999_999)
				requireCode(t, err, passerelle.ENotFound)
			}
		})
	})
}

// TestReviewQueue checks whose submissions each moderator sees, and that a
// revoked role or a disabled account closes the queue on the next call.
func TestReviewQueue(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		calaisAuthor := addUser(t, svc, "calais@example.org", "contributor", "62193")

		// Oldest first: Lille, Moulins, Roubaix, Calais; plus what must not
		// be in any queue.
		lille := drive(t, svc, w.LilleAuthor, w.NordMod, "59350", "Lille", passerelle.StatusSubmitted)
		moulins := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Moulins", passerelle.StatusSubmitted)
		roubaix := drive(t, svc, w.RoubaixAuthor, w.NordMod, "59512", "Roubaix", passerelle.StatusSubmitted)
		calais := drive(t, svc, calaisAuthor, w.PasMod, "62193", "Calais", passerelle.StatusSubmitted)
		for _, st := range []passerelle.Status{passerelle.StatusDraft, passerelle.StatusPublished, passerelle.StatusChangesRequested,
			passerelle.StatusRejected, passerelle.StatusWithdrawn, passerelle.StatusArchived} {
			drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Pas en file "+string(st), st)
		}

		tests := []struct {
			name   string
			viewer *passerelle.User
			want   []int64
			code   string
		}{
			{name: "department moderator: Lille, Moulins, Roubaix", viewer: w.NordMod, want: []int64{lille.ID, moulins.ID, roubaix.ID}},
			{name: "other department moderator: Calais only", viewer: w.PasMod, want: []int64{calais.ID}},
			{name: "regional moderator: all", viewer: w.RegionMod, want: []int64{lille.ID, moulins.ID, roubaix.ID, calais.ID}},
			{name: "commune moderator: Lille and the QPV below", viewer: w.ModAuthor, want: []int64{lille.ID, moulins.ID}},
			{name: "admin: all", viewer: w.Admin, want: []int64{lille.ID, moulins.ID, roubaix.ID, calais.ID}},
			{name: "contributor: no queue", viewer: w.LilleAuthor, code: passerelle.EForbidden},
			{name: "reader: no queue", viewer: w.Reader, code: passerelle.EForbidden},
			{name: "anonymous: no queue", viewer: nil, code: passerelle.EUnauthn},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				items, err := svc.ReviewQueue(ctx, tt.viewer)
				requireCode(t, err, tt.code)
				var got []int64
				for _, p := range items {
					got = append(got, p.ID)
					if p.Status != passerelle.StatusSubmitted {
						t.Errorf("%d in the queue is %s", p.ID, p.Status)
					}
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("queue = %v, want %v (oldest first)", got, tt.want)
				}
			})
		}
	})
}

// TestAccessEndsAtOnce checks that a revoked role and a disabled account
// lose the queue and the unpublished practices on the very next call.
func TestAccessEndsAtOnce(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		p := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Moulins", passerelle.StatusSubmitted)
		published := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Publiée", passerelle.StatusPublished)

		tests := []struct {
			name     string
			viewer   *passerelle.User
			takeAway func() error
		}{
			{name: "revoked moderator", viewer: w.NordMod, takeAway: func() error {
				return svc.Revoke(ctx, w.Admin, service.GrantInput{Email: w.NordMod.Email, Role: "moderator", Territory: "59"})
			}},
			{name: "disabled moderator", viewer: w.RegionMod, takeAway: func() error {
				return svc.DisableUser(ctx, w.Admin, w.RegionMod.Email)
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				// Before: the queue, the submission and a decision are open.
				items, err := svc.ReviewQueue(ctx, tt.viewer)
				requireCode(t, err, "")
				if len(items) != 1 || items[0].ID != p.ID {
					t.Fatalf("queue before = %d items", len(items))
				}
				_, err = svc.Practice(ctx, tt.viewer, p.ID)
				requireCode(t, err, "")

				if err := tt.takeAway(); err != nil {
					t.Fatal(err)
				}
				before := storedState(t, b, p.ID)

				_, err = svc.ReviewQueue(ctx, tt.viewer)
				requireCode(t, err, passerelle.EForbidden)
				_, err = svc.Practice(ctx, tt.viewer, p.ID)
				requireCode(t, err, passerelle.ENotFound)
				_, err = svc.History(ctx, tt.viewer, p.ID)
				requireCode(t, err, passerelle.ENotFound)
				_, err = svc.Decide(ctx, tt.viewer, p.ID, "approve", "")
				requireCode(t, err, passerelle.ENotFound)
				_, err = svc.Archive(ctx, tt.viewer, published.ID, "")
				requireCode(t, err, passerelle.EForbidden)
				if after := storedState(t, b, p.ID); after != before {
					t.Errorf("practice changed: %+v → %+v", before, after)
				}
				// What is published stays readable, as for everyone.
				_, err = svc.Practice(ctx, tt.viewer, published.ID)
				requireCode(t, err, "")
			})
		}
		// The others keep their access.
		items, err := svc.ReviewQueue(ctx, w.ModAuthor)
		requireCode(t, err, "")
		if len(items) != 1 {
			t.Errorf("ModAuthor's queue = %d items, want 1", len(items))
		}

		// A revoked contributor can no longer write, even their own draft.
		draft := drive(t, svc, w.RoubaixAuthor, w.NordMod, "59512", "Brouillon", passerelle.StatusDraft)
		if err := svc.Revoke(ctx, nil, service.GrantInput{Email: w.RoubaixAuthor.Email, Role: "contributor", Territory: "59512"}); err != nil {
			t.Fatal(err)
		}
		before := storedState(t, b, draft.ID)
		_, err = svc.UpdatePractice(ctx, w.RoubaixAuthor, draft.ID, service.PracticeInput{Title: ptr("Encore")})
		requireCode(t, err, passerelle.EForbidden)
		_, err = svc.Submit(ctx, w.RoubaixAuthor, draft.ID)
		requireCode(t, err, passerelle.EForbidden)
		_, err = svc.CreatePractice(ctx, w.RoubaixAuthor, testenv.CompleteExperience("59512", "Nouvelle"))
		requireCode(t, err, passerelle.EForbidden)
		if after := storedState(t, b, draft.ID); after != before {
			t.Errorf("draft changed: %+v → %+v", before, after)
		}
	})
}
