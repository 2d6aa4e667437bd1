package passerelle_test

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
)

func TestTreeWalk(t *testing.T) {
	tree := passerelle.NewTree([]passerelle.Territory{
		{Code: "59350", Name: "Lille", ParentCode: "59"},
		{Code: "32", Name: "Hauts-de-France"},
		{Code: "62", Name: "Pas-de-Calais", ParentCode: "32"},
		{Code: "59", Name: "Nord", ParentCode: "32"},
		{Code: "59512", Name: "Roubaix", ParentCode: "59"},
		{Code: "84", Name: "Auvergne-Rhône-Alpes"},
		// A cycle in bad data: neither is a root, neither is visited.
		{Code: "x", Name: "X", ParentCode: "y"}, {Code: "y", Name: "Y", ParentCode: "x"},
	})
	var seen []string
	tree.Walk(func(ter *passerelle.Territory, depth int) bool {
		seen = append(seen, strings.Repeat("-", depth)+ter.Name)
		return ter.Code != "59" // leave out the Nord's communes
	})
	if got, want := strings.Join(seen, ","), "Auvergne-Rhône-Alpes,Hauts-de-France,-Nord,-Pas-de-Calais"; got != want {
		t.Errorf("walk %s, want %s", got, want)
	}
	seen = nil
	tree.Walk(func(ter *passerelle.Territory, depth int) bool { seen = append(seen, ter.Code); return true })
	if got := strings.Join(seen, ","); got != "84,32,59,59350,59512,62" {
		t.Errorf("full walk %s", got)
	}
}
