package search

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits on what a query may ask, so that any text a reader sends costs a
// bounded amount of work: what lies beyond them is ignored, never refused.
const (
	MaxQueryBytes = 1000
	MaxTerms      = 12
)

// Term is one thing a reader asks for: a word, or several words typed
// between double quotes, which must then follow one another.
type Term struct {
	// Text is the folded words of the term, stop words included, separated by
	// spaces: what PostgreSQL's phraseto_tsquery receives.
	Text string
	// Stems are the stems of its words that are not stop words: what the
	// SQLite index holds, and what highlighting looks for.
	Stems []string
	// Alternatives are the other forms of a one-word term (see Variants),
	// folded, and AltStems their stems: the word matches any of them.
	Alternatives []string
	AltStems     []string
	// Exclude is set for a term typed with a leading "-": results must not
	// contain it.
	Exclude bool
}

// Query is a reader's search text, parsed.
type Query struct {
	Terms []Term
	// Ignored lists the words left out: stop words ("le", "des") and words
	// beyond MaxTerms.
	Ignored []string
}

// Parse reads a reader's search text. Words are matched whatever their
// accents, case or inflection; "double quotes" ask for words in that order;
// a leading "-" excludes a word or a quoted phrase. Every other sign
// (operators of FTS5 or tsquery, SQL, emoji) only separates words, so no
// text can make a query fail. Text beyond MaxQueryBytes and terms beyond
// MaxTerms are ignored.
func Parse(text string) Query {
	if len(text) > MaxQueryBytes {
		cut := MaxQueryBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	s := Fold(strings.ToValidUTF8(text, " "))
	var q Query
	seen := map[string]bool{}
	add := func(ws []string, exclude bool) {
		var stems []string
		for _, w := range ws {
			if !stopWords[w] {
				stems = append(stems, Stem(w))
			}
		}
		if len(stems) == 0 {
			q.Ignored = append(q.Ignored, ws...)
			return
		}
		key := strings.Join(stems, " ")
		if exclude {
			key = "-" + key
		}
		if seen[key] {
			return
		}
		if len(q.Terms) >= MaxTerms {
			q.Ignored = append(q.Ignored, ws...)
			return
		}
		seen[key] = true
		term := Term{Text: strings.Join(ws, " "), Stems: stems, Exclude: exclude}
		if len(ws) == 1 {
			for _, v := range append(Variants(ws[0]), xPlural(ws[0])...) {
				if vs := Stem(v); vs != stems[0] && !stopWords[v] && !slices.Contains(term.AltStems, vs) {
					term.Alternatives = append(term.Alternatives, v)
					term.AltStems = append(term.AltStems, vs)
				}
			}
		}
		q.Terms = append(q.Terms, term)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		// A "-" excludes what follows it when it starts a word: not in
		// "femmes-hommes".
		exclude := false
		if r == '-' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t' || s[i-1] == '\n') && i+1 < len(s) {
			next, nsize := utf8.DecodeRuneInString(s[i+1:])
			if next == '"' || isWordRune(next) {
				exclude = true
				i += 1
				r, size = next, nsize
			}
		}
		switch {
		case r == '"':
			end := strings.IndexByte(s[i+1:], '"')
			var phrase string
			if end < 0 {
				phrase, i = s[i+1:], len(s)
			} else {
				phrase, i = s[i+1:i+1+end], i+1+end+1
			}
			var ws []string
			words(phrase, func(w string) bool { ws = append(ws, w); return len(ws) < 2*MaxTerms })
			if len(ws) > 0 {
				add(ws, exclude)
			}
		case isWordRune(r):
			j := i
			for j < len(s) {
				r2, s2 := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) {
					break
				}
				j += s2
			}
			if w := s[i:j]; utf8.RuneCountInString(w) <= MaxWordLen {
				add([]string{w}, exclude)
			}
			i = j
		default:
			i += size
		}
	}
	return q
}

// Empty reports whether the query asks for nothing: no term, or only
// exclusions. An empty query matches nothing.
func (q Query) Empty() bool {
	for _, t := range q.Terms {
		if !t.Exclude {
			return false
		}
	}
	return true
}

// Stems returns the stems of the terms that are not excluded, for
// highlighting.
func (q Query) Stems() []string {
	var out []string
	for _, t := range q.Terms {
		if !t.Exclude {
			out = append(out, t.Stems...)
			out = append(out, t.AltStems...)
		}
	}
	return out
}

// FTS5 returns the query as an FTS5 full-text expression over IndexText
// columns: every stem is a quoted string (FTS5 reads no operator inside
// one), a word's alternatives are joined with OR, terms with AND, and
// exclusions applied with NOT. It returns "" for an empty query.
func (q Query) FTS5() string {
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	var pos, neg []string
	for _, t := range q.Terms {
		quoted := quote(strings.Join(t.Stems, " "))
		if len(t.AltStems) > 0 {
			alts := []string{quoted}
			for _, a := range t.AltStems {
				alts = append(alts, quote(a))
			}
			quoted = "(" + strings.Join(alts, " OR ") + ")"
		}
		if t.Exclude {
			neg = append(neg, quoted)
		} else {
			pos = append(pos, quoted)
		}
	}
	if len(pos) == 0 {
		return ""
	}
	expr := strings.Join(pos, " AND ")
	for _, n := range neg {
		expr = "(" + expr + ") NOT " + n
	}
	return expr
}

// xPlural returns the other number of a word in "-eu" / "-eux" ("jeu",
// "jeux"; "lieu", "lieux"), which Snowball leaves apart. It serves the
// query side only: a word typed either way also looks for the other, and
// the index need not change.
func xPlural(w string) []string {
	switch n := len(w); {
	case n >= 3 && strings.HasSuffix(w, "eu"):
		return []string{w + "x"}
	case n >= 4 && strings.HasSuffix(w, "eux"):
		return []string{w[:n-1]}
	}
	return nil
}
