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

func TestScanWordsAsWordsOfFold(t *testing.T) {
	texts := []string{"L’égalité femmes-hommes, en 2024 : 42 % !", "e\u0301galite\u0301 ﬁlle ŒUVRE", "\xff\xfeÉcole\x00x",
		strings.Repeat("a", 40) + " " + strings.Repeat("b", 41) + " " + strings.Repeat("é", 41) + " z", "Ça, à l'école. 😀 Ⅻ ½ 漢字 ΑΒΓ"}
	for r := rune(0); r < 0x3000; r += 7 {
		texts = append(texts, "Ab"+string(r)+"é"+string(r+1)+"x "+string(r+2))
	}
	var buf []byte
	for _, text := range texts {
		var want, got []string
		words(Fold(text), func(w string) bool { want = append(want, w); return true })
		buf = ScanWords(text, buf, func(w []byte) { got = append(got, string(w)) })
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("ScanWords(%q) = %q, want %q", text, got, want)
		}
	}
}
