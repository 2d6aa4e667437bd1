package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: any text a reader types is parsed — never a panic — into at
// most MaxTerms terms of valid text, and highlighting with it stays within
// its bound.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"", "emploi des jeunes", `"économie sociale" -loyer`, `"`, `-`, `- "" -""`, "AND OR NOT NEAR(a b)",
		"'; DROP TABLE practices; --", "a*", "\x00\xff\xfe", "ŒUVRES cœur", strings.Repeat("mot ", 300), strings.Repeat(`"`, 50),
		"😀 emoji", "l’été, l'été", "Ǆ ǅ ǆ", "\u0301e"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q := Parse(text)
		if len(q.Terms) > MaxTerms {
			t.Fatalf("Parse(%q): %d terms", text, len(q.Terms))
		}
		for _, term := range q.Terms {
			if term.Text == "" || !utf8.ValidString(term.Text) {
				t.Fatalf("Parse(%q): term %+v", text, term)
			}
			for _, s := range append(append([]string{}, term.Stems...), term.AltStems...) {
				if !utf8.ValidString(s) {
					t.Fatalf("Parse(%q): stem %q", text, s)
				}
			}
		}
		// Stored texts are valid UTF-8 (the boundary refuses anything else).
		doc := "Une expérience d’insertion par l’emploi des jeunes, " + strings.ToValidUTF8(text, "\uFFFD")
		snippet, _ := Highlight(doc, q, 200)
		if !utf8.ValidString(snippet) {
			t.Fatalf("Highlight with %q: %q", text, snippet)
		}
		_ = PlainText(text)
		_ = IndexText(text)
	})
}
