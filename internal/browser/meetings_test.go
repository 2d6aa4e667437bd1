package browser

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// TestMeetingsInBrowser is the story as new users would live it in
// the pages, in French: a moderator announces a meeting for 2 seats through
// the form (a first try with errors), three contributors register — the
// third lands on the waiting list — one cancels, and the third is promoted
// and told, once. The demo's November meeting shows its record and the
// practices presented, and each sheet shows the meeting. axe-core finds no
// serious violation on any of these pages; screenshots at 390 and 1280 px.
func TestMeetingsInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe
		dialect := b.dialect
		fr := func(path string) string {
			if strings.Contains(path, "?") {
				return base + path + "&lang=fr"
			}
			return base + path + "?lang=fr"
		}

		// The list, and the demo's past meeting with its record.
		run(t, ctx, "meetings", chromedp.Navigate(fr("/rencontres")), chromedp.WaitVisible(chromedp.CSS("main h1")))
		checkAccessibility(t, ctx, axe, "meetings")
		screenshots(t, ctx, shots, "rencontres")
		run(t, ctx, "past meeting",
			chromedp.Click(chromedp.CSS(`#past-title + .cards a`)),
			chromedp.WaitVisible(chromedp.CSS(`#compte-rendu`)))
		checkAccessibility(t, ctx, axe, "past meeting")
		screenshots(t, ctx, shots, "rencontre-passee")
		pastURL := get(t, ctx, "past meeting URL", chromedp.Location())
		sheets := get(t, ctx, "agenda links", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('.agenda a[href^="/fiches/"]')).map(a => a.getAttribute('href'))`))
		if len(sheets) != 3 {
			t.Fatalf("the record links to %d practices, want 3", len(sheets))
		}
		for i, sheet := range sheets {
			run(t, ctx, "sheet "+sheet, chromedp.Navigate(fr(sheet)), chromedp.WaitVisible(chromedp.CSS(`#meetings-title`)))
			text := get(t, ctx, "sheet meetings", chromedp.Text(chromedp.CSS(`#meetings-title + .presentations`)))
			if !strings.Contains(text, "Lutte contre les discriminations") {
				t.Errorf("sheet %s does not show the meeting: %q", sheet, text)
			}
			if i == 0 {
				checkAccessibility(t, ctx, axe, "sheet with its meetings")
				screenshots(t, ctx, shots, "fiche-rencontres")
			}
		}

		// A moderator announces a meeting; the first try names what is
		// missing and keeps what was typed.
		login(t, ctx, base, "karim.benali@passerelle.test")
		title := "Rencontre de réseau " + dialect + " : jeunesse et emploi"
		run(t, ctx, "new meeting, incomplete",
			chromedp.Navigate(fr("/rencontres/nouvelle")),
			chromedp.WaitVisible(chromedp.CSS(`input[name=title]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=title]`), title),
			chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[role=alert]`)),
		)
		checkAccessibility(t, ctx, axe, "meeting form with errors")
		screenshots(t, ctx, shots, "rencontre-formulaire-erreurs")
		if kept := get(t, ctx, "title kept", chromedp.Value(chromedp.CSS(`input[name=title]`))); kept != title {
			t.Fatalf("title after refusal = %q", kept)
		}
		day := time.Now().In(passerelle.MeetingZone).AddDate(0, 0, 21).Format("2006-01-02")
		run(t, ctx, "complete the meeting",
			chromedp.SetValue(chromedp.CSS(`select[name=territory]`), "59"),
			chromedp.Click(chromedp.CSS(`input[name=themes][value=jeunesse]`)),
			chromedp.SetValue(chromedp.CSS(`input[name=starts_at]`), day+"T09:30"),
			chromedp.SetValue(chromedp.CSS(`input[name=ends_at]`), day+"T12:00"),
			chromedp.SendKeys(chromedp.CSS(`input[name=place]`), "Mission locale, Tourcoing"),
			chromedp.SetValue(chromedp.CSS(`input[name=capacity]`), "2"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=description]`), "Retours d’**expérience** et outils."),
			chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`main .flash`)),
		)
		meetingURL := strings.SplitN(get(t, ctx, "meeting URL", chromedp.Location()), "?", 2)[0]
		if !strings.Contains(meetingURL, "/rencontres/") {
			t.Fatalf("after creating: %s", meetingURL)
		}
		when := get(t, ctx, "when", chromedp.Text(chromedp.CSS(`.meeting-details dd time`)))
		if !strings.Contains(when, "9\u00a0h\u00a030") {
			t.Errorf("the meeting shows %q, want 9 h 30 (Paris time)", when)
		}
		checkAccessibility(t, ctx, axe, "meeting (organiser)")
		screenshots(t, ctx, shots, "rencontre-organisateur")
		logout(t, ctx)

		// Three contributors register: two seats, then the waiting list.
		for i, email := range []string{"sophie.lemaire@passerelle.test", "mehdi.haddad@passerelle.test", "julie.caron@passerelle.test"} {
			login(t, ctx, base, email)
			run(t, ctx, "register "+email,
				chromedp.Navigate(meetingURL+"?lang=fr"),
				chromedp.WaitVisible(chromedp.CSS(`form[action$="/inscription"] button`)),
				chromedp.Click(chromedp.CSS(`form[action$="/inscription"] button`)),
				chromedp.WaitVisible(chromedp.CSS(`main .flash`)),
			)
			status := get(t, ctx, "registration", chromedp.Text(chromedp.CSS(`.registration .status-line`)))
			if i < 2 && !strings.Contains(status, "inscrit") || i == 2 && !strings.Contains(status, "liste d’attente") {
				t.Errorf("%s: %q", email, status)
			}
			if i == 2 {
				checkAccessibility(t, ctx, axe, "meeting (waiting list)")
				screenshots(t, ctx, shots, "rencontre-liste-attente")
			}
			logout(t, ctx)
		}

		// One cancels; the third gets the seat and is told.
		login(t, ctx, base, "mehdi.haddad@passerelle.test")
		run(t, ctx, "cancel",
			chromedp.Navigate(meetingURL+"?lang=fr"),
			chromedp.WaitVisible(chromedp.CSS(`form[action$="/desinscription"] button`)),
			chromedp.Click(chromedp.CSS(`form[action$="/desinscription"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`main .flash`)),
		)
		logout(t, ctx)
		login(t, ctx, base, "julie.caron@passerelle.test")
		deadline := time.Now().Add(60 * time.Second)
		var text string
		for {
			run(t, ctx, "notifications", chromedp.Navigate(fr("/notifications")), chromedp.WaitVisible(chromedp.CSS("main h1")))
			text = get(t, ctx, "notifications text", chromedp.Text(chromedp.CSS("main")))
			if strings.Contains(text, "Une place s’est libérée") || time.Now().After(deadline) {
				break
			}
			time.Sleep(300 * time.Millisecond)
		}
		if n := strings.Count(text, "Une place s’est libérée"); n != 1 {
			t.Fatalf("Julie is told %d times that a seat is free:\n%s", n, text)
		}
		checkAccessibility(t, ctx, axe, "notifications")
		screenshots(t, ctx, shots, "notifications-place-liberee")
		run(t, ctx, "meeting after promotion", chromedp.Navigate(meetingURL+"?lang=fr"), chromedp.WaitVisible(chromedp.CSS(`.registration .status-line`)))
		if status := get(t, ctx, "registration", chromedp.Text(chromedp.CSS(`.registration .status-line`))); !strings.Contains(status, "Vous êtes inscrit") {
			t.Errorf("Julie after the promotion: %q", status)
		}
		logout(t, ctx)

		// The organiser's list of registrations.
		login(t, ctx, base, "karim.benali@passerelle.test")
		run(t, ctx, "attendance", chromedp.Navigate(meetingURL+"/presences?lang=fr"), chromedp.WaitVisible(chromedp.CSS("main table")))
		rows := get(t, ctx, "rows", chromedp.Text(chromedp.CSS("main table tbody")))
		if !strings.Contains(rows, "Julie Caron") || !strings.Contains(rows, "Sophie Lemaire") || !strings.Contains(rows, "désinscrit") {
			t.Errorf("registrations:\n%s", rows)
		}
		checkAccessibility(t, ctx, axe, "attendance")
		screenshots(t, ctx, shots, "rencontre-presences")
		logout(t, ctx)

		// The regional moderator's record form of the November meeting.
		login(t, ctx, base, "nathalie.dubois@passerelle.test")
		run(t, ctx, "record form", chromedp.Navigate(strings.SplitN(pastURL, "?", 2)[0]+"/compte-rendu?lang=fr"),
			chromedp.WaitVisible(chromedp.CSS(`textarea[name=record]`)))
		checkAccessibility(t, ctx, axe, "record form")
		screenshots(t, ctx, shots, "rencontre-compte-rendu")
		logout(t, ctx)
	})
}
