package service_test

import (
	"context"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestDirectoryStoresNormalized: territories and themes are stored without
// the spaces a form or a JSON body may carry around their code, slug, name
// or parent — the service trims, so that no caller has to.
func TestDirectoryStoresNormalized(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		requireCode(t, b.Service.AddTerritory(ctx, nil, passerelle.Territory{Code: " r32 ", Name: " Hauts-de-France ", Level: passerelle.LevelRegion}), "")
		requireCode(t, b.Service.AddTerritory(ctx, nil, passerelle.Territory{Code: "\t59\n", Name: "Nord", Level: passerelle.LevelDepartment, ParentCode: " r32 "}), "")
		requireCode(t, b.Service.AddTheme(ctx, nil, passerelle.Theme{Slug: " emploi ", Name: "  Emploi et insertion "}), "")
		requireCode(t, b.Service.RenameTheme(ctx, nil, "emploi", " Emploi "), "")
		ters, err := store.ListTerritories(ctx, b.DB.Read)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]passerelle.Territory{}
		for _, ter := range ters {
			got[ter.Code] = ter
		}
		if got["r32"].Name != "Hauts-de-France" || got["59"].ParentCode != "r32" || len(got) != 2 {
			t.Errorf("territories stored as %+v", ters)
		}
		themes, err := store.ListThemes(ctx, b.DB.Read)
		if err != nil {
			t.Fatal(err)
		}
		if len(themes) != 1 || themes[0] != (passerelle.Theme{Slug: "emploi", Name: "Emploi"}) {
			t.Errorf("themes stored as %+v", themes)
		}
	})
}
