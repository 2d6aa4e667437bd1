// Package chart draws small charts as accessible SVG on the server: no
// chart library is sent to the browser. Each chart is an image with a
// title and a description (role="img", <title>, <desc>); the page shows
// its numbers in a table beside it (Table), which is what assistive
// technologies and printouts read.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Series is one set of values, one per label of its chart.
type Series struct {
	Name   string
	Values []float64
}

// Chart is a bar chart: one group of bars per label, one bar per series.
type Chart struct {
	// ID prefixes the ids of the SVG's title and description; unique in
	// the page.
	ID          string
	Title, Desc string
	Labels      []string
	Series      []Series
	// Format writes a value for people ("12", "3,5 j"); nil: an integer.
	Format func(float64) string
	// Horizontal draws bars from the left, one row per label (long
	// labels: territories, themes); else columns (months).
	Horizontal bool
}

// Palette is the colours of the series, in order: contrast at least 3:1
// against white (WCAG 1.4.11), told apart by lightness too.
var Palette = []string{"#1f4e8c", "#b34700", "#1d6b35", "#6a2c91"}

func (c Chart) format(v float64) string {
	if c.Format != nil {
		return c.Format(v)
	}
	return fmt.Sprintf("%.0f", v)
}

// max returns the largest value, at least 1.
func (c Chart) max() float64 {
	m := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && v > m {
				m = v
			}
		}
	}
	if m <= 0 {
		return 1
	}
	return m
}

func (c Chart) value(s, i int) float64 {
	if i >= len(c.Series[s].Values) {
		return 0
	}
	v := c.Series[s].Values[i]
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return v
}

// esc escapes text for the SVG (XML) inside HTML.
func esc(s string) string { return template.HTMLEscapeString(s) }

// SVG draws the chart. The drawing is decoration for the numbers, which
// the title, the description and the table beside it say in words.
func (c Chart) SVG() template.HTML {
	if c.Horizontal {
		return c.horizontal()
	}
	return c.vertical()
}

func (c Chart) open(b *strings.Builder, w, h int) {
	fmt.Fprintf(b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="%s-title %s-desc">`,
		w, h, esc(c.ID), esc(c.ID))
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
}

func (c Chart) legend(b *strings.Builder, y int) {
	if len(c.Series) < 2 {
		return
	}
	x := 8
	for s, series := range c.Series {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" class="chart-legend">%s</text>`,
			x, y, Palette[s%len(Palette)], x+16, y+11, esc(series.Name))
		x += 24 + 8*len([]rune(series.Name))
	}
}

// vertical draws columns: labels along the bottom, values on top of bars.
func (c Chart) vertical() template.HTML {
	const height, top, bottom, left = 220, 28, 40, 8
	groups := max(len(c.Labels), 1)
	barW := 14
	groupW := max(barW*len(c.Series)+10, 56) // room for "sept. 26"
	width := left*2 + groups*groupW
	var b strings.Builder
	c.open(&b, width, height)
	c.legend(&b, 4)
	plot := float64(height - top - bottom)
	m := c.max()
	base := height - bottom
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="chart-axis"/>`, left, base, width-left, base)
	for i, label := range c.Labels {
		gx := left + i*groupW + (groupW-barW*len(c.Series))/2
		for s := range c.Series {
			v := c.value(s, i)
			h := int(math.Round(v / m * plot))
			x := gx + s*barW
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, x, base-h, barW-2, h, Palette[s%len(Palette)])
			if v > 0 {
				fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-value" text-anchor="middle">%s</text>`, x+barW/2-1, base-h-3, esc(c.format(v)))
			}
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label" text-anchor="middle">%s</text>`, left+i*groupW+groupW/2, base+16, esc(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text is escaped above
}

// horizontal draws rows: a label, then its bars and their values.
func (c Chart) horizontal() template.HTML {
	const width, labelW, rowGap, barH = 640, 200, 8, 14
	rowH := barH*len(c.Series) + rowGap
	top := 4
	if len(c.Series) > 1 {
		top = 24
	}
	height := top + max(len(c.Labels), 1)*rowH + 4
	var b strings.Builder
	c.open(&b, width, height)
	c.legend(&b, 4)
	m := c.max()
	plot := float64(width - labelW - 60)
	for i, label := range c.Labels {
		y := top + i*rowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label" text-anchor="end">%s</text>`, labelW-6, y+barH*len(c.Series)/2+4, esc(truncate(label, 30)))
		for s := range c.Series {
			v := c.value(s, i)
			w := int(math.Round(v / m * plot))
			by := y + s*barH
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, labelW, by, w, barH-2, Palette[s%len(Palette)])
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-value">%s</text>`, labelW+w+4, by+barH-4, esc(c.format(v)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text is escaped above
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Row is one line of a chart's table: its label and a formatted value per
// series.
type Row struct {
	Label  string
	Values []string
}

// Rows returns the chart's numbers, formatted, for the table beside it.
func (c Chart) Rows() []Row {
	out := make([]Row, len(c.Labels))
	for i, l := range c.Labels {
		out[i] = Row{Label: l}
		for s := range c.Series {
			v := 0.0
			if i < len(c.Series[s].Values) {
				v = c.Series[s].Values[i]
			}
			if math.IsNaN(v) {
				out[i].Values = append(out[i].Values, "—")
				continue
			}
			out[i].Values = append(out[i].Values, c.format(v))
		}
	}
	return out
}
