package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	pdfreader "github.com/ledongthuc/pdf"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/testenv"
)

// pdfPlainText reads a PDF document as a PDF reader does and returns its
// text, so that the tests look at what people read in it.
func pdfPlainText(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := pdfreader.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("not a PDF a reader opens: %v", err)
	}
	var sb strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		page := r.Page(i)
		if page.V.IsNull() {
			continue
		}
		rows, err := page.GetTextByRow()
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		for _, row := range rows {
			for _, w := range row.Content {
				sb.WriteString(w.S)
			}
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// TestPracticePDF downloads a published sheet as a PDF, opens it with a PDF
// reader and finds its full address, territory with those above it,
// themes, dates and attachments, accents intact; a sheet that is not
// published has no PDF, not even for its author.
func TestPracticePDF(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		ctx := context.Background()
		in := testenv.CompleteExperience("59512", "Égalité à l’école : un forum")
		p, err := s.Service.CreatePractice(ctx, w.RoubaixAuthor, in)
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.Service.AddAttachment(ctx, w.RoubaixAuthor, p.ID, "programme-été.pdf", strings.NewReader("%PDF-1.4\n%%EOF\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Submit(ctx, w.RoubaixAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.DecideOn(ctx, w.RegionMod, p.ID, "approve", "", nil); err != nil {
			t.Fatal(err)
		}
		res, err := http.Get(s.URL + "/fiches/" + pid(p) + ".pdf")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("status %d, type %q: %s", res.StatusCode, res.Header.Get("Content-Type"), raw[:min(len(raw), 200)])
		}
		text := pdfPlainText(t, raw)
		// The reader decodes fpdf's identity Unicode map right up to U+00FF
		// only (it steps the last byte of a range): "’" is not compared.
		for _, want := range []string{"Égalité à l", "école : un forum", "http://passerelle.test/fiches/" + pid(p),
			"Roubaix", "Nord", "Hauts-de-France", "Publiée le", "Thèmes", "Emploi",
			"programme-été.pdf", "http://passerelle.test/attachments/" + idString(a.ID)} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF does not say %q:\n%s", want, text)
			}
		}
		page := getBody(t, s.URL+"/fiches/"+pid(p))
		if !strings.Contains(page, `href="/fiches/`+pid(p)+`.pdf"`) || !strings.Contains(page, "http://passerelle.test/fiches/"+pid(p)) {
			t.Errorf("the sheet links to its PDF and prints its address")
		}
		draft, err := s.Service.CreatePractice(ctx, w.RoubaixAuthor, testenv.CompleteExperience("59512", "Brouillon"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/fiches/" + pid(draft) + ".pdf", "/fiches/999999.pdf"} {
			res, err := http.Get(s.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, res.StatusCode)
			}
		}
		if _, err := s.Service.PublishedPractice(ctx, w.RoubaixAuthor, draft.ID); passerelle.ErrorCode(err) != passerelle.ENotFound {
			t.Errorf("the author's own draft has no PDF: %v", err)
		}
	})
}

func getBody(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
