package web

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

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

// departmentMap draws the department dept large, with the territories
// below it that have published practices as points: a commune at its
// place (geo.Commune), an EPCI as a ring around the mean of its members
// (geo.EPCI), a priority neighbourhood as a small disc beside its commune
// (the data has no position of its own for it). Those the map cannot place
// are listed under it; the table has them all. current is the page's own
// territory, marked on the map. ok is false when the map has no such
// department or nothing below it has practices.
func departmentMap(tree *passerelle.Tree, counts map[string]int, dept, current string) (view.DepartmentMap, bool) {
	fr := geo.France()
	d, found := fr.Department(dept)
	if !found || tree.Get(dept) == nil {
		return view.DepartmentMap{}, false
	}
	m := view.DepartmentMap{File: geo.File, Code: d.Code, Name: tree.Get(dept).Name,
		Credit: geo.Source, CreditURL: geo.SourceURL, License: geo.License, LicenseURL: geo.LicenseURL,
		Places: geo.PlacesSource, PlacesURL: geo.PlacesSourceURL, PlacesLicense: geo.PlacesLicense,
		Codes: geo.CodesSource, CodesURL: geo.CodesSourceURL, CodesLicense: geo.CodesLicense, CodesLicenseURL: geo.CodesLicenseURL}

	// The frame: the department's box, widened to a shape between 3:4 and
	// 4:3, with a margin.
	frame := d.Box
	if w, h := frame.Width(), frame.Height(); w < 0.75*h {
		frame.MinX, frame.MaxX = frame.MinX-(0.75*h-w)/2, frame.MaxX+(0.75*h-w)/2
	} else if h < 0.75*w {
		frame.MinY, frame.MaxY = frame.MinY-(0.75*w-h)/2, frame.MaxY+(0.75*w-h)/2
	}
	frame = frame.Grow(0.06 * max(frame.Width(), frame.Height()))
	m.ViewBox = frame.ViewBox()
	for _, o := range fr.Departments {
		if o.Code != d.Code && o.Box.Overlaps(frame) {
			m.Around = append(m.Around, o.Code)
		}
	}
	size := max(frame.Width(), frame.Height())
	// Discs of a radius of size/55 are about 7 px at a phone's width.
	text := size / 30
	m.Text, m.Stroke = num(text), num(size/400)

	// The territories below, in the tree's order, and where each lies.
	type spot struct {
		t        *passerelle.Territory
		at       geo.Point
		r        float64
		commune  string // the commune a neighbourhood is drawn beside
		children []int  // a commune's neighbourhoods, an EPCI's communes (indexes in spots)
	}
	var spots []*spot
	index := map[string]int{}
	pr := geo.FranceProjection()
	var walk func(code string, commune *spot, epci *spot)
	walk = func(code string, commune, epci *spot) {
		for _, c := range tree.Children(code) {
			t := tree.Get(c)
			if t == nil || counts[c] == 0 {
				continue
			}
			m.Rows = append(m.Rows, territoryView(t, counts))
			var s *spot
			var at geo.LonLat
			var ok bool
			switch t.Level {
			case passerelle.LevelCommune:
				at, ok = geo.Commune(c)
			case passerelle.LevelEPCI:
				at, ok = geo.EPCI(c)
			case passerelle.LevelQPV:
				ok = commune != nil
			}
			if ok && t.Level != passerelle.LevelQPV {
				if p := pr.Project(at); frame.Contains(p) {
					s = &spot{t: t, at: p}
				}
			} else if ok {
				s = &spot{t: t, commune: commune.t.Code}
			}
			if s == nil {
				m.Unplaced = append(m.Unplaced, territoryView(t, counts))
			} else {
				index[c] = len(spots)
				spots = append(spots, s)
				if s.commune != "" {
					commune.children = append(commune.children, index[c])
				} else if t.Level == passerelle.LevelCommune && epci != nil {
					epci.children = append(epci.children, index[c])
				}
			}
			nextCommune, nextEPCI := commune, epci
			if s != nil && t.Level == passerelle.LevelCommune {
				nextCommune = s
			} else if t.Level == passerelle.LevelCommune {
				nextCommune = nil
			}
			if s != nil && t.Level == passerelle.LevelEPCI {
				nextEPCI = s
			}
			walk(c, nextCommune, nextEPCI)
		}
	}
	walk(dept, nil, nil)
	if len(m.Rows) == 0 {
		return view.DepartmentMap{}, false
	}

	// Sizes: a disc's area grows with its count; a neighbourhood's disc is
	// smaller and sits around its commune's; an EPCI's ring encloses the
	// communes of it that are drawn.
	most := 1
	for _, s := range spots {
		if s.t.Level != passerelle.LevelEPCI {
			most = max(most, counts[s.t.Code])
		}
	}
	base := size / 55
	radius := func(n int) float64 { return base * (0.9 + 1.1*math.Sqrt(float64(n)/float64(most))) }
	for _, s := range spots {
		if s.t.Level == passerelle.LevelCommune || s.t.Level == passerelle.LevelQPV {
			s.r = radius(counts[s.t.Code])
		}
		if s.t.Level == passerelle.LevelQPV {
			s.r *= 0.6
		}
	}
	// A neighbourhood's disc goes beside its commune's, at the first of
	// eight directions (from the lower right, clockwise: the labels go to
	// the right, the left or above) where it covers no other disc; a
	// little further out when all are taken.
	var discs []*spot
	for _, s := range spots {
		if s.t.Level == passerelle.LevelCommune {
			discs = append(discs, s)
		}
	}
	free := func(p geo.Point, r float64) bool {
		for _, o := range discs {
			if math.Hypot(p.X-o.at.X, p.Y-o.at.Y) < r+o.r+base*0.15 {
				return false
			}
		}
		return true
	}
	for _, s := range spots {
		if s.t.Level != passerelle.LevelCommune {
			continue
		}
		for _, i := range s.children {
			q := spots[i]
			var first geo.Point
			placed := false
			for ring := 0; ring < 3 && !placed; ring++ {
				dist := s.r + q.r + base*(0.3+1.2*float64(ring))
				for k := range 8 {
					angle := math.Pi/4 + float64(k)*math.Pi/4
					p := geo.Point{X: s.at.X + dist*math.Cos(angle), Y: s.at.Y + dist*math.Sin(angle)}
					if ring == 0 && k == 0 {
						first = p
					}
					if free(p, q.r) {
						q.at, placed = p, true
						break
					}
				}
			}
			if !placed {
				q.at = first
			}
			discs = append(discs, q)
		}
	}
	for _, s := range spots {
		if s.t.Level == passerelle.LevelEPCI {
			s.r = 2 * radius(counts[s.t.Code])
			for _, i := range s.children {
				c := spots[i]
				reach := math.Hypot(c.at.X-s.at.X, c.at.Y-s.at.Y) + c.r + base*0.5
				for _, j := range c.children {
					q := spots[j]
					reach = max(reach, math.Hypot(q.at.X-s.at.X, q.at.Y-s.at.Y)+q.r+base*0.3)
				}
				s.r = max(s.r, reach)
			}
			s.r = min(s.r, size/4)
		}
	}

	// The order of drawing and of the keyboard: EPCI, then communes from
	// north to south, each with its neighbourhoods.
	var order []*spot
	byNorth := func(level passerelle.Level) []*spot {
		var out []*spot
		for _, s := range spots {
			if s.t.Level == level {
				out = append(out, s)
			}
		}
		slices.SortStableFunc(out, func(a, b *spot) int { return cmp.Or(cmp.Compare(a.at.Y, b.at.Y), cmp.Compare(a.at.X, b.at.X)) })
		return out
	}
	order = byNorth(passerelle.LevelEPCI)
	for _, c := range byNorth(passerelle.LevelCommune) {
		order = append(order, c)
		for _, i := range c.children {
			order = append(order, spots[i])
		}
	}

	// Labels: the communes' names, the most practices first, where they
	// overlap no other label nor disc.
	var taken []geo.Box
	for _, s := range spots {
		if s.t.Level != passerelle.LevelEPCI {
			taken = append(taken, geo.Box{MinX: s.at.X - s.r, MinY: s.at.Y - s.r, MaxX: s.at.X + s.r, MaxY: s.at.Y + s.r})
		}
	}
	labels := map[*spot]view.MapPoint{}
	communes := byNorth(passerelle.LevelCommune)
	slices.SortStableFunc(communes, func(a, b *spot) int { return cmp.Compare(counts[b.t.Code], counts[a.t.Code]) })
	for _, s := range communes {
		width := 0.6 * text * float64(utf8.RuneCountInString(s.t.Name)+2+len(strconv.Itoa(counts[s.t.Code])))
		gap := s.r + 0.3*text
		// Right of the disc, left of it, above it, below it.
		for side := range 4 {
			x, y, anchor := s.at.X+gap, s.at.Y+0.3*text, ""
			box := geo.Box{MinX: x, MinY: y - 1.1*text, MaxX: x + width, MaxY: y + 0.05*text}
			switch side {
			case 1:
				x, anchor = s.at.X-gap, "end"
				box.MinX, box.MaxX = x-width, x
			case 2, 3:
				x, anchor = s.at.X, "middle"
				y = s.at.Y - s.r - 0.25*text
				if side == 3 {
					y = s.at.Y + s.r + 0.95*text
				}
				box = geo.Box{MinX: x - width/2, MinY: y - 1.1*text, MaxX: x + width/2, MaxY: y + 0.05*text}
			}
			clear := box.MinX >= frame.MinX && box.MaxX <= frame.MaxX && box.MinY >= frame.MinY && box.MaxY <= frame.MaxY
			for _, o := range taken {
				if clear && box.Overlaps(o) {
					clear = false
				}
			}
			if clear {
				taken = append(taken, box)
				labels[s] = view.MapPoint{Label: true, LX: num(x), LY: num(y), Anchor: anchor}
				break
			}
		}
	}
	for _, s := range order {
		p := labels[s]
		p.Territory = territoryView(s.t, counts)
		p.X, p.Y, p.R = num(s.at.X), num(s.at.Y), num(s.r)
		p.Ring = s.t.Level == passerelle.LevelEPCI
		p.Current = s.t.Code == current
		m.Points = append(m.Points, p)
	}
	return m, true
}

// num writes a coordinate of the map to a tenth of its unit.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// departmentOf returns the code of t if it is a department, else of the
// department above it ("" when none).
func departmentOf(tree *passerelle.Tree, t *passerelle.Territory) string {
	if t.Level == passerelle.LevelDepartment {
		return t.Code
	}
	up := tree.Ancestors(t.Code)
	for i := len(up) - 1; i >= 0; i-- {
		if up[i].Level == passerelle.LevelDepartment {
			return up[i].Code
		}
	}
	return ""
}
