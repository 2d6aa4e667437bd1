package browser

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestWritingToolInBrowser: a contributor writes a complete teaching tool
// in French, at 1280 and at 390 px: the checklist and the submit button
// follow what is typed, the draft is saved on the server as soon as it has
// a title, the preview shows the body as it will be published, a file is
// attached inside the form without a page load, and the one submission is
// accepted — never a refused submit. A few Tab presses lead from the last
// required field to the submit button. axe-core on every state.
func TestWritingToolInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe
		dialect := b.dialect
		pdf := filepath.Join(t.TempDir(), "regles-du-jeu.pdf")
		if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		// In French, whatever the machine's language.
		if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "fr-FR,fr;q=0.9"}}); err != nil {
			t.Fatal(err)
		}
		cover := filepath.Join(t.TempDir(), "plateau.png")
		pic := image.NewNRGBA(image.Rect(0, 0, 1600, 900))
		for x := range 1600 {
			for y := range 900 {
				pic.Set(x, y, color.NRGBA{R: uint8(x / 8), G: uint8(y / 5), B: 120, A: 255})
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, pic); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cover, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		login(t, ctx, base, "sophie.lemaire@passerelle.test")

		var sheet string
		for _, width := range []int64{1280, 390} {
			title := fmt.Sprintf("Jeu « Mon quartier demain » %s %d", dialect, width)
			run(t, ctx, "viewport", chromedp.EmulateViewport(width, 900))
			run(t, ctx, "new form",
				chromedp.Navigate(base+"/fiches/nouvelle"),
				chromedp.WaitVisible(chromedp.CSS(`#title`)),
				chromedp.WaitVisible(chromedp.CSS(`#files`)), // shown by writing.js
			)
			says := get(t, ctx, "submit button", chromedp.Text(chromedp.CSS(`#submit-button`)))
			if !strings.HasPrefix(says, "Pour soumettre, complétez\u00a0: Titre") {
				t.Errorf("the empty form's submit button says %q", says)
			}
			checkAccessibility(t, ctx, axe, fmt.Sprintf("new form %d", width))

			// The title is enough for the server to hold the draft.
			run(t, ctx, "kind and title",
				chromedp.Click(chromedp.CSS(`#kind-tool`)),
				chromedp.SendKeys(chromedp.CSS(`#title`), title))
			status := get(t, ctx, "autosaved", chromedp.Poll[string](
				`(() => { const s = document.getElementById("autosave-status").textContent; return s.startsWith("Enregistré à") ? s : ""; })()`))
			if !strings.Contains(status, "\u00a0h\u00a0") {
				t.Errorf("autosave status %q", status)
			}
			edit := get(t, ctx, "address after autosave", chromedp.Location())
			if !strings.HasSuffix(edit, "/modifier") {
				t.Fatalf("after the first autosave the address is %s", edit)
			}

			run(t, ctx, "fill the sheet",
				chromedp.SendKeys(chromedp.CSS(`#summary`), "Un jeu de plateau coopératif pour imaginer le quartier dans dix ans."),
				chromedp.SendKeys(chromedp.CSS(`#body`), "## Déroulé\n\n| Étape | Durée |\n|---|---|\n| Accueil | 10 min |\n| Partie | 1 h |\n\nLes joueurs **coopèrent**."),
				chromedp.SetValue(chromedp.CSS(`#territory`), "qpv-lille-moulins"),
				chromedp.Click(chromedp.CSS(`input[name=themes][value=emploi]`)),
				chromedp.SendKeys(chromedp.CSS(`#audience`), "Conseils citoyens\nCollégiens"),
				chromedp.SetValue(chromedp.CSS(`#format`), "game"),
				chromedp.SetValue(chromedp.CSS(`#license`), "CC-BY-SA-4.0"),
				// SetValue fires no event: tell the form, as a person's choice would.
				chromedp.Evaluate[chromedp.Void](`["territory","format","license"].forEach(id => document.getElementById(id).dispatchEvent(new Event("change", {bubbles: true})))`),
			)
			run(t, ctx, "preview",
				chromedp.Click(chromedp.CSS(`#preview-button`)),
				chromedp.WaitVisible(chromedp.CSS(`#preview-content table td`)))
			if got := get(t, ctx, "preview text", chromedp.Text(chromedp.CSS(`#preview-content`))); !strings.Contains(got, "Déroulé") || !strings.Contains(got, "10 min") {
				t.Errorf("preview reads %q", got)
			}
			run(t, ctx, "attach a file in the form",
				chromedp.SetUploadFiles(chromedp.CSS(`#files-input`), []string{pdf}),
				chromedp.WaitVisible(chromedp.CSS(`#files-list li a[href^="/attachments/"]`)))
			if v := get(t, ctx, "summary kept", chromedp.Value(chromedp.CSS(`#summary`))); !strings.HasPrefix(v, "Un jeu de plateau") {
				t.Errorf("after the upload the summary reads %q", v)
			}

			runWithin(t, ctx, "cover image", coverTimeout,
				chromedp.SendKeys(chromedp.CSS(`#cover_alt`), "Des collégiens autour du plateau de jeu"),
				chromedp.SetUploadFiles(chromedp.CSS(`#cover`), []string{cover}),
				chromedp.Click(chromedp.CSS(`#cover-submit`)),
				chromedp.WaitVisible(chromedp.CSS(`#cover-current img[alt="Des collégiens autour du plateau de jeu"]`)))
			if v := get(t, ctx, "body kept", chromedp.Value(chromedp.CSS(`#body`))); !strings.HasPrefix(v, "## Déroulé") {
				t.Errorf("after the cover the body reads %q", v)
			}

			get(t, ctx, "submit button ready", chromedp.Poll[string](
				`(() => { const b = document.getElementById("submit-button").textContent; return b === "Enregistrer et soumettre" ? b : ""; })()`))
			if todo := get(t, ctx, "checklist", chromedp.Evaluate[int](`document.querySelectorAll(".checklist li.todo:not([hidden])").length`)); todo != 0 {
				t.Errorf("%d items of the checklist still to do", todo)
			}
			checkAccessibility(t, ctx, axe, fmt.Sprintf("complete form %d", width))
			shoot(t, ctx, shots, fmt.Sprintf("form-%d", width))

			// From the last required field to the submit button.
			run(t, ctx, "focus the licence", chromedp.Focus(chromedp.CSS(`#license`)))
			presses := 0
			for ; presses < 30; presses++ {
				if id := get(t, ctx, "focused", chromedp.Evaluate[string](`document.activeElement.id`)); id == "submit-button" {
					break
				}
				run(t, ctx, "tab", chromedp.KeyEvent("\t"))
			}
			t.Logf("%d px: %d Tab presses from the licence to the submit button", width, presses)
			if presses > 5 {
				t.Errorf("%d Tab presses from the licence to the submit button, want a handful", presses)
			}

			run(t, ctx, "submit once",
				chromedp.Click(chromedp.CSS(`#submit-button`)),
				chromedp.WaitVisible(chromedp.CSS(`main article.practice`)))
			page := get(t, ctx, "practice page", chromedp.Text(chromedp.CSS(`main`)))
			if !strings.Contains(page, "Votre fiche est soumise à la relecture") || !strings.Contains(page, "regles-du-jeu.pdf") ||
				get(t, ctx, "cover on the sheet", chromedp.Evaluate[int](`document.querySelectorAll("main figure.cover img").length`)) != 1 {
				t.Errorf("after the one submission the page reads:\n%.1500s", page)
			}
			checkAccessibility(t, ctx, axe, fmt.Sprintf("submitted tool %d", width))
			shoot(t, ctx, shots, fmt.Sprintf("submitted-%d", width))
			sheet = strings.SplitN(get(t, ctx, "sheet address", chromedp.Location()), "?", 2)[0]
		}

		// The moderator asks for a file; the author adds it from the
		// form and submits again; the comparison names the file.
		run(t, ctx, "desktop", chromedp.EmulateViewport(1280, 900))
		logout(t, ctx)
		login(t, ctx, base, "karim.benali@passerelle.test")
		run(t, ctx, "request a file",
			chromedp.Navigate(sheet),
			chromedp.WaitVisible(chromedp.CSS(`#decision-request_changes`)),
			chromedp.Click(chromedp.CSS(`#decision-request_changes`)),
			chromedp.SendKeys(chromedp.CSS(`#comment`), "Joignez la fiche d’inscription, s’il vous plaît."),
			chromedp.Click(chromedp.CSS(`#decision-submit`)),
			chromedp.WaitNotPresent(chromedp.CSS(`#decision-form`)))
		logout(t, ctx)
		login(t, ctx, base, "sophie.lemaire@passerelle.test")
		form := filepath.Join(t.TempDir(), "fiche-inscription.txt")
		if err := os.WriteFile(form, []byte("Nom, prénom, collège.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, "add the file and submit again",
			chromedp.Navigate(sheet+"/modifier"),
			chromedp.WaitVisible(chromedp.CSS(`#files`)),
			chromedp.SetUploadFiles(chromedp.CSS(`#files-input`), []string{form}),
			chromedp.WaitVisible(chromedp.CSS(`#files-list li a[download]:not([href=""])`)))
		get(t, ctx, "file listed", chromedp.Poll[bool](`[...document.querySelectorAll("#files-list li a")].some(a => a.textContent === "fiche-inscription.txt")`))
		run(t, ctx, "submit again",
			chromedp.Click(chromedp.CSS(`#submit-button`)),
			chromedp.WaitVisible(chromedp.CSS(`main article.practice`)))
		logout(t, ctx)
		login(t, ctx, base, "karim.benali@passerelle.test")
		run(t, ctx, "comparison", chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.CSS(`section.changes`)))
		changes := get(t, ctx, "comparison text", chromedp.Text(chromedp.CSS(`section.changes`)))
		if !strings.Contains(changes, "Pièces jointes") || !strings.Contains(changes, "fiche-inscription.txt") || strings.Contains(changes, "Aucun champ") {
			t.Errorf("the comparison reads:\n%s", changes)
		}
		checkAccessibility(t, ctx, axe, "comparison with a file")
		shoot(t, ctx, shots, "comparison-file-1280")
	})
}

// shoot saves the current page at the viewport's width, as name.png.
func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	buf := get(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
