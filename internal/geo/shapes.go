package geo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Point is a position in the map's coordinates (those of its viewBox: x
// to the right, y down).
type Point struct{ X, Y float64 }

// Box is a rectangle in the map's coordinates.
type Box struct{ MinX, MinY, MaxX, MaxY float64 }

// Width and Height are the box's sizes.
func (b Box) Width() float64  { return b.MaxX - b.MinX }
func (b Box) Height() float64 { return b.MaxY - b.MinY }

// Overlaps reports whether b and o share some area.
func (b Box) Overlaps(o Box) bool {
	return b.MinX < o.MaxX && o.MinX < b.MaxX && b.MinY < o.MaxY && o.MinY < b.MaxY
}

// Contains reports whether p lies in b.
func (b Box) Contains(p Point) bool {
	return p.X >= b.MinX && p.X <= b.MaxX && p.Y >= b.MinY && p.Y <= b.MaxY
}

// Grow returns b with a margin of m on every side.
func (b Box) Grow(m float64) Box { return Box{b.MinX - m, b.MinY - m, b.MaxX + m, b.MaxY + m} }

// ViewBox is b as the value of an SVG viewBox attribute.
func (b Box) ViewBox() string {
	return fmt.Sprintf("%.1f %.1f %.1f %.1f", b.MinX, b.MinY, b.Width(), b.Height())
}

func (b *Box) add(p Point) {
	b.MinX, b.MinY = math.Min(b.MinX, p.X), math.Min(b.MinY, p.Y)
	b.MaxX, b.MaxY = math.Max(b.MaxX, p.X), math.Max(b.MaxY, p.Y)
}

func emptyBox() Box { return Box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

// Shape is a department's outline: one ring per closed part (the mainland
// and its islands), each a polygon in the map's coordinates.
type Shape [][]Point

// parsePath reads the outline of an SVG path's d attribute made of
// straight lines: moveto, lineto (also horizontal and vertical), closepath,
// absolute or relative. Curves are refused: the map has none, and a new
// version of it with some would need this to learn them.
func parsePath(d string) (Shape, error) {
	var (
		shape      Shape
		ring       []Point
		cur, start Point
		cmd        byte
	)
	fields := strings.FieldsFunc(d, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' || r == '\r' })
	next := func(i *int) (float64, error) {
		if *i >= len(fields) {
			return 0, fmt.Errorf("command %c lacks a number", cmd)
		}
		v, err := strconv.ParseFloat(fields[*i], 64)
		*i++
		return v, err
	}
	closeRing := func() {
		if len(ring) > 2 {
			shape = append(shape, ring)
		}
		ring = nil
	}
	for i := 0; i < len(fields); {
		f := fields[i]
		if c := f[0]; (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			if len(f) != 1 {
				return nil, fmt.Errorf("unexpected %q", f)
			}
			cmd = c
			i++
			if cmd == 'z' || cmd == 'Z' {
				closeRing()
				cur = start
			}
			continue
		}
		var p Point
		switch cmd {
		case 'm', 'M', 'l', 'L':
			x, err := next(&i)
			if err != nil {
				return nil, err
			}
			y, err := next(&i)
			if err != nil {
				return nil, err
			}
			p = Point{x, y}
			if cmd == 'm' || cmd == 'l' {
				p = Point{cur.X + x, cur.Y + y}
			}
		case 'h', 'H', 'v', 'V':
			v, err := next(&i)
			if err != nil {
				return nil, err
			}
			switch cmd {
			case 'h':
				p = Point{cur.X + v, cur.Y}
			case 'H':
				p = Point{v, cur.Y}
			case 'v':
				p = Point{cur.X, cur.Y + v}
			default:
				p = Point{cur.X, v}
			}
		default:
			return nil, fmt.Errorf("unsupported path command %q", string(cmd))
		}
		if cmd == 'm' || cmd == 'M' {
			closeRing()
			start = p
			cmd -= 1 // a moveto's further pairs are linetos ('m'-1 = 'l', 'M'-1 = 'L')
		}
		ring = append(ring, p)
		cur = p
	}
	closeRing()
	if len(shape) == 0 {
		return nil, fmt.Errorf("no outline")
	}
	return shape, nil
}

// Box is the smallest rectangle around the shape.
func (s Shape) Box() Box {
	b := emptyBox()
	for _, r := range s {
		for _, p := range r {
			b.add(p)
		}
	}
	return b
}

// Centroid is the shape's centre of area.
func (s Shape) Centroid() Point {
	var a, cx, cy float64
	for _, r := range s {
		for i := range r {
			p, q := r[i], r[(i+1)%len(r)]
			cross := p.X*q.Y - q.X*p.Y
			a += cross
			cx += (p.X + q.X) * cross
			cy += (p.Y + q.Y) * cross
		}
	}
	return Point{cx / (3 * a), cy / (3 * a)}
}

// Contains reports whether p lies inside the shape (even-odd rule).
func (s Shape) Contains(p Point) bool {
	in := false
	for _, r := range s {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a.Y > p.Y) != (b.Y > p.Y) && p.X < (b.X-a.X)*(p.Y-a.Y)/(b.Y-a.Y)+a.X {
				in = !in
			}
		}
	}
	return in
}

// Distance is how far p lies from the shape's outline (0 when inside).
func (s Shape) Distance(p Point) float64 {
	if s.Contains(p) {
		return 0
	}
	best := math.Inf(1)
	for _, r := range s {
		for i := range r {
			best = math.Min(best, segmentDistance(p, r[i], r[(i+1)%len(r)]))
		}
	}
	return best
}

func segmentDistance(p, a, b Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((p.X-a.X)*dx+(p.Y-a.Y)*dy)/l))
	}
	return math.Hypot(p.X-(a.X+t*dx), p.Y-(a.Y+t*dy))
}
