package view

import (
	"html"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/passerelle/passerelle/ui"
)

// French typography: a no-break space (U+00A0, or the narrow U+202F) before
// ; : ! ? and inside « », never a plain space or none. The test reads every
// French locale string and the text of every template (what a reader sees:
// the text between tags and the attributes people read), where French text
// written straight into a template would slip past the locale files.

// frenchProblems lists the faults of one French text.
func frenchProblems(s string) []string {
	s = notProse.ReplaceAllString(s, " ")
	var out []string
	rs := []rune(s)
	nbsp := func(r rune) bool { return r == '\u00a0' || r == '\u202f' }
	for i, r := range rs {
		var prev, next rune
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		around := string(rs[max(0, i-12):min(len(rs), i+8)])
		switch r {
		case ';', ':', '!', '?':
			// Only punctuation that ends a word: "a:b", "?lang=", "!=" are
			// not prose.
			if next != 0 && !unicode.IsSpace(next) && !strings.ContainsRune(`"»)”’.,<`, next) {
				continue
			}
			if prev == 0 || nbsp(prev) || strings.ContainsRune("!?;:", prev) && i > 1 && nbsp(rs[i-2]) {
				continue
			}
			if unicode.IsSpace(prev) && prev != ' ' && prev != '\u00a0' { // a line break before: a list, not a sentence
				continue
			}
			out = append(out, "no no-break space before "+string(r)+" in «"+around+"»")
		case '«':
			if !nbsp(next) {
				out = append(out, "no no-break space after « in «"+around+"»")
			}
		case '»':
			if !nbsp(prev) {
				out = append(out, "no no-break space before » in «"+around+"»")
			}
		}
	}
	return out
}

// notProse is what the rule does not apply to: addresses, times, template
// placeholders, and the one HTTP header a page quotes.
var notProse = regexp.MustCompile(`[a-z]+://\S*|\d+:\d+|\{[a-z0-9_]+\}[:;!?]?|Authorization: Bearer`)

func TestFrenchTypography(t *testing.T) {
	files, err := fs.Glob(ui.FS, "locales/*.json")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		base := strings.TrimSuffix(path.Base(name), ".json")
		if base != "fr" && !strings.HasSuffix(base, ".fr") {
			continue
		}
		b, err := fs.ReadFile(ui.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		m, err := decodeFlat(b)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			checked++
			if k == "number.group" {
				continue
			}
			for _, p := range frenchProblems(v) {
				t.Errorf("%s: %s: %s", name, k, p)
			}
		}
	}
	err = fs.WalkDir(ui.FS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(ui.FS, p)
		if err != nil {
			return err
		}
		for _, text := range templateText(string(b)) {
			checked++
			for _, pr := range frenchProblems(text) {
				t.Errorf("%s: %s", p, pr)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 1000 {
		t.Fatalf("checked only %d texts", checked)
	}
}

var (
	actions    = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	codeBlocks = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>|<!--.*?-->`)
	tags       = regexp.MustCompile(`(?s)<[^>]*>`)
	readAttrs  = regexp.MustCompile(`(?i)\b(?:title|alt|placeholder|aria-label|aria-description|content)="([^"]*)"`)
)

// templateText returns the texts of a template people read: between the
// tags, and in the attributes read aloud or shown, with the template actions
// taken out (their words come from the locale files, checked above).
func templateText(src string) []string {
	src = codeBlocks.ReplaceAllString(src, " ")
	src = actions.ReplaceAllString(src, "\x00")
	var out []string
	for _, m := range readAttrs.FindAllStringSubmatch(src, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	for _, s := range strings.Split(tags.ReplaceAllString(src, "\x00"), "\x00") {
		if strings.TrimSpace(s) != "" {
			out = append(out, html.UnescapeString(s))
		}
	}
	return out
}

func TestFrenchProblems(t *testing.T) {
	for s, want := range map[string]int{
		"Commentaire\u00a0:":                  0,
		"Commentaire\u202f:":                  0,
		"Commentaire :":                       1,
		"Commentaire:":                        1,
		"«\u00a0Forum\u00a0»":                 0,
		"« Forum »":                           2,
		"Vraiment\u00a0?!":                    0,
		"https://example.org/a?b=c":           0,
		"de 9:30 à 12:00":                     0,
		"{count}: {title}":                    0,
		"a:b, ?lang=en":                       0,
		"Rappel\u00a0: «\u00a0{title}\u00a0»": 0,
	} {
		if got := frenchProblems(s); len(got) != want {
			t.Errorf("%q: %d problems %v, want %d", s, len(got), got, want)
		}
	}
}
