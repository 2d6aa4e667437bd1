package geo

import (
	"math"
	"slices"
	"testing"
)

// TestProjectionError measures the fitted projection against the map's
// own outlines: the share of communes that fall inside their department's
// shape, and how far outside the others fall.
func TestProjectionError(t *testing.T) {
	pr := FranceProjection()
	byCode := map[string]Shape{}
	for _, s := range Shapes() {
		byCode[s.Code] = s.Shape
	}
	// Map units per kilometre on the ground, at France's middle latitude
	// (Mercator stretches by 1/cos(latitude)).
	scale := math.Sqrt(math.Abs(pr.A*pr.E-pr.B*pr.D)) / math.Cos(46.5*math.Pi/180)
	var inside int
	var dists []float64
	eachCommune(func(code string, at LonLat) {
		s, ok := byCode[code[:2]]
		if !ok {
			t.Errorf("commune %s: no department %s on the map", code, code[:2])
			return
		}
		d := s.Distance(pr.Project(at))
		if d == 0 {
			inside++
		}
		dists = append(dists, d)
	})
	slices.Sort(dists)
	total := len(dists)
	share := float64(inside) / float64(total)
	p99, worst := dists[total*99/100], dists[total-1]
	t.Logf("%.3f map units per km; departments' centres against their communes' mean: RMS %.2f units (%.1f km)", scale, pr.Residual, pr.Residual/scale)
	t.Logf("%d of %d communes inside their department (%.1f%%); outside by p99 %.2f units (%.1f km), at most %.2f (%.1f km)",
		inside, total, 100*share, p99, p99/scale, worst, worst/scale)
	if share < 0.96 || p99 > 1 || worst > 5 {
		t.Errorf("the projection drifted: %.1f%% inside, p99 %.2f units, worst %.2f", 100*share, p99, worst)
	}
}

func TestPlaces(t *testing.T) {
	nord, ok := France().Department("59")
	if !ok {
		t.Fatal("no Nord")
	}
	for _, c := range []struct {
		code    string
		place   func(string) (LonLat, bool)
		lon     float64
		lat     float64
		insideN bool
	}{
		{"59512", Commune, 3.1746, 50.6942, true},  // Roubaix
		{"59350", Commune, 3.0586, 50.6330, true},  // Lille
		{"2A004", Commune, 8.7381, 41.9189, false}, // Ajaccio
		{"200093201", EPCI, 3.0366, 50.6309, true}, // Métropole Européenne de Lille
	} {
		p, ok := c.place(c.code)
		if !ok || math.Abs(p.Lon-c.lon) > 1e-4 || math.Abs(p.Lat-c.lat) > 1e-4 {
			t.Errorf("%s: %v %v", c.code, p, ok)
			continue
		}
		if in := nord.Box.Contains(FranceProjection().Project(p)); in != c.insideN {
			t.Errorf("%s at %v: inside Nord's box %v", c.code, FranceProjection().Project(p), in)
		}
	}
	for _, code := range []string{"", "59", "00000", "99999", "5951", "qpv-roubaix-alma", "59512 "} {
		if _, ok := Commune(code); ok {
			t.Errorf("Commune(%q) found", code)
		}
	}
	if _, ok := EPCI("59512"); ok {
		t.Error("a commune's code is an EPCI")
	}
}

func TestParsePath(t *testing.T) {
	// Two squares, the second after a closepath (relative to the first's
	// start), with implicit linetos and a horizontal and vertical line.
	s, err := parsePath("m 10,10 10,0 0,10 -10,0 z m 20,0 h 5 v 5 H 30 z")
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 || s.Box() != (Box{10, 10, 35, 20}) {
		t.Fatalf("%v, box %v", s, s.Box())
	}
	if c := s[:1].Centroid(); math.Abs(c.X-15) > 1e-9 || math.Abs(c.Y-15) > 1e-9 {
		t.Errorf("centroid %v", c)
	}
	if !s.Contains(Point{15, 15}) || s.Contains(Point{25, 15}) || s.Distance(Point{25, 15}) != 5 {
		t.Error("contains or distance")
	}
	for _, bad := range []string{"", "m 1,1 c 1,1 2,2 3,3 z", "m 1", "m 1,x"} {
		if _, err := parsePath(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
