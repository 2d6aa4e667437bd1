package opendata

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// CSVWriter writes practices as CSV (RFC 4180: CRLF line ends, quoted when
// needed), UTF-8 with a byte order mark, separated by commas or — for
// spreadsheets set up for French, which read a comma as the decimal mark
// and open a comma-separated file as one column — by semicolons.
type CSVWriter struct {
	site *Site
	voc  Vocabulary
	w    *csv.Writer
	row  []string
}

// NewCSVWriter writes the byte order mark and the header row to w; comma is
// the separator, ',' or ';'.
func (s *Site) NewCSVWriter(w io.Writer, voc Vocabulary, comma rune) (*CSVWriter, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Comma = comma
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

// formulaGuard goes before a cell that a spreadsheet would take for a
// formula: U+2060 WORD JOINER, a character with no width and no glyph.
//
// A spreadsheet opening a CSV file evaluates a cell that begins with =, +,
// - or @ (or a tab or carriage return before one), so text typed by
// contributors must not reach it bare (OWASP, "CSV injection"). The usual
// guard, a leading apostrophe, only hides itself when a person types it
// into a cell: in a CSV file it is an ordinary character, and both
// LibreOffice Calc and Excel show "'=1+1" with its apostrophe. A leading
// space or tab shows as an indent, and LibreOffice's "trim spaces" option
// removes it and brings the formula back. An invisible character of category
// Cf does neither: the cell no longer begins with a formula character, so it
// is read as text, and it is shown exactly as typed. Programs reading the
// file see one more character at the start of those cells; the .xlsx export
// needs no guard at all (its text cells are typed as strings) and is what
// the pages offer to spreadsheet users first.
const formulaGuard = "\u2060"

// formulaStarts are the characters that make a spreadsheet read a cell as a
// formula, with their full-width forms, which some versions of Excel read
// alike.
const formulaStarts = "=+-@\t\r＝＋－＠"

// cell defuses text that a spreadsheet would take for a formula (see
// formulaGuard).
func cell(s string) string {
	if r, size := utf8.DecodeRuneInString(s); size > 0 && strings.ContainsRune(formulaStarts, r) {
		return formulaGuard + s
	}
	return s
}
