package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/passerelle/passerelle/internal/chart"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// figureCharts turns the figures into the charts of the desk and of the
// administration, each with the table of its numbers.
func figureCharts(tr *view.Translator, f *service.Figures) []view.ChartView {
	count := func(v float64) string { return tr.Number(int(math.Round(v))) }
	months := make([]string, len(f.Months))
	for i, m := range f.Months {
		months[i] = tr.T("desk.charts.month", "month", tr.T("desk.charts.short."+strconv.Itoa(int(m.Month()))), "year", fmt.Sprintf("%02d", m.Year()%100))
	}
	floats := func(ns []int) []float64 {
		out := make([]float64, len(ns))
		for i, n := range ns {
			out[i] = float64(n)
		}
		return out
	}
	total := func(ns []int) int {
		t := 0
		for _, n := range ns {
			t += n
		}
		return t
	}
	var out []view.ChartView
	add := func(c chart.Chart, caption, labelColumn string) {
		v := view.ChartView{ID: c.ID, Title: c.Title, SVG: c.SVG(), Caption: caption, LabelColumn: labelColumn}
		for _, s := range c.Series {
			v.Columns = append(v.Columns, s.Name)
		}
		for _, r := range c.Rows() {
			v.Rows = append(v.Rows, view.ChartRow{Label: r.Label, Values: r.Values})
		}
		out = append(out, v)
	}

	sub, pub := tr.T("desk.charts.submitted"), tr.T("desk.charts.published")
	add(chart.Chart{ID: "chart-months", Title: tr.T("desk.charts.months.title"),
		Desc:   tr.T("desk.charts.months.desc", "submitted", tr.Number(total(f.Submitted)), "published", tr.Number(total(f.Published))),
		Labels: months, Series: []chart.Series{{Name: sub, Values: floats(f.Submitted)}, {Name: pub, Values: floats(f.Published)}}, Format: count},
		tr.T("desk.charts.months.title"), tr.T("desk.charts.month_column"))

	days := func(v float64) string {
		if math.IsNaN(v) {
			return "—"
		}
		return tr.T("desk.charts.days", "n", tr.Decimal(v))
	}
	var places []string
	var medians []float64
	for _, w := range f.Waiting {
		places = append(places, w.Territory.Name)
		medians = append(medians, w.Median.Hours()/24)
	}
	waitDesc := tr.T("desk.charts.waiting.empty")
	if len(f.Waiting) > 0 {
		waitDesc = tr.T("desk.charts.waiting.desc", "name", f.Waiting[0].Territory.Name, "days", days(f.Waiting[0].Median.Hours()/24))
	}
	add(chart.Chart{ID: "chart-waiting", Title: tr.T("desk.charts.waiting.title"), Desc: waitDesc, Labels: places, Horizontal: true,
		Series: []chart.Series{{Name: tr.T("desk.charts.waiting.series"), Values: medians}}, Format: days},
		tr.T("desk.charts.waiting.title"), tr.T("desk.charts.territory_column"))

	var themes []string
	var perTheme []float64
	for _, t := range f.PerTheme {
		themes = append(themes, t.Name)
		perTheme = append(perTheme, float64(t.N))
	}
	themeDesc := tr.T("desk.charts.empty")
	if len(f.PerTheme) > 0 {
		themeDesc = tr.T("desk.charts.themes.desc", "name", f.PerTheme[0].Name, "n", tr.Number(f.PerTheme[0].N))
	}
	add(chart.Chart{ID: "chart-themes", Title: tr.T("desk.charts.themes.title"), Desc: themeDesc, Labels: themes, Horizontal: true,
		Series: []chart.Series{{Name: pub, Values: perTheme}}, Format: count},
		tr.T("desk.charts.themes.title"), tr.T("desk.charts.theme_column"))

	var levels []string
	var perLevel []float64
	for _, t := range f.PerLevel {
		levels = append(levels, tr.Enum("level", t.Key))
		perLevel = append(perLevel, float64(t.N))
	}
	levelDesc := tr.T("desk.charts.empty")
	if len(f.PerLevel) > 0 {
		levelDesc = tr.T("desk.charts.levels.desc", "n", tr.Number(len(f.PerLevel)))
	}
	add(chart.Chart{ID: "chart-levels", Title: tr.T("desk.charts.levels.title"), Desc: levelDesc, Labels: levels, Horizontal: true,
		Series: []chart.Series{{Name: pub, Values: perLevel}}, Format: count},
		tr.T("desk.charts.levels.title"), tr.T("desk.charts.level_column"))
	return out
}

// figuresPage shows the figures of the whole platform to an administrator
// (service.Figures), as charts with their tables.
func (s *Server) figuresPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, err := s.svc.Figures(ctx, userFrom(ctx), time.Now())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	s.render(w, r, http.StatusOK, "figures", &view.Page{Title: tr.T("desk.figures.heading"), Data: &view.FiguresData{Charts: figureCharts(tr, f)}})
}
