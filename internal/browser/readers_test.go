package browser

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	pdfreader "github.com/ledongthuc/pdf"

	"github.com/passerelle/passerelle/internal/testenv"
)

// readerShots saves the current page at the widths of issue 14: a phone
// (390 px) and a desktop (1280 px).
func readerShots(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	for _, width := range []int64{390, 1280} {
		run(t, ctx, "viewport", chromedp.EmulateViewport(width, 900))
		buf := get(t, ctx, "screenshot "+name, chromedp.FullScreenshot(85))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.jpg", name, width)), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, ctx, "reset viewport", chromedp.EmulateViewport(1280, 900))
}

// TestReadersInBrowser tries the demo as a new reader would (issue 14), in
// French: the search finds sheets by theme, department, town, partner and
// author; the map names the departments with their counts and works with
// the keyboard; a sheet links to its PDF, which a PDF reader opens with
// the sheet's address; a signed-in reader contacts the team and the
// message reaches the author's outbox without the reader's address. Every
// page passes axe-core and is kept as screenshots at 390 and 1280 px.
func TestReadersInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	axe := axeSource(t)
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			base, dataDir := startServerDir(t, dialect)
			ctx := newBrowser(t)
			shots := artifactsDir(t)
			// In French, whatever the browser's own language.
			run(t, ctx, "French", chromedp.Navigate(base+"/robots.txt"),
				chromedp.Evaluate[chromedp.Void](`document.cookie = "lang=fr; path=/"`))

			for _, c := range []struct {
				name, q string
				want    int
			}{
				{"search-egalite", "egalite", 3},
				{"search-nord", "Nord", 6},
				{"search-roubaix", "Roubaix", 3},
				{"search-partner", `"mission locale"`, 2},
				{"search-author", "Mehdi Haddad", 3},
			} {
				run(t, ctx, c.name, chromedp.Navigate(base+"/recherche?q="+urlQuery(c.q)), chromedp.WaitVisible(chromedp.CSS(".discover-results")))
				n := get(t, ctx, "results of "+c.q, chromedp.Evaluate[int](`document.querySelectorAll('.discover-results .card-title').length`))
				if n != c.want {
					t.Errorf("%q: %d results, want %d", c.q, n, c.want)
				}
				if c.name == "search-egalite" || c.name == "search-nord" {
					checkAccessibility(t, ctx, axe, c.name)
					readerShots(t, ctx, shots, c.name)
				}
			}

			// The map, with the keyboard: the first department with
			// practices follows the map's heading, named with its count;
			// Enter opens its page.
			for _, page := range []string{"/", "/territoires"} {
				run(t, ctx, "map on "+page, chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("svg.map")))
				checkAccessibility(t, ctx, axe, "map "+page)
			}
			readerShots(t, ctx, shots, "territories-map")
			run(t, ctx, "home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("svg.map")))
			if home := get(t, ctx, "home text", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(home, "Prochaine rencontre du réseau") ||
				!strings.Contains(home, "Les fiches par thème") {
				t.Errorf("the home page does not tell the network's story:\n%.1500s", home)
			}
			readerShots(t, ctx, shots, "home")
			run(t, ctx, "back to the territories", chromedp.Navigate(base+"/territoires"), chromedp.WaitVisible(chromedp.CSS("svg.map")))
			run(t, ctx, "focus before the map", chromedp.Evaluate[chromedp.Void](
				`(() => { const h = document.getElementById('map-title'); h.setAttribute('tabindex', '-1'); h.focus(); })()`))
			run(t, ctx, "Tab", chromedp.KeyEvent("\t"))
			focused := get(t, ctx, "focused area", chromedp.Evaluate[string](`document.activeElement.getAttribute('data-code') + '|' + document.activeElement.getAttribute('aria-label')`))
			if focused != "59|Nord\u00a0: 6\u00a0fiches publiées" {
				t.Errorf("after Tab, focus on %q", focused)
			}
			run(t, ctx, "Tab to Pas-de-Calais", chromedp.KeyEvent("\t"))
			focused = get(t, ctx, "focused area", chromedp.Evaluate[string](`document.activeElement.getAttribute('data-code') + '|' + document.activeElement.getAttribute('aria-label')`))
			if focused != "62|Pas-de-Calais\u00a0: 4\u00a0fiches publiées" {
				t.Errorf("after a second Tab, focus on %q", focused)
			}
			run(t, ctx, "Enter", chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS("main h1")))
			if loc := get(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/territoires/62") {
				t.Errorf("Enter on Pas-de-Calais led to %s", loc)
			}

			// A sheet: its PDF, opened by a PDF reader.
			run(t, ctx, "a sheet", chromedp.Navigate(base+"/recherche?q="+urlQuery(`"cartes sur table"`)),
				chromedp.Click(chromedp.CSS(".discover-results .card-title a")),
				chromedp.WaitVisible(chromedp.CSS(".sheet-take-away a")))
			sheet := get(t, ctx, "sheet address", chromedp.Location())
			href := get(t, ctx, "PDF link", chromedp.Evaluate[string](`document.querySelector('.sheet-take-away a').href`))
			res, err := http.Get(href)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("PDF: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			doc, err := pdfreader.NewReader(bytes.NewReader(raw), int64(len(raw)))
			if err != nil {
				t.Fatalf("a PDF reader cannot open it: %v", err)
			}
			plain, err := doc.GetPlainText()
			if err != nil {
				t.Fatal(err)
			}
			text, _ := io.ReadAll(plain)
			for _, want := range []string{sheet, "Roubaix", "Hauts-de-France", "Publiée le"} {
				if !strings.Contains(string(text), want) {
					t.Errorf("the PDF lacks %q", want)
				}
			}
			checkAccessibility(t, ctx, axe, "sheet")

			// Contact the team, signed in as the demo's reader.
			login(t, ctx, base, "thomas.vasseur@passerelle.test")
			message := "Bonjour, nous aimerions adapter votre jeu à Tourcoing : pouvons-nous échanger ?"
			run(t, ctx, "contact form", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS("#contact-message")))
			checkAccessibility(t, ctx, axe, "sheet signed in")
			readerShots(t, ctx, shots, "sheet-contact")
			run(t, ctx, "send", chromedp.SendKeys(chromedp.CSS("#contact-message"), message),
				chromedp.Click(chromedp.CSS(`form[action$="/contact"] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")))
			body := get(t, ctx, "after sending", chromedp.Text(chromedp.CSS(".flash")))
			if !strings.Contains(body, "Votre message est envoyé") {
				t.Errorf("no confirmation after sending:\n%.1500s", body)
			}
			outbox := filepath.Join(dataDir, "outbox")
			var found string
			deadline := time.Now().Add(2 * time.Minute)
			for found == "" && time.Now().Before(deadline) {
				files, _ := filepath.Glob(filepath.Join(outbox, "*.eml"))
				for _, f := range files {
					b, _ := os.ReadFile(f)
					m, err := testenv.ParseMail(b)
					if err == nil && strings.Contains(m.Text, "pouvons-nous") {
						found = f
						if !strings.Contains(m.To, "mehdi.haddad@passerelle.test") || strings.Contains(string(b), "thomas.vasseur") {
							t.Errorf("the message went to %q or reveals the reader's address", m.To)
						}
					}
				}
				if found == "" {
					time.Sleep(200 * time.Millisecond)
				}
			}
			if found == "" {
				t.Error("the author's e-mail never reached the outbox")
			}
		})
	}
}

func urlQuery(s string) string { return strings.NewReplacer(" ", "+", `"`, "%22").Replace(s) }
