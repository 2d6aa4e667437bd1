package browser

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// menuCount returns the count of waiting submissions shown beside the
// desk in the menu, "" when none is shown.
func menuCount(t *testing.T, ctx context.Context) string {
	t.Helper()
	return get(t, ctx, "menu count", chromedp.Evaluate[string](
		`(document.querySelector('.site-nav a[href="/bureau"] .desk-count') || {textContent: ""}).textContent`))
}

// TestDeskInBrowser: a moderator signs in and lands on their desk, sees
// what waits (the count in the menu too), opens the oldest submission,
// claims it and decides from the top of the sheet with the announced
// keyboard shortcuts — which do nothing while typing in a field — and the
// menu's count goes down by one. In French, at 390 and 1280 px, axe-core
// clean; the desk and the sheet under review are photographed.
func TestDeskInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe

		// The moderator of the Nord: two of the demo's submissions wait
		// in the Nord (Lille-Sud and Roubaix).
		run(t, ctx, "in French", chromedp.Navigate(base+"/?lang=fr"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		login(t, ctx, base, "karim.benali@passerelle.test")
		run(t, ctx, "the desk after signing in", chromedp.WaitVisible(chromedp.CSS(`#desk-waiting`)))
		if loc := get(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/bureau") {
			t.Fatalf("landed on %s, want the desk", loc)
		}
		if got := menuCount(t, ctx); got != "2" {
			t.Errorf("menu count %q, want 2", got)
		}
		deskText := get(t, ctx, "desk text", chromedp.Text(chromedp.CSS(`main`)))
		if !strings.Contains(deskText, "En attente depuis") || strings.Contains(deskText, "depuis il y a") {
			t.Errorf("the desk does not say how long each waits as a duration:\n%s", deskText)
		}
		checkAccessibility(t, ctx, axe, "desk")
		screenshots(t, ctx, shots, "desk")

		run(t, ctx, "open the oldest waiting submission", chromedp.Click(chromedp.CSS(`#desk-waiting .desk-item a`)),
			chromedp.WaitVisible(chromedp.CSS(`#decision-form`)))
		// The decision is at the top: above the summary of the sheet.
		above := get(t, ctx, "decision above the sheet", chromedp.Evaluate[bool](
			`document.querySelector('#decision-form').getBoundingClientRect().top < document.querySelector('.practice .lead').getBoundingClientRect().top`))
		if !above {
			t.Error("the decision form is not above the sheet's text")
		}
		hint := get(t, ctx, "shortcut hint", chromedp.Text(chromedp.CSS(`#shortcut-hint`)))
		if !strings.Contains(hint, "Alt+Maj+A") {
			t.Errorf("shortcut hint %q", hint)
		}

		// Alt+Shift+P claims.
		run(t, ctx, "claim with Alt+Shift+P", chromedp.KeyEvent("p", chromedp.KeyModifiers(chromedp.ModifierAlt, chromedp.ModifierShift)),
			chromedp.WaitVisible(chromedp.CSS(`form[action$="/prise-en-charge/liberer"]`)))
		checkAccessibility(t, ctx, axe, "sheet under review")
		screenshots(t, ctx, shots, "desk-sheet-under-review")

		// Inside a text field the shortcuts do nothing.
		run(t, ctx, "Alt+Shift+A inside the reason", chromedp.Focus(chromedp.CSS(`#comment`)),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierAlt, chromedp.ModifierShift)))
		if get(t, ctx, "approve chosen", chromedp.Evaluate[bool](`document.getElementById('decision').checked`)) {
			t.Error("Alt+Shift+A chose the approval while typing in the reason")
		}
		// Outside, it chooses the approval and goes to the button.
		run(t, ctx, "leave the field", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
		run(t, ctx, "Alt+Shift+A", chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierAlt, chromedp.ModifierShift)))
		focused := get(t, ctx, "focus", chromedp.Evaluate[string](`document.getElementById('decision').checked + " " + document.activeElement.id`))
		if focused != "true decision-submit" {
			t.Errorf("after Alt+Shift+A: %q, want the approval chosen and its button focused", focused)
		}
		// Enter on the focused button decides; back on the desk, one
		// submission less waits.
		run(t, ctx, "approve", chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS(`#desk-waiting`)))
		if loc := get(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/bureau") {
			t.Errorf("after deciding: %s, want the desk", loc)
		}
		if got := menuCount(t, ctx); got != "1" {
			t.Errorf("menu count on the desk %q, want 1", got)
		}
		checkAccessibility(t, ctx, axe, "desk after a decision")
		// The charts of the desk, drawn on the server, with their tables.
		if n := get(t, ctx, "charts", chromedp.Evaluate[int](`document.querySelectorAll('#desk-figures svg[role=img]').length`)); n != 4 {
			t.Errorf("%d charts on the desk, want 4", n)
		}
		run(t, ctx, "to the charts", chromedp.ScrollIntoView(chromedp.CSS(`#desk-figures`)))
		screenshots(t, ctx, shots, "desk-charts")
		logout(t, ctx)

		// The administrators' figures.
		login(t, ctx, base, "admin@passerelle.test")
		run(t, ctx, "figures", chromedp.Navigate(base+"/admin/chiffres"), chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
		text := get(t, ctx, "figures text", chromedp.Text(chromedp.CSS(`main`)))
		for _, want := range []string{"Soumissions et publications par mois", "Attente médiane", "Fiches publiées par thème", "niveau de territoire"} {
			if !strings.Contains(text, want) {
				t.Errorf("the figures lack %q", want)
			}
		}
		checkAccessibility(t, ctx, axe, "administrators' figures")
		screenshots(t, ctx, shots, "admin-charts")
	})
}

// TestFreshnessInBrowser: the demo's sheet published 30 months ago (older
// than the review period) gets its author asked when the workers start —
// a notification — and reads "à actualiser" for readers until its author
// confirms it from the sheet; the sheet says "publiée le … · vérifiée le …".
func TestFreshnessInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe
		run(t, ctx, "in French", chromedp.Navigate(base+"/?lang=fr"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		login(t, ctx, base, "sophie.lemaire@passerelle.test")
		openFreshnessRequest(t, ctx, base, `#fraicheur`)
		sheet := get(t, ctx, "sheet address", chromedp.Location())
		text := get(t, ctx, "freshness", chromedp.Text(chromedp.CSS(`#fraicheur`)))
		if !strings.Contains(text, "Publiée le") || !strings.Contains(text, "vérifiée le") || !strings.Contains(text, "À actualiser") {
			t.Errorf("freshness line %q", text)
		}
		checkAccessibility(t, ctx, axe, "sheet to refresh")
		screenshots(t, ctx, shots, "freshness-sheet-due")
		logout(t, ctx)

		// Readers see it too, on the sheet and on its cards.
		run(t, ctx, "anonymous sheet", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`#fraicheur .badge-warning`)))
		run(t, ctx, "territory", chromedp.Navigate(base+"/territoires/qpv-lille-sud"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if !strings.Contains(get(t, ctx, "territory", chromedp.Text(chromedp.CSS(`main`))), "À actualiser") {
			t.Error("the territory's cards do not say the sheet needs updating")
		}

		// The moderator finds it on the desk.
		login(t, ctx, base, "karim.benali@passerelle.test")
		run(t, ctx, "desk", chromedp.Navigate(base+"/bureau"), chromedp.WaitVisible(chromedp.CSS(`#desk-refresh .desk-item`)))
		checkAccessibility(t, ctx, axe, "desk with a sheet to refresh")
		screenshots(t, ctx, shots, "desk-refresh")
		logout(t, ctx)

		// The author confirms it: no longer to refresh, checked today.
		login(t, ctx, base, "sophie.lemaire@passerelle.test")
		run(t, ctx, "confirm", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`form[action$="/verifiee"] button`)),
			chromedp.Click(chromedp.CSS(`form[action$="/verifiee"] button`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		text = get(t, ctx, "freshness after", chromedp.Text(chromedp.CSS(`#fraicheur`)))
		if strings.Contains(text, "À actualiser") {
			t.Errorf("still to refresh after confirming: %q", text)
		}
		logout(t, ctx)
		run(t, ctx, "anonymous sheet after", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`#fraicheur`)))
		if n := get(t, ctx, "badge", chromedp.Evaluate[int](`document.querySelectorAll('#fraicheur .badge-warning').length`)); n != 0 {
			t.Error("readers still see it to refresh")
		}
	})
}

// TestFollowInBrowser: an anonymous visitor on a territory's page clicks
// "Suivre ce territoire", chooses the frequency, signs in and comes back to
// the territory's page, following it.
func TestFollowInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe
		run(t, ctx, "territory in French", chromedp.Navigate(base+"/territoires/59?lang=fr"),
			chromedp.WaitVisible(chromedp.CSS(`a.follow-button`)))
		if n := get(t, ctx, "selects", chromedp.Evaluate[int](`document.querySelectorAll('main select#follow-frequency').length`)); n != 0 {
			t.Error("the unlabelled drop-down is still there")
		}
		run(t, ctx, "click Suivre", chromedp.Click(chromedp.CSS(`a.follow-button`)), chromedp.WaitVisible(chromedp.CSS(`#frequency-daily`)))
		checkAccessibility(t, ctx, axe, "follow page")
		screenshots(t, ctx, shots, "follow-choice")
		run(t, ctx, "choose daily and sign in", chromedp.Click(chromedp.CSS(`label[for=frequency-daily]`)),
			chromedp.Click(chromedp.CSS(`main form[action="/suivre"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=email]`), "thomas.vasseur@passerelle.test"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "passerelle-demo"),
			chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)))
		if loc := get(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/territoires/59") {
			t.Errorf("after signing in: %s, want back on the territory", loc)
		}
		if flash := get(t, ctx, "flash", chromedp.Text(chromedp.CSS(`.flash`))); !strings.Contains(flash, "prévenu") {
			t.Errorf("flash %q", flash)
		}
		checkAccessibility(t, ctx, axe, "territory followed")
		run(t, ctx, "subscriptions", chromedp.Navigate(base+"/abonnements"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if text := get(t, ctx, "subscriptions", chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(text, "Nord") {
			t.Errorf("the subscriptions do not list the Nord:\n%s", text)
		}
	})
}

// openFreshnessRequest waits, on the signed-in author's notifications, for
// the request to confirm that the demo's old sheet is current (it arrives
// when the periodic job has run), then follows it to the sheet and waits
// for what of it is visible.
func openFreshnessRequest(t *testing.T, ctx context.Context, base, visible string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		run(t, ctx, "notifications", chromedp.Navigate(base+"/notifications"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if strings.Contains(get(t, ctx, "notifications", chromedp.Text(chromedp.CSS(`main`))), "toujours à jour") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the author was never asked to confirm the old sheet")
		}
		time.Sleep(300 * time.Millisecond)
	}
	run(t, ctx, "open the sheet", chromedp.Click(chromedp.CSS(`main a[href^="/fiches/"]`)), chromedp.WaitVisible(chromedp.CSS(visible)))
}
