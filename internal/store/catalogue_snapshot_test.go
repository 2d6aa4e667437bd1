package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestCatalogueFromSnapshot: a process saves its catalogue; another
// process then withdraws a practice, publishes one, changes themes; a
// process starting afterwards begins from the snapshot, catches up, and
// holds exactly the catalogue a full read gives — the withdrawn practice
// is not in its lists. A snapshot the log no longer reaches, or a
// malformed one, is not used: the catalogue is read in full.
func TestCatalogueFromSnapshot(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		f := newCatalogueFixture(t, dialect)
		a := f.publish(t, passerelle.Practice{Title: "Forum", TerritoryCode: "59350",
			Experience: &passerelle.Experience{Partners: []string{"Mission locale", "Pôle emploi"}}})
		b := f.publish(t, passerelle.Practice{Title: "Jeu", Kind: passerelle.KindTool, TerritoryCode: "62193", Themes: []string{"education", "egalite"},
			Tool: &passerelle.Tool{Format: "game", Audience: []string{"Collégiens", "enseignants"}}})
		f.publish(t, passerelle.Practice{Title: "Atelier", TerritoryCode: "59"})
		if err := store.LoadCatalogue(ctx, f.db); err != nil {
			t.Fatal(err)
		}
		if err := store.KeepSnapshotOnce(ctx, f.db); err != nil {
			t.Fatal(err)
		}
		saved, _ := store.HeldCatalogue(f.db)
		if v, err := store.SavedSnapshotVersion(ctx, f.db); err != nil || v != saved {
			t.Fatalf("saved snapshot %d (%v), want %d", v, err, saved)
		}

		// Another process changes what lists show.
		other := f.open(t)
		if ok, err := store.MovePractice(ctx, other.Bun, a, passerelle.StatusArchived, store.Now()); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if err := store.SetPracticeThemes(ctx, other.Bun, b.ID, []string{"emploi"}); err != nil {
			t.Fatal(err)
		}
		f.publish(t, passerelle.Practice{Title: "Dernière", TerritoryCode: "62193", Themes: []string{"egalite"}})

		starting := f.open(t)
		res := mustFind(t, starting, store.PracticeFilter{})
		if got := titles(res.Items); !slices.Equal(got, []string{"Dernière", "Atelier", "Jeu"}) {
			t.Errorf("lists of a process started from the snapshot: %q", got)
		}
		if from := starting.CatalogueSnapshotStart(); from != saved {
			t.Errorf("started from the snapshot of version %d, want %d", from, saved)
		}
		version, held := store.HeldCatalogue(starting)
		fullVersion, full, err := store.FullCatalogue(ctx, starting)
		if err != nil {
			t.Fatal(err)
		}
		if version != fullVersion || held != full {
			t.Errorf("from the snapshot (v%d):\n%s\nread in full (v%d):\n%s", version, held, fullVersion, full)
		}
		if version <= saved {
			t.Errorf("caught up to version %d, the snapshot's is %d", version, saved)
		}
		// A few versions behind: a stopping server saves nothing.
		if err := store.SaveCatalogueSnapshotIfBehind(ctx, starting); err != nil {
			t.Fatal(err)
		}
		if v, err := store.SavedSnapshotVersion(ctx, starting); err != nil || v != saved {
			t.Errorf("saved snapshot %d (%v), want still %d", v, err, saved)
		}

		// The log no longer reaches the snapshot: read in full.
		if _, err := f.db.Bun.NewDelete().Table("catalogue_log").Where("version <= ?", saved+1).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		pruned := f.open(t)
		if res := mustFind(t, pruned, store.PracticeFilter{}); res.Total != 3 {
			t.Errorf("after the log was pruned: %d practices, want 3", res.Total)
		}
		if _, held := store.HeldCatalogue(pruned); held != full {
			t.Errorf("after the log was pruned:\n%s\nwant\n%s", held, full)
		}

		// A snapshot saved at the current version is used as it is; a
		// malformed one is not.
		if err := store.SaveCatalogueSnapshot(ctx, pruned); err != nil {
			t.Fatal(err)
		}
		current := f.open(t)
		if res := mustFind(t, current, store.PracticeFilter{Theme: "egalite"}); !slices.Equal(titles(res.Items), []string{"Dernière"}) {
			t.Errorf("from a current snapshot, theme egalite: %q", titles(res.Items))
		}
		if from := current.CatalogueSnapshotStart(); from != fullVersion {
			t.Errorf("started from the snapshot of version %d, want %d", from, fullVersion)
		}
		if _, err := f.db.Bun.NewUpdate().Table("catalogue_snapshot").Set("data = ?", []byte{0x05, 0x01}).Where("id = 1").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		broken := f.open(t)
		if res := mustFind(t, broken, store.PracticeFilter{}); res.Total != 3 {
			t.Errorf("with a malformed snapshot: %d practices, want 3", res.Total)
		}
		if from := broken.CatalogueSnapshotStart(); from != 0 {
			t.Errorf("a malformed snapshot was used (version %d)", from)
		}
		if _, held := store.HeldCatalogue(broken); held != full {
			t.Errorf("with a malformed snapshot:\n%s\nwant\n%s", held, full)
		}
	})
}
