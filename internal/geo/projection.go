package geo

import (
	"math"
)

// Projection turns a longitude and latitude into the map's coordinates:
// the Mercator projection (on a sphere), then the affine transform that
// best carries it onto the drawn departments. The map's file does not say
// how it was drawn, so the transform is fitted by least squares on the 96
// departments: the centre of each department's shape against the mean
// position of its communes (fitProjection). Of the projections tried,
// Mercator fits best: 96.9 % of the communes fall inside their own
// department's shape, against 93.2 % for an equirectangular projection
// and 84.7 % for Lambert-93 (France's official one); the others lie
// within 2 km of its outline for the most part, where the map's outlines
// are simplified (TestProjectionError measures it).
type Projection struct {
	// x = A*e + B*n + C, y = D*e + E*n + F, from Mercator's easting e and
	// northing n in kilometres (at the equator).
	A, B, C, D, E, F float64
	// Residual is the root mean square distance, in map units, between
	// the departments' centres and their projected communes' mean.
	Residual float64
}

// Project returns where p lies on the map.
func (pr Projection) Project(p LonLat) Point {
	e, n := mercator(p)
	return Point{pr.A*e + pr.B*n + pr.C, pr.D*e + pr.E*n + pr.F}
}

// mercator is the Mercator projection on a sphere of the Earth's mean
// radius, in kilometres.
func mercator(p LonLat) (e, n float64) {
	const R = 6371.0
	rad := math.Pi / 180
	return R * p.Lon * rad, R * math.Log(math.Tan(math.Pi/4+p.Lat*rad/2))
}

// fitProjection finds the affine transform from Mercator that carries
// each department's communes' mean position onto the centre of its shape.
func fitProjection(centres map[string]Point) Projection {
	sums := map[string]*[3]float64{}
	eachCommune(func(code string, at LonLat) {
		d := code[:2]
		if _, ok := centres[d]; !ok {
			return
		}
		e, n := mercator(at)
		s := sums[d]
		if s == nil {
			s = new([3]float64)
			sums[d] = s
		}
		s[0] += e
		s[1] += n
		s[2]++
	})
	// Normal equations of x ≈ a*e + b*n + c (and the same for y).
	var m [3][3]float64
	var vx, vy [3]float64
	type pair struct {
		e, n float64
		at   Point
	}
	var pairs []pair
	for d, s := range sums {
		e, n := s[0]/s[2], s[1]/s[2]
		c := centres[d]
		pairs = append(pairs, pair{e, n, c})
		row := [3]float64{e, n, 1}
		for i := range 3 {
			for j := range 3 {
				m[i][j] += row[i] * row[j]
			}
			vx[i] += row[i] * c.X
			vy[i] += row[i] * c.Y
		}
	}
	ax, ay := solve3(m, vx), solve3(m, vy)
	pr := Projection{A: ax[0], B: ax[1], C: ax[2], D: ay[0], E: ay[1], F: ay[2]}
	var sq float64
	for _, p := range pairs {
		x, y := pr.A*p.e+pr.B*p.n+pr.C, pr.D*p.e+pr.E*p.n+pr.F
		sq += (x-p.at.X)*(x-p.at.X) + (y-p.at.Y)*(y-p.at.Y)
	}
	if len(pairs) > 0 {
		pr.Residual = math.Sqrt(sq / float64(len(pairs)))
	}
	return pr
}

// solve3 solves m·x = v by Cramer's rule.
func solve3(m [3][3]float64, v [3]float64) [3]float64 {
	det := func(a [3][3]float64) float64 {
		return a[0][0]*(a[1][1]*a[2][2]-a[1][2]*a[2][1]) - a[0][1]*(a[1][0]*a[2][2]-a[1][2]*a[2][0]) + a[0][2]*(a[1][0]*a[2][1]-a[1][1]*a[2][0])
	}
	d := det(m)
	var x [3]float64
	for k := range 3 {
		a := m
		for i := range 3 {
			a[i][k] = v[i]
		}
		x[k] = det(a) / d
	}
	return x
}
