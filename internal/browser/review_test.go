package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReviewLoopInBrowser: a moderator takes a submission from the queue,
// writes a remark naming a field and asks for changes; the author finds
// the remark beside the field, attaches a file and sees what was asked on
// their dashboard. Every page passes axe-core and is photographed.
func TestReviewLoopInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe

		// The moderator of the Nord, on the submissions of Lille (the
		// demo's contributor there is Sophie Lemaire).
		login(t, ctx, base, "karim.benali@passerelle.test")
		run(t, ctx, "queue", chromedp.Navigate(base+"/relecture?territory=59350"), chromedp.WaitVisible(chromedp.CSS("main table")))
		checkAccessibility(t, ctx, axe, "queue")
		screenshots(t, ctx, shots, "queue")
		run(t, ctx, "open the oldest submission", chromedp.Click(chromedp.CSS(`main table tbody tr th a`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action$="/prise-en-charge"]`)))
		practice := get(t, ctx, "practice address", chromedp.Location())
		run(t, ctx, "claim", chromedp.Click(chromedp.CSS(`form[action$="/prise-en-charge"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action$="/prise-en-charge/liberer"]`)))

		remark := "Le résumé doit dire combien d’habitants ont participé."
		run(t, ctx, "comment naming the summary",
			chromedp.SendKeys(chromedp.CSS(`#message`), remark),
			chromedp.Click(chromedp.CSS(`#conversation details summary`)),
			chromedp.Click(chromedp.CSS(`#message-fields-summary`)),
			chromedp.Click(chromedp.CSS(`form[action$="/commentaires"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#conversation .comment`)))
		checkAccessibility(t, ctx, axe, "practice under review")
		screenshots(t, ctx, shots, "practice-review")
		run(t, ctx, "request changes",
			chromedp.Click(chromedp.CSS(`#decision-request_changes`)),
			chromedp.SendKeys(chromedp.CSS(`#comment`), "Merci de compléter le résumé."),
			chromedp.Click(chromedp.CSS(`form[action$="/decision"] button[type=submit]`)),
			// The claim's flash is still on the page until the decision's
			// answer replaces it: wait for the decision form to go.
			chromedp.WaitNotPresent(chromedp.CSS(`#decision-form`)),
			chromedp.WaitVisible(chromedp.CSS(`main .flash`))) // the decision is made: its page says so
		logout(t, ctx)

		// The author: the remark beside the summary, a file attached.
		login(t, ctx, base, "sophie.lemaire@passerelle.test")
		run(t, ctx, "edit page", chromedp.Navigate(practice+"/modifier"), chromedp.WaitVisible(chromedp.CSS(`#summary-remarks`)))
		shown := get(t, ctx, "remark", chromedp.Text(chromedp.CSS(`#summary-remarks`)))
		if !strings.Contains(shown, remark) {
			t.Errorf("the remark beside the summary reads %q", shown)
		}
		file := filepath.Join(t.TempDir(), "compte-rendu.txt")
		if err := os.WriteFile(file, []byte("Compte rendu de la réunion publique.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		// Inside the edit form (writing.js): no page load.
		run(t, ctx, "attach a file",
			chromedp.SetUploadFiles(chromedp.CSS(`#files-input`), []string{file}),
			chromedp.WaitVisible(chromedp.CSS(`#files-list li a[href^="/attachments/"]`)))
		checkAccessibility(t, ctx, axe, "edit page with remarks")
		screenshots(t, ctx, shots, "practice-edit-remarks")

		run(t, ctx, "dashboard", chromedp.Navigate(base+"/mes-fiches"), chromedp.WaitVisible(chromedp.CSS(`main table`)))
		asked := get(t, ctx, "dashboard text", chromedp.Text(chromedp.CSS(`main`)))
		if !strings.Contains(asked, "Merci de compléter le résumé.") {
			t.Errorf("the dashboard does not say what was asked:\n%s", asked)
		}
		checkAccessibility(t, ctx, axe, "dashboard")
		screenshots(t, ctx, shots, "dashboard")
	})
}
