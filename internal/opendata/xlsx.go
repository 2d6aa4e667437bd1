package opendata

import (
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// XLSXSheet is the name of the one sheet of the spreadsheet export.
const XLSXSheet = "Fiches"

// XLSXWriter writes practices as an Office Open XML spreadsheet (.xlsx) with
// the columns of the CSV export: a bold header row frozen above the rest,
// typed cells — numbers for ids, dates and times as dates a spreadsheet
// sorts and filters, text as text. Text cells are stored as strings, never
// as formulas, so a title beginning with "=" shows as typed and nothing needs
// guarding. Rows are streamed to a temporary file, so a large export does
// not sit in memory.
type XLSXWriter struct {
	site   *Site
	voc    Vocabulary
	f      *excelize.File
	sw     *excelize.StreamWriter
	row    int
	styles struct{ date, datetime int }
}

// xlsxWidths are the widths of the columns, in characters.
var xlsxWidths = map[string]float64{"id": 8, "url": 40, "kind": 12, "title": 50, "summary": 60, "territory": 12,
	"territory_name": 24, "themes": 30, "author": 24, "published_at": 18, "theme_names": 40, "updated_at": 18}

// NewXLSXWriter starts a spreadsheet with its header row.
func (s *Site) NewXLSXWriter(voc Vocabulary) (*XLSXWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", XLSXSheet); err != nil {
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: s.Name, Title: s.Name, Language: s.Lang}); err != nil {
		return nil, err
	}
	x := &XLSXWriter{site: s, voc: voc, f: f}
	var err error
	if x.styles.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")}); err != nil {
		return nil, err
	}
	if x.styles.datetime, err = f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm")}); err != nil {
		return nil, err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	if x.sw, err = f.NewStreamWriter(XLSXSheet); err != nil {
		return nil, err
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	for i, name := range CSVColumns {
		w := 20.0
		if v, ok := xlsxWidths[name]; ok {
			w = v
		}
		if err := x.sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	cells := make([]any, len(CSVColumns))
	for i, name := range CSVColumns {
		cells[i] = excelize.Cell{StyleID: header, Value: name}
	}
	if err := x.sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	x.row = 1
	return x, nil
}

func ptr[T any](v T) *T { return &v }

// Write adds one practice.
func (x *XLSXWriter) Write(p *passerelle.Practice) error {
	names := make([]string, len(p.Themes))
	for i, slug := range p.Themes {
		names[i] = themeName(x.voc, slug)
	}
	at := func(t time.Time) excelize.Cell { return excelize.Cell{StyleID: x.styles.datetime, Value: t.UTC()} }
	day := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return excelize.Cell{StyleID: x.styles.date, Value: *t}
	}
	row := make([]any, len(CSVColumns))
	copy(row, []any{p.ID, x.site.PracticeURL(p.ID), string(p.Kind), p.Title, p.Summary, p.TerritoryCode,
		territoryName(x.voc, p.TerritoryCode), list(p.Themes), p.AuthorName, at(published(p)), list(names), at(lastChange(p))})
	if e := p.Experience; e != nil && p.Kind == passerelle.KindExperience {
		copy(row[12:], []any{e.Context, e.Actions, list(e.Partners), e.Results, e.Lessons, day(e.StartedOn), day(e.EndedOn)})
	}
	if t := p.Tool; t != nil && p.Kind == passerelle.KindTool {
		copy(row[19:], []any{list(t.Audience), t.Format, t.Duration, t.License, list(t.Languages)})
	}
	for i, v := range row {
		if s, ok := v.(string); ok && s == "" {
			row[i] = nil
		}
	}
	x.row++
	return x.sw.SetRow("A"+strconv.Itoa(x.row), row)
}

// WriteTo ends the spreadsheet and writes it to w.
func (x *XLSXWriter) WriteTo(w io.Writer) (n int64, err error) {
	// Close removes the stream writer's temporary files.
	defer func() { err = errors.Join(err, x.f.Close()) }()
	if err := x.sw.Flush(); err != nil {
		return 0, err
	}
	if x.row > 1 {
		end, _ := excelize.CoordinatesToCellName(len(CSVColumns), x.row)
		_ = x.f.AutoFilter(XLSXSheet, "A1:"+end, nil)
	}
	return x.f.WriteTo(w)
}
