package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestEverywhereInBrowser: on a phone (390 px) the site menu is one button
// that opens it, the administration's tables read as lists of cards (each
// cell with its column's name, the status kept), and the language switch
// keeps the page and its query; at 1280 px the menu shows without a button.
// axe-core finds no serious violation; screenshots at both widths.
func TestEverywhereInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe
		shot := func(name string) {
			t.Helper()
			png := get(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
			if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		visible := func(what, selector string) bool {
			t.Helper()
			return get(t, ctx, what, chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+jsString(selector)+
				`); return !!e && e.checkVisibility({visibilityProperty: true}); })()`))
		}

		login(t, ctx, base, "admin@passerelle.test")

		// The phone: the menu is a button, closed.
		run(t, ctx, "viewport 390", chromedp.EmulateViewport(390, 844))
		run(t, ctx, "admin home", chromedp.Navigate(base+"/admin?lang=fr"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if !visible("menu button", ".menu-button") || visible("menu list", ".nav-menu .nav-list") {
			t.Error("at 390 px the menu should be a button with its list closed")
		}
		if !visible("logout", `form[action="/logout"] button`) {
			t.Error("at 390 px signing out should stay one tap away")
		}
		checkAccessibility(t, ctx, axe, "admin home, menu closed (390 px)")
		shot("menu-closed-390")
		run(t, ctx, "open the menu", chromedp.Click(chromedp.CSS(".menu-button")), chromedp.WaitVisible(chromedp.CSS(`.nav-menu .nav-list a[href="/admin"]`)))
		checkAccessibility(t, ctx, axe, "admin home, menu open (390 px)")
		shot("menu-open-390")
		// The admin cards: the title above its figure ("Comptes" then
		// "7 comptes", not "Comptes7 comptes").
		if !get(t, ctx, "cards stacked", chromedp.Evaluate[bool](`[...document.querySelectorAll(".admin-cards .card")].every(c => {
			const h = c.querySelector("h2").getBoundingClientRect(), p = c.querySelector("p").getBoundingClientRect();
			return p.top >= h.bottom; })`)) {
			t.Error("an admin card shows its figure beside its title")
		}

		// A table as a list of cards, the state column included.
		run(t, ctx, "accounts", chromedp.Navigate(base+"/admin/utilisateurs?q=passerelle&lang=fr"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		cards := get(t, ctx, "table as cards", chromedp.Evaluate[string](`(() => {
			const rows = [...document.querySelectorAll("table.table-cards tbody tr")];
			if (!rows.length) return "no rows";
			for (const r of rows) {
				if (getComputedStyle(r).display !== "block") return "row not a card";
				const cells = [...r.querySelectorAll("td[data-label]")];
				const last = cells[cells.length - 1];
				if (!last || last.getBoundingClientRect().height === 0) return "state cell hidden";
				const label = getComputedStyle(last, "::before").content;
				if (label !== JSON.stringify(last.dataset.label)) return "label " + label;
			}
			return document.documentElement.scrollWidth <= window.innerWidth ? "ok" : "wider than the screen";
		})()`))
		if cards != "ok" {
			t.Errorf("accounts at 390 px: %s", cards)
		}
		checkAccessibility(t, ctx, axe, "accounts as cards (390 px)")
		shot("accounts-cards-390")

		// The language switch keeps the page and its query.
		run(t, ctx, "journal", chromedp.Navigate(base+"/admin/journal?action=territory.import&lang=fr"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		run(t, ctx, "switch to English", chromedp.Click(chromedp.CSS(`.lang-switch a[hreflang="en"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] main h1`)))
		if loc := get(t, ctx, "after the switch", chromedp.Location()); !strings.Contains(loc, "/admin/journal?") || !strings.Contains(loc, "action=territory.import") {
			t.Errorf("the language switch went to %s", loc)
		}
		checkAccessibility(t, ctx, axe, "journal in English (390 px)")
		shot("journal-390")

		// The desktop: no button, the whole menu.
		run(t, ctx, "viewport 1280", chromedp.EmulateViewport(1280, 900))
		run(t, ctx, "admin home", chromedp.Navigate(base+"/admin?lang=fr"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if visible("menu button", ".menu-button") || !visible("menu list", ".nav-menu .nav-list") {
			t.Error("at 1280 px the menu should show without a button")
		}
		checkAccessibility(t, ctx, axe, "admin home (1280 px)")
		shot("admin-home-1280")
		run(t, ctx, "accounts", chromedp.Navigate(base+"/admin/utilisateurs?q=passerelle&lang=fr"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if d := get(t, ctx, "table at 1280", chromedp.Evaluate[string](`getComputedStyle(document.querySelector("table.table-cards tbody tr")).display`)); d != "table-row" {
			t.Errorf("at 1280 px the accounts are not a table (%s)", d)
		}
		shot("accounts-1280")

		// The jobs dashboard, from the administration's menu, and back.
		run(t, ctx, "admin home", chromedp.Navigate(base+"/admin?lang=fr"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		run(t, ctx, "jobs from the admin menu", chromedp.Click(chromedp.CSS(`.admin-nav a[href="/admin/jobs"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#passerelle-back`)))
		shot("jobs-1280")
		// River UI redraws its page as it starts: the link is followed
		// by script rather than by a node that may be replaced meanwhile.
		if !get(t, ctx, "follow the link back", chromedp.Evaluate[bool](`(() => { const a = document.getElementById("passerelle-back"); a.click(); return !!a; })()`)) {
			t.Fatal("no link back")
		}
		run(t, ctx, "back to the administration", chromedp.WaitVisible(chromedp.CSS(".admin-cards")))
	})
}

// jsString quotes s for a script.
func jsString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}
