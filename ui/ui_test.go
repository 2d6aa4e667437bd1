package ui

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestEmbedded(t *testing.T) {
	for _, p := range []string{
		"templates/layout.html", "templates/partials/card.html",
		"static/style.css", "static/app.js", "static/favicon.svg",
		"locales/fr.json", "locales/en.json",
	} {
		if _, err := fs.Stat(FS, p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

var jsonLD = regexp.MustCompile(`(?is)<script type="application/ld\+json">.*?</script>`)

// A strict Content-Security-Policy without 'unsafe-inline' is applied: no
// inline scripts, event handlers or style attributes in the templates.
func TestNoInlineCode(t *testing.T) {
	bad := []*regexp.Regexp{
		regexp.MustCompile(`(?i)\sstyle\s*=`),
		regexp.MustCompile(`(?i)<style`),
		regexp.MustCompile(`(?i)\son[a-z]+\s*=`),
		regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]`),
		regexp.MustCompile(`(?i)javascript:`),
	}
	err := fs.WalkDir(FS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(FS, p)
		// JSON-LD blocks are data that browsers never execute, which a
		// strict CSP allows.
		b = jsonLD.ReplaceAll(b, nil)
		for _, re := range bad {
			if loc := re.FindIndex(b); loc != nil {
				t.Errorf("%s: inline code %q", p, b[loc[0]:min(loc[1]+30, len(b))])
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The stylesheet keeps its design tokens, focus styles and print rules.
func TestStylesheet(t *testing.T) {
	b, err := fs.ReadFile(FS, "static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	for _, want := range []string{":root", "--c-text", "--sp-4", "--fs-base", ":focus-visible", "@media print", ".visually-hidden", ".skip-link"} {
		if !strings.Contains(css, want) {
			t.Errorf("style.css lacks %q", want)
		}
	}
	if strings.Contains(css, "@import") || strings.Contains(css, "url(http") {
		t.Error("style.css loads external resources")
	}
}
