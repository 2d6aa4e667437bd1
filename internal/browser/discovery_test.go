package browser

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDiscoveryInBrowser runs axe-core on the discovery pages of the demo
// data — the search page with results and facets, an unknown filter, the
// tool catalogue, the themes, the territory tree and a territory's page —
// and keeps their screenshots.
func TestDiscoveryInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe
		for _, p := range []struct{ name, path string }{
			{"search", "/recherche?q=emploi"},
			{"search-unknown-filter", "/recherche?territory=00"},
			{"tools", "/outils"},
			{"themes", "/themes"},
			{"territories", "/territoires"},
			{"territory", "/territoires/59"},
		} {
			run(t, ctx, p.name, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS("main h1")))
			checkAccessibility(t, ctx, axe, p.name)
			screenshots(t, ctx, shots, p.name)
		}
		// The header's search box leads to the search page.
		run(t, ctx, "header search",
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.CSS("#site-search-q")),
			chromedp.SendKeys(chromedp.CSS("#site-search-q"), "egalite"),
			chromedp.Submit(chromedp.CSS("#site-search-q")),
			chromedp.WaitVisible(chromedp.CSS(".discover-results")),
		)
		if q := get(t, ctx, "search text kept", chromedp.Value(chromedp.CSS("main input#q"))); q != "egalite" {
			t.Errorf("search box after submit = %q", q)
		}
	})
}
