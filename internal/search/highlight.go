package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PlainText drops the Markdown signs that mean nothing in a one-line
// snippet — heading and list markers, emphasis, code ticks, link targets —
// and folds every run of white space into one space.
func PlainText(markdown string) string {
	var b strings.Builder
	b.Grow(len(markdown))
	for _, line := range strings.Split(markdown, "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimLeft(line, "#>")
		line = strings.TrimSpace(line)
		for _, marker := range []string{"- ", "* ", "+ "} {
			line = strings.TrimPrefix(line, marker)
		}
		if b.Len() > 0 && line != "" {
			b.WriteByte(' ')
		}
		for i := 0; i < len(line); i++ {
			c := line[i]
			switch c {
			case '*', '_', '`', '[', '|':
				continue
			case ']':
				// [text](url): keep the text, drop the target.
				if i+1 < len(line) && line[i+1] == '(' {
					if end := strings.IndexByte(line[i:], ')'); end > 0 {
						i += end
					}
				}
				continue
			case '\t', '\r':
				c = ' '
			}
			if c == ' ' && b.Len() > 0 && strings.HasSuffix(b.String(), " ") {
				continue
			}
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}

type span struct {
	start, end         int // byte offsets in the text
	runeStart, runeEnd int // rune offsets in the text
	hit                bool
}

// MaxHighlightBytes bounds the text Highlight reads: a match further down a
// very long body is not worth the time; the extract then comes from the
// start.
const MaxHighlightBytes = 20_000

// Highlight returns an extract of text of about maxRunes characters, chosen
// where the stems of q are densest, as HTML: the text escaped and each
// matching word wrapped in <mark>. found is false when no word of text
// matches; the extract is then the start of text.
func Highlight(text string, q Query, maxRunes int) (snippet string, found bool) {
	if len(text) > MaxHighlightBytes {
		cut := MaxHighlightBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	want := map[string]bool{}
	for _, s := range q.Stems() {
		want[s] = true
	}
	var spans []span
	hits := 0
	wordStart, wordRuneStart, runes := -1, 0, 0
	flush := func(end int) {
		if wordStart < 0 {
			return
		}
		w := Fold(text[wordStart:end])
		hit := false
		if len(want) > 0 && !stopWords[w] && runes-wordRuneStart <= MaxWordLen {
			hit = want[Stem(w)]
			for _, v := range Variants(w) {
				hit = hit || want[Stem(v)]
			}
		}
		if hit {
			hits++
		}
		spans = append(spans, span{start: wordStart, end: end, runeStart: wordRuneStart, runeEnd: runes, hit: hit})
		wordStart = -1
	}
	for i, r := range text {
		// Letters, digits and the combining marks of decomposed text make
		// words, as Fold and words see them.
		if isWordRune(r) || unicode.Is(unicode.Mn, r) {
			if wordStart < 0 {
				wordStart, wordRuneStart = i, runes
			}
		} else {
			flush(i)
		}
		runes++
	}
	flush(len(text))
	if len(spans) == 0 {
		return "", false
	}
	best := 0
	if hits > 0 {
		best = densest(spans, maxRunes)
		// Start a few words before the first match, for context.
		match := spans[best].runeStart
		for back := 0; back < 4 && best > 0 && match-spans[best-1].runeStart <= maxRunes/4; back++ {
			best--
		}
	}
	start := spans[best].start
	if best == 0 {
		start = 0
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	pos, first := start, spans[best].runeStart
	if best == 0 {
		first = 0
	}
	for _, sp := range spans[best:] {
		if sp.runeEnd-first > maxRunes && sp.runeStart > first {
			b.WriteString(html.EscapeString(strings.TrimRight(text[pos:sp.start], " ,;:")))
			b.WriteString(" …")
			return b.String(), hits > 0
		}
		b.WriteString(html.EscapeString(text[pos:sp.start]))
		if sp.hit {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(text[sp.start:sp.end]))
			b.WriteString("</mark>")
		} else {
			b.WriteString(html.EscapeString(text[sp.start:sp.end]))
		}
		pos = sp.end
	}
	b.WriteString(html.EscapeString(text[pos:]))
	return b.String(), hits > 0
}

// densest returns the index of the matching word that starts the window of
// maxRunes holding the most matching words.
func densest(spans []span, maxRunes int) int {
	best, bestHits := 0, -1
	j, inWindow := 0, 0 // inWindow counts the hits of spans[i:j]
	for i := range spans {
		if j < i {
			j, inWindow = i, 0
		}
		for j < len(spans) && spans[j].runeEnd-spans[i].runeStart <= maxRunes {
			if spans[j].hit {
				inWindow++
			}
			j++
		}
		if spans[i].hit && inWindow > bestHits {
			best, bestHits = i, inWindow
		}
		if spans[i].hit && j > i {
			inWindow--
		}
	}
	return best
}
