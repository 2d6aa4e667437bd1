package search

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// foldReference is Fold as first written (a map lookup per rune), which
// the faster Fold must match.
func foldReference(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
			continue
		}
		switch {
		case r < 0x250:
			b.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteString(foldSlow(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestFoldMatchesReference(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		s := "é" + string(r) + "Ab"
		if got, want := Fold(s), foldReference(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
	for _, s := range []string{"\xff\xfeÉcole", "Ça\x00", "e\u0301galite\u0301", "ﬁlle Œuvre"} {
		if got, want := Fold(s), foldReference(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}
