package browser

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDepartmentMapInBrowser walks from the map of France into a
// department with the keyboard only, in French (issue 14): Tab reaches
// Nord on the map of France, Enter opens its page, whose map draws the
// department large with its territories as points; Tab reaches the
// Métropole Européenne de Lille's ring, then Roubaix, each named with its
// count and visibly focused; Enter opens Roubaix's page, where Roubaix is
// marked on the Nord's map. Both pages pass axe-core, fit a 390 px phone
// without scrolling sideways, and are kept as screenshots at 390 and
// 1280 px.
func TestDepartmentMapInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		ctx := b.ctx
		run(t, ctx, "French", chromedp.Navigate(b.base+"/robots.txt"),
			chromedp.Evaluate[chromedp.Void](`document.cookie = "lang=fr; path=/"`))
		focused := func(what string) string {
			return get(t, ctx, what, chromedp.Evaluate[string](`document.activeElement.getAttribute('data-code') + '|' + document.activeElement.getAttribute('aria-label')`))
		}
		focusBefore := func(heading string) {
			run(t, ctx, "focus "+heading, chromedp.Evaluate[chromedp.Void](
				`(() => { const h = document.getElementById('`+heading+`'); h.setAttribute('tabindex', '-1'); h.focus(); })()`))
		}

		run(t, ctx, "the map of France", chromedp.Navigate(b.base+"/territoires"), chromedp.WaitVisible(chromedp.CSS("svg.map")))
		focusBefore("map-title")
		run(t, ctx, "Tab", chromedp.KeyEvent("\t"))
		if got := focused("Nord on the map of France"); got != "59|Nord\u00a0: 6\u00a0fiches publiées" {
			t.Fatalf("after Tab, focus on %q", got)
		}
		run(t, ctx, "Enter on Nord", chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS("svg.map.zoom")))
		if loc := get(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/territoires/59") {
			t.Fatalf("Enter on Nord led to %s", loc)
		}
		checkAccessibility(t, ctx, b.axe, "Nord's map")
		fits(t, ctx, "Nord's map")
		screenshots(t, ctx, b.shots, "nord-map")

		mapOnly(t, ctx, b.shots, "nord-map-only")
		focusBefore("zoom-title")
		run(t, ctx, "Tab", chromedp.KeyEvent("\t"))
		if got := focused("the first point"); got != "200093201|Métropole Européenne de Lille\u00a0: 6\u00a0fiches publiées" {
			t.Errorf("after Tab, focus on %q", got)
		}
		run(t, ctx, "Tab", chromedp.KeyEvent("\t"))
		if got := focused("the second point"); got != "59512|Roubaix\u00a0: 3\u00a0fiches publiées" {
			t.Fatalf("after a second Tab, focus on %q", got)
		}
		// The focus shows: the focused disc is outlined in black.
		if stroke := get(t, ctx, "focus ring", chromedp.Evaluate[string](`getComputedStyle(document.activeElement.querySelector('circle')).stroke`)); stroke != "rgb(0, 0, 0)" {
			t.Errorf("the focused point's outline is %q", stroke)
		}
		run(t, ctx, "viewport", chromedp.EmulateViewport(390, 900))
		shotFocused(t, ctx, b.shots, "nord-map-focus-roubaix-390")
		run(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
		run(t, ctx, "Enter on Roubaix", chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS("svg.map.zoom")))
		if loc := get(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/territoires/59512") {
			t.Fatalf("Enter on Roubaix led to %s", loc)
		}
		if cur := get(t, ctx, "marked", chromedp.Evaluate[string](`document.querySelector('svg.map.zoom a[aria-current="page"]').getAttribute('data-code')`)); cur != "59512" {
			t.Errorf("Roubaix's page marks %q on the map", cur)
		}
		checkAccessibility(t, ctx, b.axe, "Roubaix's page")
		fits(t, ctx, "Roubaix's page")
		screenshots(t, ctx, b.shots, "roubaix-map")

		// Pas-de-Calais: another shape, other communes and neighbourhoods.
		run(t, ctx, "Pas-de-Calais", chromedp.Navigate(b.base+"/territoires/62"), chromedp.WaitVisible(chromedp.CSS("svg.map.zoom")))
		checkAccessibility(t, ctx, b.axe, "Pas-de-Calais's map")
		mapOnly(t, ctx, b.shots, "pas-de-calais-map-only")
	})
}

// fits checks that the page needs no sideways scrolling on a 390 px phone.
func fits(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	run(t, ctx, "viewport", chromedp.EmulateViewport(390, 900))
	if w := get(t, ctx, "width of "+what, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("%s is %d px wide on a 390 px phone", what, w)
	}
	run(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
}

// shotFocused saves the visible part of the page, around the focus.
func shotFocused(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	run(t, ctx, "scroll to the focus", chromedp.Evaluate[chromedp.Void](`document.activeElement.scrollIntoView({block: 'center'})`))
	buf := get(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// mapOnly saves the department's map alone, at a desktop's width, as PNG.
func mapOnly(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	buf := get(t, ctx, "screenshot "+name, chromedp.Screenshot(chromedp.CSS("svg.map.zoom")))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
