package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestFigures: the figures of a moderator cover their territories only —
// submissions and publications this month, the median wait of the
// decisions per department, the published practices per theme and per
// territory level; an administrator's cover everything; a reader gets none.
func TestFigures(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc, ctx := b.Service, context.Background()
		lille := rvDraft(t, svc, w.LilleAuthor, "59350")
		calais, err := svc.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Deuxième"))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{lille.ID, calais.ID} {
			if _, err := svc.Submit(ctx, w.LilleAuthor, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.Decide(ctx, w.NordMod, lille.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Decide(ctx, w.NordMod, calais.ID, "request_changes", "Des chiffres ?"); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		f, err := svc.Figures(ctx, w.NordMod, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Months) != 12 || f.Submitted[11] != 2 || f.Published[11] != 1 || f.Submitted[0] != 0 {
			t.Errorf("per month: submitted %v, published %v", f.Submitted, f.Published)
		}
		if len(f.Waiting) != 1 || f.Waiting[0].Territory.Code != "59" || f.Waiting[0].Decisions != 2 || f.Waiting[0].Median < 0 {
			t.Errorf("waiting %+v, want the Nord's two decisions", f.Waiting)
		}
		if len(f.PerTheme) != 1 || f.PerTheme[0].Key != "emploi" || f.PerTheme[0].N != 1 || f.PerTheme[0].Name != "Emploi" {
			t.Errorf("per theme %+v", f.PerTheme)
		}
		if len(f.PerLevel) != 1 || f.PerLevel[0].Key != string(passerelle.LevelCommune) || f.PerLevel[0].N != 1 {
			t.Errorf("per level %+v", f.PerLevel)
		}
		// Pas-de-Calais sees none of it; the administrator all of it.
		if f, err := svc.Figures(ctx, w.PasMod, now); err != nil || f.Submitted[11] != 0 || len(f.PerTheme) != 0 || len(f.Waiting) != 0 {
			t.Errorf("Pas-de-Calais: %+v, %v", f, err)
		}
		if f, err := svc.Figures(ctx, w.Admin, now); err != nil || f.Submitted[11] != 2 || f.Published[11] != 1 {
			t.Errorf("administrator: %+v, %v", f, err)
		}
		if _, err := svc.Figures(ctx, w.Reader, now); passerelle.ErrorCode(err) != passerelle.EForbidden {
			t.Errorf("reader: %v, want forbidden", err)
		}
		if _, err := svc.Figures(ctx, nil, now); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Errorf("anonymous: %v, want unauthenticated", err)
		}
	})
}
