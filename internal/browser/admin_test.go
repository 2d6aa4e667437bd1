package browser

import (
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/passerelle/passerelle/internal/testenv"
)

// TestAdministrationInBrowser: an administrator goes through the
// administration pages and invites a contributor; the contributor accepts
// from the e-mail's link, chooses a password and manages their tokens. Each
// page passes axe-core; the key ones are photographed.
func TestAdministrationInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	axe := axeSource(t)
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			base, dataDir := startServerDir(t, dialect)
			ctx := newBrowser(t)
			shots := artifactsDir(t)
			visit := func(path, name string) {
				t.Helper()
				run(t, ctx, path, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
				checkAccessibility(t, ctx, axe, name)
			}

			login(t, ctx, base, "admin@passerelle.test")
			for _, p := range []struct{ path, name string }{
				{"/admin", "administration"}, {"/admin/utilisateurs?q=passerelle", "accounts"},
				{"/admin/territoires/59350", "one territory"}, {"/admin/themes", "themes"}, {"/admin/journal", "journal"},
			} {
				visit(p.path, p.name)
			}
			visit("/admin/territoires", "territories")
			screenshots(t, ctx, shots, "admin-territories")
			visit("/admin/journal?action=territory.import", "journal filtered")
			screenshots(t, ctx, shots, "admin-journal")

			// One account, and a refused grant.
			visit("/admin/utilisateurs?q=vasseur", "account search")
			run(t, ctx, "open the account", chromedp.Click(chromedp.CSS(`table a[href^="/admin/utilisateurs/"]`)), chromedp.WaitVisible(chromedp.CSS("#role")))
			checkAccessibility(t, ctx, axe, "account")
			screenshots(t, ctx, shots, "admin-account")

			// An invitation refused (an account exists), then sent.
			visit("/admin/invitations", "invitations")
			run(t, ctx, "invite an existing account",
				chromedp.SendKeys(chromedp.CSS("#name"), "Thomas"),
				chromedp.SendKeys(chromedp.CSS("#email"), "thomas.vasseur@passerelle.test"),
				chromedp.SetValue(chromedp.CSS("#territory"), "qpv-lille-sud"),
				chromedp.Click(chromedp.CSS(`form[action="/admin/invitations"] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(".error-summary")),
			)
			checkAccessibility(t, ctx, axe, "invitation refused")
			screenshots(t, ctx, shots, "admin-invitation-refused")
			run(t, ctx, "invite",
				chromedp.SetValue(chromedp.CSS("#email"), "ines.nouvelle@example.org"),
				chromedp.SetValue(chromedp.CSS("#name"), "Inès Nouvelle"),
				chromedp.SetValue(chromedp.CSS("#territory"), "qpv-lille-sud"),
				chromedp.Click(chromedp.CSS(`form[action="/admin/invitations"] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			checkAccessibility(t, ctx, axe, "invitation sent")
			logout(t, ctx)

			// The person invited follows the e-mail's link.
			m := waitInvitation(t, filepath.Join(dataDir, "outbox"))
			link := m.Link(t, "/invitations/")
			u, err := url.Parse(link)
			if err != nil {
				t.Fatal(err)
			}
			run(t, ctx, "open the invitation", chromedp.Navigate(base+u.Path), chromedp.WaitVisible(chromedp.CSS("#password")))
			checkAccessibility(t, ctx, axe, "invitation")
			screenshots(t, ctx, shots, "invitation")
			run(t, ctx, "weak password",
				chromedp.SendKeys(chromedp.CSS("#password"), "court"),
				chromedp.SendKeys(chromedp.CSS("#confirm"), "court"),
				chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(".error-summary")),
			)
			checkAccessibility(t, ctx, axe, "invitation with errors")
			screenshots(t, ctx, shots, "invitation-errors")
			run(t, ctx, "accept",
				chromedp.SendKeys(chromedp.CSS("#password"), "ma phrase de passe à moi"),
				chromedp.SendKeys(chromedp.CSS("#confirm"), "ma phrase de passe à moi"),
				chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
			)
			if text := get(t, ctx, "welcome", chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(text, "Bienvenue") && !strings.Contains(text, "Welcome") {
				t.Errorf("welcome = %q", text)
			}

			// Her account and her tokens.
			visit("/compte", "my account")
			visit("/compte/jetons", "my tokens")
			run(t, ctx, "create a token",
				chromedp.SendKeys(chromedp.CSS("#name"), "export mensuel"),
				chromedp.Click(chromedp.CSS(`form[action="/compte/jetons"] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS("#new-token")),
			)
			checkAccessibility(t, ctx, axe, "new token")
			screenshots(t, ctx, shots, "tokens")
			logout(t, ctx)
			visit("/mot-de-passe/oublie", "forgotten password")
			screenshots(t, ctx, shots, "password-forgotten")
		})
	}
}

// waitInvitation waits for the one invitation e-mail of the outbox.
func waitInvitation(t *testing.T, outbox string) *testenv.Mail {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(outbox, "invitation-*.eml"))
		if len(files) == 1 {
			name := strings.TrimSuffix(filepath.Base(files[0]), ".eml")
			if _, err := strconv.Atoi(strings.TrimPrefix(name, "invitation-")); err == nil {
				return testenv.WaitMail(t, outbox, name)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no invitation e-mail in %s", outbox)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
