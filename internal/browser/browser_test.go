// Package browser drives the real pages of a real server in headless
// Chromium (Debian's chromium, installed by `make tools`): the core loop
// through the forms, axe-core accessibility checks on the key pages, and
// screenshots at phone and desktop widths kept as test artifacts.
package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/passerelle/passerelle/internal/cli"
	"github.com/passerelle/passerelle/internal/testenv"
)

// moduleRoot is the repository root, for the default locations of the tools
// and artifacts.
func moduleRoot() string {
	_, file, _, _ := goruntime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func chromiumPath(t *testing.T) string {
	for _, name := range []string{os.Getenv("PASSERELLE_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: run `make tools` (it installs Debian's chromium)")
	return ""
}

func axeSource(t *testing.T) string {
	path := os.Getenv("PASSERELLE_AXE_JS")
	if path == "" {
		path = filepath.Join(moduleRoot(), ".cache", "tools", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core not found at %s: run `make tools` (%v)", path, err)
	}
	return string(b)
}

func artifactsDir(t *testing.T) string {
	dir := os.Getenv("PASSERELLE_ARTIFACTS_DIR")
	if dir == "" {
		dir = filepath.Join(moduleRoot(), ".cache", "artifacts")
	}
	dir = filepath.Join(dir, "screenshots", strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startServer runs `passerelle serve --demo` in-process on a free port and
// returns its base URL; the server stops with the test. extra are more
// flags.
func startServer(t *testing.T, dialect string, extra ...string) string {
	base, _ := startServerDir(t, dialect, extra...)
	return base
}

// startServerDir is startServer that also returns the data directory, where
// the outbox is.
func startServerDir(t *testing.T, dialect string, extra ...string) (base, dataDir string) {
	dbURL, dataDir := testenv.DatabaseURL(t, dialect)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	args := []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "warn"}
	if dbURL != "" {
		args = append(args, "--database-url", dbURL)
	}
	args = append(args, extra...)
	go func() {
		done <- cli.Main(ctx, args, cli.Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: testWriter{t}, Ready: func(addr string) { ready <- addr }})
	}()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("server exited with %d", code)
			}
		})
		return "http://" + addr, dataDir
	case code := <-done:
		cancel()
		t.Fatalf("server exited with %d before listening", code)
	case <-time.After(3 * time.Minute):
		// Loading the demo data set takes a second on a quiet machine and
		// over a minute on a busy one: the deadline only catches a hang.
		cancel()
		t.Fatal("server did not start within 3 minutes")
	}
	return "", ""
}

// browserRun is what a browser story needs on one database: the demo
// server's base URL, a fresh headless Chromium, the axe-core source and the
// test's screenshot folder.
type browserRun struct {
	dialect, base, axe, shots string
	ctx                       context.Context
}

// inBrowser runs story once per database (SQLite, and PostgreSQL when it is
// configured) as a subtest, each against a demo server of its own; browser
// tests are skipped under -short.
func inBrowser(t *testing.T, story func(t *testing.T, b browserRun)) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	axe := axeSource(t)
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			base := startServer(t, dialect)
			story(t, browserRun{dialect: dialect, base: base, axe: axe, shots: artifactsDir(t), ctx: newBrowser(t)})
		})
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// newBrowser starts headless Chromium with the flags this machine needs.
func newBrowser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 6*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// run runs steps and fails the test with the page's address and text when
// one of them fails.
func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	runWithin(t, ctx, what, stepTimeout, steps...)
}

// runWithin runs steps as run does, within d: for a step whose server side
// is heavy under the race detector on a busy machine (a cover image
// decoded and resized three times).
func runWithin(t *testing.T, ctx context.Context, what string, d time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	step, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(step, steps...); err != nil {
		fatalAt(t, ctx, what, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	step, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(step, a)
	if err != nil {
		fatalAt(t, ctx, what, err)
	}
	return v
}

// stepTimeout bounds one step, so that a missing element fails the test
// quickly instead of waiting for the whole test's deadline.
const stepTimeout = 20 * time.Second

// coverTimeout bounds a step that uploads a cover image (see runWithin).
const coverTimeout = 2 * time.Minute

func fatalAt(t *testing.T, ctx context.Context, what string, err error) {
	t.Helper()
	diag, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(diag, chromedp.Location())
	body, _ := chromedp.Run(diag, chromedp.Text(chromedp.CSS("body")))
	t.Fatalf("%s: %v\nat %s:\n%.2000s", what, err, loc, body)
}

// axeViolation is one rule broken on a page, as axe-core reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkAccessibility runs axe-core (WCAG 2.1 A and AA rules) on the current
// page and fails on any serious or critical violation.
func checkAccessibility(t *testing.T, ctx context.Context, axe, page string) {
	t.Helper()
	script := axe + `;
(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return JSON.stringify(r.violations);
})()`
	raw := get(t, ctx, "axe on "+page, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("axe result on %s: %v", page, err)
	}
	for _, v := range violations {
		msg := fmt.Sprintf("axe %s on %s: %s (%s) at %v", v.Impact, page, v.ID, v.Help, v.Nodes)
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// screenshots saves the current page at a phone's width (390 px) and a
// desktop's (1280 px), as PNG (lossless: charts' thin lines and small
// figures stay legible).
func screenshots(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	for _, width := range []int64{390, 1280} {
		run(t, ctx, "viewport", chromedp.EmulateViewport(width, 800))
		buf := get(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, ctx, "reset viewport", chromedp.EmulateViewport(1280, 900))
}

func login(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	run(t, ctx, "log in as "+email,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "passerelle-demo"),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
}

func logout(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, "log out",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/login"]`)),
	)
}

// TestCoreLoopInBrowser: a contributor submits a practice through the pages,
// a moderator approves it, and it shows on the territory pages.
func TestCoreLoopInBrowser(t *testing.T) {
	inBrowser(t, func(t *testing.T, b browserRun) {
		base, ctx, shots, axe := b.base, b.ctx, b.shots, b.axe
		dialect := b.dialect

		run(t, ctx, "home", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		checkAccessibility(t, ctx, axe, "home")
		screenshots(t, ctx, shots, "home")

		run(t, ctx, "login page", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		checkAccessibility(t, ctx, axe, "login")
		login(t, ctx, base, "sophie.lemaire@passerelle.test")

		// A first try with the title only: the submit button says what
		// is missing instead of sending a submission to be refused, and
		// takes the author to the first missing field.
		title := "Café-emploi des Moulins " + dialect
		run(t, ctx, "new practice, title only",
			chromedp.Navigate(base+"/fiches/nouvelle"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=title]`)),
			chromedp.Click(chromedp.CSS(`input[name=kind][value=experience]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=title]`), title),
			chromedp.Click(chromedp.CSS(`button[name=action][value=submit]`)),
			chromedp.WaitReady(chromedp.CSS(`textarea#summary:focus`)),
		)
		if says := get(t, ctx, "submit button", chromedp.Text(chromedp.CSS(`#submit-button`))); !strings.Contains(says, "Pour soumettre, complétez\u00a0: Résumé") && !strings.Contains(says, "To submit, fill in: Summary") {
			t.Errorf("the submit button of an incomplete draft says %q", says)
		}
		checkAccessibility(t, ctx, axe, "practice form, incomplete")
		screenshots(t, ctx, shots, "practice-form-missing")
		kept := get(t, ctx, "typed title kept", chromedp.Value(chromedp.CSS(`input[name=title]`)))
		if kept != title {
			t.Fatalf("title after refusal = %q, want %q", kept, title)
		}

		run(t, ctx, "complete and submit",
			chromedp.SendKeys(chromedp.CSS(`textarea[name=summary]`), "Un café mensuel où habitants et employeurs se rencontrent."),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=body]`), "## Déroulé\n\nChaque mois, des **employeurs** du bassin viennent au centre social."),
			chromedp.SetValue(chromedp.CSS(`select[name=territory]`), "qpv-lille-moulins"),
			chromedp.Click(chromedp.CSS(`input[name=themes][value=emploi]`)),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=context]`), "Un taux de chômage deux fois supérieur à la moyenne."),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=actions]`), "Dix cafés-emploi en 2025 avec la Mission locale."),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=results]`), "35 personnes accompagnées, 12 embauches."),
			chromedp.Click(chromedp.CSS(`button[name=action][value=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`main article.practice`)), // the old page has an h1 too
		)
		loc := get(t, ctx, "practice page", chromedp.Location())
		if !strings.Contains(loc, "/fiches/") || strings.Contains(loc, "/modifier") || strings.Contains(loc, "nouvelle") {
			fatalAt(t, ctx, "after submit", fmt.Errorf("not on the practice page"))
		}
		practiceURL := strings.SplitN(loc, "?", 2)[0]
		checkAccessibility(t, ctx, axe, "practice (submitted)")
		screenshots(t, ctx, shots, "practice-submitted")
		logout(t, ctx)

		login(t, ctx, base, "karim.benali@passerelle.test")
		run(t, ctx, "review queue", chromedp.Navigate(base+"/relecture"), chromedp.WaitVisible(chromedp.CSS("main h1")))
		queue := get(t, ctx, "queue text", chromedp.Text(chromedp.CSS("main")))
		if !strings.Contains(queue, title) {
			t.Fatalf("queue does not list %q:\n%s", title, queue)
		}
		checkAccessibility(t, ctx, axe, "review queue")
		screenshots(t, ctx, shots, "queue")
		run(t, ctx, "approve",
			chromedp.Navigate(practiceURL),
			chromedp.WaitVisible(chromedp.CSS(`input[name=decision][value=approve]`)),
			chromedp.Click(chromedp.CSS(`input[name=decision][value=approve]`)),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=comment]`), "Très clair, merci !"),
			chromedp.Click(chromedp.CSS(`form[action$="/decision"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`main .flash`)),
		)
		logout(t, ctx)

		for _, code := range []string{"qpv-lille-moulins", "59350", "59", "32"} {
			run(t, ctx, "territory "+code,
				chromedp.Navigate(base+"/territoires/"+code),
				chromedp.WaitVisible(chromedp.CSS("main h1")))
			text := get(t, ctx, "territory text", chromedp.Text(chromedp.CSS("main")))
			if !strings.Contains(text, title) {
				t.Errorf("territory %s does not show %q", code, title)
			}
		}
		checkAccessibility(t, ctx, axe, "territory")
		screenshots(t, ctx, shots, "territory")
		run(t, ctx, "published practice", chromedp.Navigate(practiceURL), chromedp.WaitVisible(chromedp.CSS("main h1")))
		checkAccessibility(t, ctx, axe, "practice (published)")
		screenshots(t, ctx, shots, "practice-published")
	})
}
