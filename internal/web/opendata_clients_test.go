package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"

	"github.com/passerelle/passerelle/internal/opendata"
	"github.com/passerelle/passerelle/internal/testenv"
)

// Open data read by clients nobody on the project wrote: the Atom feeds by
// gofeed (universal and Atom parsers), the .xlsx export by reading its
// Office Open XML parts with the standard library (excelize wrote it), and
// conditional GETs as caches and feed readers send them.

func TestFeedsReadByGofeed(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		for _, c := range []struct{ path, alternate string }{
			{"/feeds/practices.atom", odBaseURL + "/"},
			{"/feeds/practices.atom?theme=emploi", odBaseURL + "/themes/emploi"},
			{"/feeds/practices.atom?territory=59350", odBaseURL + "/territoires/59350"},
			{"/feeds/practices.atom?kind=tool", odBaseURL + "/outils"},
		} {
			res := od.get(t, c.path)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d", c.path, res.Status)
			}
			uni, err := gofeed.NewParser().Parse(bytes.NewReader(res.Body))
			if err != nil || uni.FeedType != "atom" || uni.Title == "" || len(uni.Items) == 0 {
				t.Fatalf("%s: gofeed: %v (%+v)", c.path, err, uni)
			}
			f, err := (&atom.Parser{}).Parse(bytes.NewReader(res.Body))
			if err != nil {
				t.Fatalf("%s: gofeed/atom: %v", c.path, err)
			}
			var alternate, self string
			for _, l := range f.Links {
				switch l.Rel {
				case "alternate":
					alternate = l.Href
				case "self":
					self = l.Href
				}
			}
			if alternate != c.alternate || !strings.HasPrefix(self, odBaseURL+"/feeds/practices.atom") {
				t.Errorf("%s: alternate %q (want %q), self %q", c.path, alternate, c.alternate, self)
			}
			for _, e := range f.Entries {
				p := od.Published[e.Title]
				if p == nil {
					t.Errorf("%s: entry %q is no published practice", c.path, e.Title)
					continue
				}
				body := p.Body // the Markdown, rendered
				if strings.Contains(body, "**entreprises**") {
					body = "<strong>entreprises</strong>"
				}
				if e.Content == nil || e.Content.Type != "html" || !strings.Contains(e.Content.Value, body) {
					t.Errorf("%s: %q: content %+v, want the sanitised HTML of the body", c.path, e.Title, e.Content)
				}
				if e.UpdatedParsed == nil || e.PublishedParsed == nil || len(e.Authors) != 1 {
					t.Errorf("%s: %q: updated %v, published %v, authors %v", c.path, e.Title, e.UpdatedParsed, e.PublishedParsed, e.Authors)
				}
			}
		}
		res := od.get(t, "/feeds/rencontres.atom")
		if _, err := gofeed.NewParser().Parse(bytes.NewReader(res.Body)); res.Status != http.StatusOK || err != nil {
			t.Errorf("meetings feed: %d %v", res.Status, err)
		}
	})
}

// TestXLSXReadIndependently opens the spreadsheet as a spreadsheet program
// does: the zip archive, the workbook, the shared strings and the sheet.
func TestXLSXReadIndependently(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		res := od.get(t, "/export/practices.xlsx")
		if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("%d %s", res.Status, res.Header.Get("Content-Type"))
		}
		z, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
		if err != nil {
			t.Fatal(err)
		}
		part := func(name string) []byte {
			t.Helper()
			f, err := z.Open(name)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			defer func() { _ = f.Close() }()
			b, err := io.ReadAll(f)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		var shared struct {
			SI []struct {
				T string `xml:"t"`
				R []struct {
					T string `xml:"t"`
				} `xml:"r"`
			} `xml:"si"`
		}
		var strs []string
		if _, err := z.Open("xl/sharedStrings.xml"); err == nil {
			if err := xml.Unmarshal(part("xl/sharedStrings.xml"), &shared); err != nil {
				t.Fatal(err)
			}
			for _, si := range shared.SI {
				s := si.T
				for _, r := range si.R {
					s += r.T
				}
				strs = append(strs, s)
			}
		}
		var sheet struct {
			Pane struct {
				YSplit string `xml:"ySplit,attr"`
				State  string `xml:"state,attr"`
			} `xml:"sheetViews>sheetView>pane"`
			Rows []struct {
				Cells []struct {
					Ref    string `xml:"r,attr"`
					Type   string `xml:"t,attr"`
					Style  string `xml:"s,attr"`
					Value  string `xml:"v"`
					Inline string `xml:"is>t"`
				} `xml:"c"`
			} `xml:"sheetData>row"`
		}
		if err := xml.Unmarshal(part("xl/worksheets/sheet1.xml"), &sheet); err != nil {
			t.Fatal(err)
		}
		if sheet.Pane.YSplit != "1" || sheet.Pane.State != "frozen" {
			t.Errorf("pane %+v, want the first line frozen", sheet.Pane)
		}
		text := func(row, col int) (string, string) {
			for _, c := range sheet.Rows[row].Cells {
				if colIndex(c.Ref) != col {
					continue
				}
				switch c.Type {
				case "s":
					i, _ := strconv.Atoi(c.Value)
					return strs[i], c.Type
				case "inlineStr":
					return c.Inline, c.Type
				default:
					return c.Value, c.Type
				}
			}
			return "", ""
		}
		if len(sheet.Rows) != 1+len(od.Published) {
			t.Fatalf("%d rows, want a header and %d practices", len(sheet.Rows), len(od.Published))
		}
		for i, name := range opendata.CSVColumns {
			if got, _ := text(0, i); got != name {
				t.Errorf("header %d = %q, want %q", i, got, name)
			}
		}
		id := slices.Index(opendata.CSVColumns, "id")
		title := slices.Index(opendata.CSVColumns, "title")
		published := slices.Index(opendata.CSVColumns, "published_at")
		var titles []string
		for r := 1; r < len(sheet.Rows); r++ {
			v, _ := text(r, title)
			titles = append(titles, v)
			if v, typ := text(r, id); typ != "" && typ != "n" || v == "" {
				t.Errorf("row %d: id %q of type %q, want a number", r, v, typ)
			}
			// A date is a number (days since 1900) with a date format.
			if v, typ := text(r, published); typ != "" && typ != "n" {
				t.Errorf("row %d: published_at %q of type %q, want a date number", r, v, typ)
			} else if days, err := strconv.ParseFloat(v, 64); err != nil || days < 40000 {
				t.Errorf("row %d: published_at %q", r, v)
			} else if at := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(days * 24 * float64(time.Hour))); time.Since(at) > 48*time.Hour {
				t.Errorf("row %d: published_at reads as %v", r, at)
			}
		}
		slices.Sort(titles)
		want := []string{}
		for t := range od.Published {
			want = append(want, t)
		}
		slices.Sort(want)
		if !slices.Equal(titles, want) {
			t.Errorf("titles %q, want %q (accents intact)", titles, want)
		}
	})
}

// colIndex turns a cell reference ("C7") into its column index (2).
func colIndex(ref string) int {
	n := 0
	for _, c := range ref {
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
	}
	return n - 1
}

// TestConditionalFeedsAndExports: feeds and exports carry Last-Modified and
// answer If-Modified-Since with 304, HEAD included; a change publishes a
// newer date.
func TestConditionalFeedsAndExports(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		for _, p := range []string{"/feeds/practices.atom", "/feeds/practices.atom?theme=emploi", "/export/practices.csv",
			"/export/practices.csv?sep=semicolon", "/export/practices.xlsx"} {
			res := od.get(t, p)
			lm := res.Header.Get("Last-Modified")
			at, err := http.ParseTime(lm)
			if res.Status != http.StatusOK || err != nil || time.Since(at) > time.Hour {
				t.Errorf("%s: %d, Last-Modified %q", p, res.Status, lm)
				continue
			}
			for _, m := range []string{http.MethodGet, http.MethodHead} {
				again := od.send(t, m, p, "", "If-Modified-Since", lm)
				if again.Status != http.StatusNotModified || len(again.Body) != 0 || again.Header.Get("Last-Modified") != lm {
					t.Errorf("%s %s If-Modified-Since %s: %d, Last-Modified %q", m, p, lm, again.Status, again.Header.Get("Last-Modified"))
				}
			}
			older := at.Add(-time.Hour).Format(http.TimeFormat)
			if again := od.get(t, p, "If-Modified-Since", older); again.Status != http.StatusOK || len(again.Body) == 0 {
				t.Errorf("%s If-Modified-Since %s (older): %d", p, older, again.Status)
			}
		}
	})
}
