package geo_test

import (
	"testing"

	"github.com/passerelle/passerelle/internal/geo"
)

func TestFrance(t *testing.T) {
	m := geo.France()
	if m.ViewBox != "0 0 613 585" || len(m.Departments) != 96 {
		t.Fatalf("viewBox %q, %d departments", m.ViewBox, len(m.Departments))
	}
	found := map[string]string{}
	for _, d := range m.Departments {
		found[d.Code] = d.Name
	}
	for code, name := range map[string]string{"59": "Nord", "62": "Pas-de-Calais", "2A": "Corse-du-Sud"} {
		if found[code] != name {
			t.Errorf("%s: %q, want %q", code, found[code], name)
		}
	}
}
