package chart_test

import (
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/chart"
)

func sample(horizontal bool) chart.Chart {
	return chart.Chart{ID: "c1", Title: "Soumissions <et> publications", Desc: "Par mois, sur un an.",
		Labels: []string{"janv.", "févr.", "mars"}, Horizontal: horizontal,
		Series: []chart.Series{{Name: "Soumises", Values: []float64{3, 0, 7}}, {Name: "Publiées", Values: []float64{1, 2}}},
		Format: func(v float64) string { return fmt.Sprintf("%.0f fiches", v) }}
}

// TestSVG: the chart is well-formed XML, an image named by its title and
// description, with every text escaped and a bar per value.
func TestSVG(t *testing.T) {
	for _, horizontal := range []bool{false, true} {
		svg := string(sample(horizontal).SVG())
		if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
			t.Fatalf("horizontal %v: not XML: %v\n%s", horizontal, err, svg)
		}
		for _, want := range []string{`role="img"`, `aria-labelledby="c1-title c1-desc"`, `<title id="c1-title">Soumissions &lt;et&gt; publications</title>`,
			`<desc id="c1-desc">Par mois, sur un an.</desc>`, "7 fiches", "Publiées"} {
			if !strings.Contains(svg, want) {
				t.Errorf("horizontal %v: missing %q", horizontal, want)
			}
		}
		if n := strings.Count(svg, "<rect"); n != 6+2 { // six bars (a missing value is 0), two legend keys
			t.Errorf("horizontal %v: %d rects", horizontal, n)
		}
		if strings.Contains(svg, "<et>") {
			t.Error("unescaped text")
		}
	}
	// The largest bar fills the plot; no value draws nothing.
	empty := chart.Chart{ID: "e", Title: "Vide", Labels: []string{"a"}, Series: []chart.Series{{Name: "x", Values: []float64{math.NaN()}}}}
	if svg := string(empty.SVG()); !strings.Contains(svg, `height="0"`) {
		t.Errorf("empty chart: %s", svg)
	}
}

// TestRows: the table beside the chart has every label and every value,
// formatted, a missing value as a dash.
func TestRows(t *testing.T) {
	c := sample(false)
	c.Series[1].Values = []float64{1, math.NaN(), 2}
	rows := c.Rows()
	if len(rows) != 3 || rows[0].Label != "janv." || rows[2].Values[0] != "7 fiches" || rows[1].Values[1] != "—" {
		t.Errorf("rows %+v", rows)
	}
}
