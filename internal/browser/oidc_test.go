package browser

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/passerelle/passerelle/internal/oidc/oidctest"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestOIDCSignInInBrowser: with a real OpenID provider running in process,
// a new agent clicks "Se connecter avec ProConnect", signs in at the
// provider and lands signed in as a reader (at 1280 px); an existing demo
// account does the same at 390 px and keeps its role; signing out ends the
// provider's session too. axe on the pages met on the way.
func TestOIDCSignInInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	axe := axeSource(t)
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			p := oidctest.Start(t)
			p.AddUser(oidctest.User{ID: "agent-42", Email: "agnes.agent@mairie-roubaix.example.fr", EmailVerified: true,
				GivenName: "Agnès", FamilyName: "Agent"})
			p.AddUser(oidctest.User{ID: "sophie-7", Email: "sophie.lemaire@passerelle.test", EmailVerified: true,
				GivenName: "Sophie", FamilyName: "Lemaire"})
			base := startServer(t, dialect, "--oidc-issuer", p.Issuer, "--oidc-client-id", oidctest.ClientID,
				"--oidc-client-secret", oidctest.ClientSecret, "--oidc-label", "ProConnect", "--oidc-scopes", "openid email profile")
			p.Register(base+"/auth/oidc/callback", base+"/")
			ctx := newBrowser(t)
			shots := artifactsDir(t)

			signIn := func(width int64, who, email string) {
				t.Helper()
				run(t, ctx, "viewport", chromedp.EmulateViewport(width, 900))
				run(t, ctx, "login page ("+who+")",
					chromedp.Navigate(base+"/login?lang=fr"),
					chromedp.WaitVisible(chromedp.CSS(`#sso-button`)))
				checkAccessibility(t, ctx, axe, "login with the provider's button")
				png := get(t, ctx, "screenshot", chromedp.FullScreenshot(100))
				if err := os.WriteFile(filepath.Join(shots, "login-sso-"+itoa(width)+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
				run(t, ctx, "click the button ("+who+")",
					chromedp.Click(chromedp.CSS(`#sso-button`)),
					chromedp.WaitVisible(chromedp.CSS(`#provider-submit`)))
				if loc := get(t, ctx, "at the provider", chromedp.Location()); !strings.HasPrefix(loc, p.Issuer) {
					fatalAt(t, ctx, "the button", errorf("not at the provider but at %s", loc))
				}
				run(t, ctx, "sign in at the provider ("+who+")",
					chromedp.SendKeys(chromedp.CSS(`#username`), email),
					chromedp.SendKeys(chromedp.CSS(`#password`), oidctest.Password),
					chromedp.Click(chromedp.CSS(`#provider-submit`)),
					chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)))
				if loc := get(t, ctx, "back home", chromedp.Location()); !strings.HasPrefix(loc, base+"/") {
					fatalAt(t, ctx, "back from the provider", errorf("at %s", loc))
				}
				run(t, ctx, "account page ("+who+")",
					chromedp.Navigate(base+"/compte"),
					chromedp.WaitVisible(chromedp.CSS(`#sign-in-heading`)))
				checkAccessibility(t, ctx, axe, "account signed in through the provider")
				png = get(t, ctx, "screenshot", chromedp.FullScreenshot(100))
				if err := os.WriteFile(filepath.Join(shots, "account-"+who+"-"+itoa(width)+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}

			signIn(1280, "new-agent", "agnes.agent@mairie-roubaix.example.fr")
			account := get(t, ctx, "account text", chromedp.Text(chromedp.CSS("main")))
			for _, want := range []string{"Agnès Agent", "Lecteur ou lectrice", "Par ProConnect", "Pas de mot de passe"} {
				if !strings.Contains(account, want) {
					t.Errorf("new agent's account lacks %q:\n%s", want, account)
				}
			}
			// Signing out ends the provider's session too, and comes back.
			run(t, ctx, "log out",
				chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
				chromedp.WaitVisible(chromedp.CSS(`a[href^="/login"]`)))
			if loc := get(t, ctx, "after logout", chromedp.Location()); !strings.HasPrefix(loc, base+"/") {
				t.Errorf("after logout at %s", loc)
			}
			if p.Logouts() != 1 {
				t.Errorf("provider sessions ended: %d", p.Logouts())
			}

			signIn(390, "existing-contributor", "sophie.lemaire@passerelle.test")
			account = get(t, ctx, "account text", chromedp.Text(chromedp.CSS("main")))
			for _, want := range []string{"Sophie Lemaire", "Contributeur ou contributrice", "Lille", "Par ProConnect", "Supprimer mon mot de passe"} {
				if !strings.Contains(account, want) {
					t.Errorf("existing account lacks %q:\n%s", want, account)
				}
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
