package browser

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestUpdateInBrowser: the author of the demo's old sheet, asked whether it
// is still current, updates it from the sheet ("Mettre à jour la fiche"):
// the writing form holds the published text; the new version is submitted
// while readers keep the published one; the moderator compares the two
// and approves; readers then read the new version, checked today, with the
// file and the cover the update added. A second update removes them: the
// form lists them removed, readers keep them until the moderator, who sees
// them named in the comparison, approves.
func TestUpdateInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe
		run(t, ctx, "in French", chromedp.Navigate(base+"/?lang=fr"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		login(t, ctx, base, "sophie.lemaire@passerelle.test")
		openFreshnessRequest(t, ctx, base, `#mettre-a-jour button`)
		sheet := strings.SplitN(get(t, ctx, "sheet address", chromedp.Location()), "?", 2)[0]
		published := get(t, ctx, "published title", chromedp.Text(chromedp.CSS(`main h1`)))
		if says := get(t, ctx, "update button", chromedp.Text(chromedp.CSS(`#mettre-a-jour button`))); says != "Mettre à jour la fiche" {
			t.Errorf("the update button says %q", says)
		}
		checkAccessibility(t, ctx, axe, "sheet to refresh, with its update button")
		screenshots(t, ctx, shots, "update-sheet")

		// The form of the new version holds the published text.
		run(t, ctx, "start the update", chromedp.Click(chromedp.CSS(`#mettre-a-jour button`)),
			chromedp.WaitVisible(chromedp.CSS(`#title`)))
		if v := get(t, ctx, "title in the form", chromedp.Value(chromedp.CSS(`#title`))); v != published {
			t.Errorf("the update's form holds %q, want the published %q", v, published)
		}
		newTitle := published + " (édition 2026)"
		run(t, ctx, "edit", chromedp.SetValue(chromedp.CSS(`#title`), newTitle))
		file, cover := updateFiles(t)
		run(t, ctx, "add a file to the update",
			chromedp.SetUploadFiles(chromedp.CSS(`#files-input`), []string{file}),
			chromedp.WaitVisible(chromedp.CSS(`#files-list li a[href^="/attachments/"]`)))
		runWithin(t, ctx, "add a cover to the update", coverTimeout,
			chromedp.SendKeys(chromedp.CSS(`#cover_alt`), "Affiche du forum 2026"),
			chromedp.SetUploadFiles(chromedp.CSS(`#cover`), []string{cover}),
			chromedp.Click(chromedp.CSS(`#cover-submit`)),
			chromedp.WaitVisible(chromedp.CSS(`#cover-current img[alt="Affiche du forum 2026"]`)))
		checkAccessibility(t, ctx, axe, "update's form")
		screenshots(t, ctx, shots, "update-form")
		get(t, ctx, "submit button ready", chromedp.Poll[string](
			`(() => { const b = document.getElementById("submit-button").textContent; return b === "Enregistrer et soumettre" ? b : ""; })()`))
		run(t, ctx, "submit the update", chromedp.Click(chromedp.CSS(`#submit-button`)),
			chromedp.WaitVisible(chromedp.CSS(`main article.practice`)))
		update := strings.SplitN(get(t, ctx, "update address", chromedp.Location()), "?", 2)[0]
		if update == sheet {
			t.Fatal("the update is the published sheet itself")
		}
		text := get(t, ctx, "update page", chromedp.Text(chromedp.CSS(`main`)))
		if !strings.Contains(text, "Mise à jour d’une fiche publiée") || !strings.Contains(text, "En relecture") {
			t.Errorf("the update's page reads:\n%.1200s", text)
		}
		// Its author sees, on the published sheet, that it is under review.
		run(t, ctx, "sheet under update", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`.update-notice`)))
		checkAccessibility(t, ctx, axe, "sheet with an update under review")
		screenshots(t, ctx, shots, "update-pending-sheet")
		// "Mes fiches" lists the update beside the published sheets, which
		// each offer theirs.
		run(t, ctx, "my practices", chromedp.Navigate(base+"/mes-fiches"), chromedp.WaitVisible(chromedp.CSS(`main table`)))
		if !strings.Contains(get(t, ctx, "my practices", chromedp.Text(chromedp.CSS(`main table`))), newTitle) {
			t.Error("Mes fiches does not list the update")
		}
		if n := get(t, ctx, "update buttons", chromedp.Evaluate[int](`document.querySelectorAll('form.mine-update button').length`)); n == 0 {
			t.Error("Mes fiches offers no update of a published sheet")
		}
		// The sheet under update offers to resume it, with its state, not
		// to start another.
		path := strings.TrimPrefix(update, base)
		resume := get(t, ctx, "resume link", chromedp.Evaluate[string](`(() => {
			const a = document.querySelector('.mine-update-open a[href="`+path+`"]');
			return a ? a.closest('p').textContent.replace(/\s+/g, " ").trim() : "";
		})()`))
		if !strings.Contains(resume, "Reprendre la mise à jour") || !strings.Contains(resume, "Mise à jour en cours") || !strings.Contains(resume, "En relecture") {
			t.Errorf("the sheet under update offers %q, want to resume the update, submitted", resume)
		}
		sheetPath := strings.TrimPrefix(sheet, base)
		if n := get(t, ctx, "start buttons of the sheet", chromedp.Evaluate[int](`document.querySelectorAll('form[action="`+sheetPath+`/mise-a-jour"]').length`)); n != 0 {
			t.Error("Mes fiches offers to start a second update of the sheet")
		}
		checkAccessibility(t, ctx, axe, "my practices with an update")
		screenshots(t, ctx, shots, "update-mine")
		logout(t, ctx)

		// Readers keep the published version, and no word of the update.
		run(t, ctx, "anonymous sheet", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if h := get(t, ctx, "anonymous title", chromedp.Text(chromedp.CSS(`main h1`))); h != published {
			t.Errorf("readers read %q during the review, want %q", h, published)
		}
		if n := get(t, ctx, "notice", chromedp.Evaluate[int](`document.querySelectorAll('.update-notice, #mettre-a-jour').length`)); n != 0 {
			t.Error("readers see the update under way")
		}

		// The moderator compares the published version with the proposal
		// and approves.
		login(t, ctx, base, "karim.benali@passerelle.test")
		run(t, ctx, "desk", chromedp.Navigate(base+"/bureau"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if !strings.Contains(get(t, ctx, "desk", chromedp.Text(chromedp.CSS(`main`))), newTitle) {
			t.Error("the desk does not list the update")
		}
		run(t, ctx, "the update", chromedp.Navigate(update), chromedp.WaitVisible(chromedp.CSS(`input[name=decision][value=approve]`)))
		text = get(t, ctx, "update for the moderator", chromedp.Text(chromedp.CSS(`main`)))
		if !strings.Contains(text, "(édition 2026)") || !strings.Contains(text, "Mise à jour d’une fiche publiée") {
			t.Errorf("the moderator's page reads:\n%.1500s", text)
		}
		if says := get(t, ctx, "decision", chromedp.Text(chromedp.CSS(`label[for=decision]`))); says != "Publier la mise à jour" {
			t.Errorf("the decision on an update says %q", says)
		}
		checkAccessibility(t, ctx, axe, "update under review, for the moderator")
		screenshots(t, ctx, shots, "update-review")
		run(t, ctx, "approve",
			chromedp.Click(chromedp.CSS(`input[name=decision][value=approve]`)),
			chromedp.Click(chromedp.CSS(`form[action$="/decision"] button[type=submit]`)),
			chromedp.WaitNotPresent(chromedp.CSS(`#decision-form`)))
		if flash := get(t, ctx, "flash", chromedp.Text(chromedp.CSS(`.flash`))); !strings.HasPrefix(flash, "La mise à jour est publiée") {
			t.Errorf("after the approval the desk says %q", flash)
		}
		screenshots(t, ctx, shots, "update-approved-desk")
		logout(t, ctx)

		// Readers read the new version, checked today, no longer to refresh.
		run(t, ctx, "anonymous sheet after", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`#fraicheur`)))
		if h := get(t, ctx, "title after", chromedp.Text(chromedp.CSS(`main h1`))); h != newTitle {
			t.Errorf("after the approval readers read %q, want %q", h, newTitle)
		}
		if n := get(t, ctx, "badge", chromedp.Evaluate[int](`document.querySelectorAll('#fraicheur .badge-warning').length`)); n != 0 {
			t.Error("still to refresh after the update")
		}
		text = get(t, ctx, "updated sheet", chromedp.Text(chromedp.CSS(`main`)))
		if !strings.Contains(text, "programme-2026.txt") || get(t, ctx, "cover", chromedp.Evaluate[int](`document.querySelectorAll('main img[alt="Affiche du forum 2026"]').length`)) == 0 {
			t.Errorf("the updated sheet lacks the update's file or cover:\n%.1500s", text)
		}
		checkAccessibility(t, ctx, axe, "updated sheet")
		screenshots(t, ctx, shots, "update-published")

		// A second update removes the file and the cover.
		login(t, ctx, base, "sophie.lemaire@passerelle.test")
		run(t, ctx, "second update", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`#mettre-a-jour button`)),
			chromedp.Click(chromedp.CSS(`#mettre-a-jour button`)), chromedp.WaitVisible(chromedp.CSS(`#files-list li button[data-remove-url]`)))
		edit := strings.SplitN(get(t, ctx, "second update's address", chromedp.Location()), "?", 2)[0]
		run(t, ctx, "remove the published file",
			chromedp.Click(chromedp.CSS(`#files-list li button[data-remove-url]`)),
			chromedp.WaitNotPresent(chromedp.CSS(`#files-list li button[data-remove-url]`)))
		run(t, ctx, "remove the published cover",
			chromedp.WaitVisible(chromedp.CSS(`#cover-current img[alt="Affiche du forum 2026"]`)),
			chromedp.Click(chromedp.CSS(`#cover-remove button`)),
			chromedp.WaitNotPresent(chromedp.CSS(`#cover-current img`)))
		run(t, ctx, "the form again", chromedp.Navigate(edit), chromedp.WaitVisible(chromedp.CSS(`.update-removed`)))
		removed := get(t, ctx, "removals", chromedp.Evaluate[string](`Array.from(document.querySelectorAll('.update-removed')).map(e => e.textContent).join(" ")`))
		if !strings.Contains(removed, "programme-2026.txt") || !strings.Contains(removed, "Affiche du forum 2026") {
			t.Errorf("the form of the update lists as removed: %q", removed)
		}
		checkAccessibility(t, ctx, axe, "update's form with removals")
		screenshots(t, ctx, shots, "update-removals-form")
		get(t, ctx, "submit button ready", chromedp.Poll[string](
			`(() => { const b = document.getElementById("submit-button").textContent; return b === "Enregistrer et soumettre" ? b : ""; })()`))
		run(t, ctx, "submit the removals", chromedp.Click(chromedp.CSS(`#submit-button`)),
			chromedp.WaitVisible(chromedp.CSS(`main article.practice`)))
		second := strings.SplitN(get(t, ctx, "second update", chromedp.Location()), "?", 2)[0]
		logout(t, ctx)
		run(t, ctx, "anonymous sheet during the second review", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if !strings.Contains(get(t, ctx, "sheet", chromedp.Text(chromedp.CSS(`main`))), "programme-2026.txt") {
			t.Error("readers lost the file before the approval")
		}

		login(t, ctx, base, "karim.benali@passerelle.test")
		run(t, ctx, "the second update", chromedp.Navigate(second), chromedp.WaitVisible(chromedp.CSS(`input[name=decision][value=approve]`)))
		dels := get(t, ctx, "comparison", chromedp.Evaluate[string](`Array.from(document.querySelectorAll('main del')).map(e => e.textContent).join(" | ")`))
		if !strings.Contains(dels, "programme-2026.txt") || !strings.Contains(dels, "Affiche du forum 2026") {
			t.Errorf("the comparison strikes out %q, want the file and the cover", dels)
		}
		checkAccessibility(t, ctx, axe, "update removing a file and the cover, for the moderator")
		screenshots(t, ctx, shots, "update-removals-review")
		run(t, ctx, "approve the removals",
			chromedp.Click(chromedp.CSS(`input[name=decision][value=approve]`)),
			chromedp.Click(chromedp.CSS(`form[action$="/decision"] button[type=submit]`)),
			chromedp.WaitNotPresent(chromedp.CSS(`#decision-form`)))
		logout(t, ctx)
		run(t, ctx, "anonymous sheet after the removals", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		text = get(t, ctx, "sheet after the removals", chromedp.Text(chromedp.CSS(`main`)))
		if strings.Contains(text, "programme-2026.txt") || get(t, ctx, "cover after", chromedp.Evaluate[int](`document.querySelectorAll('main img[alt="Affiche du forum 2026"]').length`)) != 0 {
			t.Errorf("the file or the cover is still on the sheet:\n%.1500s", text)
		}
		checkAccessibility(t, ctx, axe, "sheet after the removals")
		screenshots(t, ctx, shots, "update-removals-published")
	})
}

// updateFiles writes a text file and a picture for an update to add.
func updateFiles(t *testing.T) (file, cover string) {
	t.Helper()
	dir := t.TempDir()
	file = filepath.Join(dir, "programme-2026.txt")
	if err := os.WriteFile(file, []byte("Programme du forum 2026.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pic := image.NewNRGBA(image.Rect(0, 0, 1200, 675))
	for x := range 1200 {
		for y := range 675 {
			pic.Set(x, y, color.NRGBA{R: uint8(40 + x/10), G: uint8(90 + y/8), B: 160, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, pic); err != nil {
		t.Fatal(err)
	}
	cover = filepath.Join(dir, "affiche.png")
	if err := os.WriteFile(cover, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, cover
}
