package opendata

import (
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// SheetDocument is a published practice laid out for its PDF, every text
// already in the reader's language: the web layer fills it from the
// practice and the locale files; this file only draws it.
type SheetDocument struct {
	Title string
	// URL is the full address of the sheet's page, printed and linked.
	URL string
	// Lines are short "label: value" facts under the title: kind,
	// territory (with those above it), themes, author, dates.
	Lines []SheetLine
	// Sections are the sheet's texts, in order: summary, body (as plain
	// text), and the fields of an experience report or a tool; empty
	// texts are left out.
	Sections []SheetSection
	// Attachments lists the files, each with its full address.
	AttachmentsHeading string
	Attachments        []SheetLine
	// Footer is printed at the foot of every page with the page number
	// ("Passerelle — page 1/2").
	Footer string
	Lang   string
}

// SheetLine is a label and its value.
type SheetLine struct{ Label, Value string }

// SheetSection is a heading and its text.
type SheetSection struct{ Heading, Text string }

// pdfText makes s printable with the Go fonts, which cover the Latin
// scripts and typography of French but not the narrow no-break space.
func pdfText(s string) string {
	return strings.NewReplacer("\u202f", "\u00a0", "\u2009", " ", "\r", "").Replace(s)
}

// WriteSheetPDF writes d as an A4 PDF document to w. The Go fonts (BSD
// licence, golang.org/x/image/font/gofont) are embedded, so accents print
// on any reader; text stays extractable (each font carries its Unicode
// map).
func WriteSheetPDF(w io.Writer, d SheetDocument) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(pdfText(d.Title), true)
	pdf.SetCreator("Passerelle", true)
	pdf.SetLang(d.Lang)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetMargins(20, 18, 20)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-13)
		pdf.SetFont("go", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, pdfText(fmt.Sprintf("%s — %d/{nb}", d.Footer, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetTextColor(20, 20, 20)
	pdf.SetFont("go", "B", 17)
	pdf.MultiCell(0, 8, pdfText(d.Title), "", "L", false)
	pdf.Ln(1)
	pdf.SetFont("go", "", 9)
	pdf.SetTextColor(0, 70, 150)
	pdf.WriteLinkString(5, pdfText(d.URL), d.URL)
	pdf.Ln(7)
	pdf.SetTextColor(20, 20, 20)
	for _, l := range d.Lines {
		pdf.SetFont("go", "B", 10)
		pdf.Write(5.5, pdfText(l.Label)+"\u00a0: ")
		pdf.SetFont("go", "", 10)
		pdf.Write(5.5, pdfText(l.Value))
		pdf.Ln(5.5)
	}
	for _, s := range d.Sections {
		if strings.TrimSpace(s.Text) == "" {
			continue
		}
		pdf.Ln(3)
		pdf.SetFont("go", "B", 12)
		pdf.MultiCell(0, 6.5, pdfText(s.Heading), "", "L", false)
		pdf.SetFont("go", "", 10)
		pdf.MultiCell(0, 5, pdfText(strings.TrimSpace(s.Text)), "", "L", false)
	}
	if len(d.Attachments) > 0 {
		pdf.Ln(3)
		pdf.SetFont("go", "B", 12)
		pdf.MultiCell(0, 6.5, pdfText(d.AttachmentsHeading), "", "L", false)
		for _, a := range d.Attachments {
			pdf.SetFont("go", "", 10)
			pdf.SetTextColor(20, 20, 20)
			pdf.Write(5.5, "• "+pdfText(a.Label)+" — ")
			pdf.SetTextColor(0, 70, 150)
			pdf.WriteLinkString(5.5, pdfText(a.Value), a.Value)
			pdf.Ln(5.5)
		}
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}
