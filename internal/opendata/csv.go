package opendata

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// CSVColumns is the header row of the CSV export: the columns every practice
// fills, then those of an experience report, then those of a teaching tool
// (empty for the other kind). Lists are joined with ";".
var CSVColumns = []string{
	"id", "url", "kind", "title", "summary", "territory", "territory_name", "themes", "author", "published_at",
	"theme_names", "updated_at",
	"experience_context", "experience_actions", "experience_partners", "experience_results", "experience_lessons",
	"experience_started_on", "experience_ended_on",
	"tool_audience", "tool_format", "tool_duration", "tool_license", "tool_languages",
}

// utf8BOM opens the file so that spreadsheets read it as UTF-8 rather than
// in the system's legacy code page.
const utf8BOM = "\uFEFF"

// CSVWriter writes practices as CSV (RFC 4180: comma-separated, CRLF line
// ends, quoted when needed), UTF-8 with a byte order mark.
type CSVWriter struct {
	site *Site
	voc  Vocabulary
	w    *csv.Writer
	row  []string
}

// NewCSVWriter writes the byte order mark and the header row to w.
func (s *Site) NewCSVWriter(w io.Writer, voc Vocabulary) (*CSVWriter, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVColumns); err != nil {
		return nil, err
	}
	return &CSVWriter{site: s, voc: voc, w: cw, row: make([]string, len(CSVColumns))}, nil
}

// Write adds one practice. Text typed by contributors is defused so that a
// spreadsheet cannot read it as a formula.
func (c *CSVWriter) Write(p *passerelle.Practice) error {
	row := c.row
	clear(row)
	names := make([]string, len(p.Themes))
	for i, slug := range p.Themes {
		names[i] = themeName(c.voc, slug)
	}
	copy(row, []string{
		strconv.FormatInt(p.ID, 10), c.site.PracticeURL(p.ID), string(p.Kind), cell(p.Title), cell(p.Summary),
		p.TerritoryCode, cell(territoryName(c.voc, p.TerritoryCode)), list(p.Themes), cell(p.AuthorName),
		published(p).Format(time.RFC3339), cell(list(names)), lastChange(p).Format(time.RFC3339),
	})
	if e := p.Experience; e != nil && p.Kind == passerelle.KindExperience {
		copy(row[12:], []string{cell(e.Context), cell(e.Actions), cell(list(e.Partners)), cell(e.Results), cell(e.Lessons),
			date(e.StartedOn), date(e.EndedOn)})
	}
	if t := p.Tool; t != nil && p.Kind == passerelle.KindTool {
		copy(row[19:], []string{cell(list(t.Audience)), t.Format, cell(t.Duration), t.License, cell(list(t.Languages))})
	}
	return c.w.Write(row)
}

// Flush writes what is buffered and reports any write error so far.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// list joins items with ";"; a ";" inside an item becomes "," so that the
// list splits back into the same items.
func list(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = strings.ReplaceAll(s, ";", ",")
	}
	return strings.Join(out, ";")
}

func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// cell defuses text that a spreadsheet would take for a formula (OWASP's
// advice on CSV injection): a leading =, +, -, @, tab or carriage return gets
// an apostrophe before it, which spreadsheets hide.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
