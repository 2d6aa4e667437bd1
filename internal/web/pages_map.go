package web

import (
	"cmp"
	"slices"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/geo"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

// networkMap draws the departments of the territory tree on the map of
// France, with the published practices of each and of everything below it
// (counts from service.CountsByTerritory: published practices only), and
// lists the same figures as a table.
func networkMap(snap *authz.Snapshot, counts map[string]int) view.NetworkMap {
	tree := snap.Tree()
	fr := geo.France()
	m := view.NetworkMap{File: geo.File, ViewBox: fr.ViewBox, Credit: geo.Source, CreditURL: geo.SourceURL, License: geo.License, LicenseURL: geo.LicenseURL}
	most := 0
	var departments []*passerelle.Territory
	tree.Walk(func(t *passerelle.Territory, _ int) bool {
		if t.Level != passerelle.LevelDepartment {
			return true
		}
		departments = append(departments, t)
		most = max(most, counts[t.Code])
		return false // what is below a department is listed in its row
	})
	byCode := map[string]*passerelle.Territory{}
	for _, d := range departments {
		byCode[d.Code] = d
		if n := counts[d.Code]; n > 0 {
			row := view.MapRow{Territory: territoryView(d, counts)}
			for _, c := range tree.Children(d.Code) {
				if counts[c] > 0 {
					row.Finer = append(row.Finer, territoryView(tree.Get(c), counts))
				}
			}
			m.Rows = append(m.Rows, row)
			m.Total += n
		}
	}
	slices.SortStableFunc(m.Rows, func(a, b view.MapRow) int { return cmp.Compare(b.Count, a.Count) })
	for _, d := range fr.Departments {
		a := view.MapArea{Code: d.Code, Name: d.Name}
		if t := byCode[d.Code]; t != nil {
			a.Name, a.Count = t.Name, counts[t.Code]
			if a.Count > 0 {
				a.URL = territoryURL(t.Code)
				a.Level = 1 + 2*a.Count/max(most, 1) // 1 to 3
				a.Level = min(a.Level, 3)
			}
		}
		m.Areas = append(m.Areas, a)
	}
	return m
}
