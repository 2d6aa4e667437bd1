package browser

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/passerelle/passerelle/internal/testenv"
	"github.com/passerelle/passerelle/internal/view"
	"github.com/passerelle/passerelle/internal/web"
	"github.com/passerelle/passerelle/ui"
)

// TestUnavailablePageInBrowser: with the database gone, a page answers the
// French 503 page — what happened, that a form sent is one page back, a
// link to try again — accessible, at phone and desktop widths.
func TestUnavailablePageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	t.Parallel()
	b := testenv.Setup(t, "sqlite", testenv.Options{})
	cat, err := view.LoadCatalog(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := view.New(ui.FS, cat)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(b.Service, engine, web.Options{BaseURL: "http://passerelle.test", Dialect: "sqlite",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	if err := b.DB.Close(); err != nil {
		t.Fatal(err)
	}
	axe := axeSource(t)
	ctx := newBrowser(t)
	shots := artifactsDir(t)
	run(t, ctx, "the page of a territory, database gone",
		chromedp.Navigate(srv.URL+"/territoires/59?lang=fr"),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	heading := get(t, ctx, "heading", chromedp.Text(chromedp.CSS(`main h1`)))
	if heading != "Service momentanément indisponible" {
		t.Errorf("heading %q", heading)
	}
	retry := get(t, ctx, "retry link", chromedp.AttributeValue(chromedp.CSS(`main a[href="/territoires/59?lang=fr"]`), "href"))
	if retry.Value != "/territoires/59?lang=fr" {
		t.Errorf("retry link %q", retry.Value)
	}
	checkAccessibility(t, ctx, axe, "503")
	screenshots(t, ctx, shots, "unavailable")
	// And as PNG at 390 px, for a look without an image converter.
	run(t, ctx, "viewport", chromedp.EmulateViewport(390, 800))
	png := get(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(shots, "unavailable-390.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
