// Package search holds what French full-text search needs on both databases:
// folding (lower case, accents removed), splitting into words, French stop
// words and Snowball stemming, the parsing of a reader's query into terms,
// and the highlighting of matches in snippets.
//
// PostgreSQL does the document side itself (to_tsvector('french') over
// unaccented text); SQLite has no French stemmer, so the store indexes the
// output of IndexText in an FTS5 table and matches it with Query.FTS5. Both
// sides fold before they stem, so that "egalite" and "égalité" always meet.
package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/french"
	"golang.org/x/text/unicode/norm"
)

// MaxWordLen is the longest word indexed or searched, in runes; longer runs
// of letters are not words a reader types (hashes, URLs, base64).
const MaxWordLen = 40

// foldTable maps the runes of the Latin blocks to their folded form; it is
// filled once from Unicode decompositions plus the letters that do not
// decompose (œ, æ, ß, ø, ł, đ).
var foldTable = func() map[rune]string {
	m := map[rune]string{'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'ø': "o", 'Ø': "o",
		'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ı': "i", 'ð': "d", 'þ': "th",
		'’': "'", '‘': "'", 'ʼ': "'", '´': "'"}
	for r := rune(0x80); r < 0x250; r++ {
		if _, ok := m[r]; ok {
			continue
		}
		if s := foldSlow(r); s != string(r) {
			m[r] = s
		}
	}
	return m
}()

// foldSlow decomposes r (compatibility decomposition: ligatures, full-width
// forms) and keeps what is not a combining mark, in lower case.
func foldSlow(r rune) string {
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		b.WriteRune(unicode.ToLower(d))
	}
	return b.String()
}

// foldLatin is foldTable for the runes below 0x250 (each its folded form,
// or itself in lower case): an index, not a map lookup, for the letters
// of French texts.
var foldLatin = func() (t [0x250]string) {
	for r := rune(0x80); r < 0x250; r++ {
		if f, ok := foldTable[r]; ok {
			t[r] = f
		} else {
			t[r] = string(unicode.ToLower(r))
		}
	}
	return t
}()

// Fold returns s in lower case without diacritics: "Égalité" gives
// "egalite", "Œuvre" gives "oeuvre". Typographic apostrophes become "'".
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r < 0x250 {
			b.WriteString(foldLatin[r])
			continue
		}
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
			continue
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining mark of text typed already decomposed
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteString(foldSlow(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// words calls fn with each word of folded text: a run of letters and digits.
// Apostrophes, hyphens and every other sign separate words, so "l'égalité"
// gives "l" and "egalite", "Hauts-de-France" three words. Words longer than
// MaxWordLen runes are skipped. fn returns false to stop.
func words(folded string, fn func(w string) bool) {
	start, n := -1, 0
	for i, r := range folded {
		if isWordRune(r) {
			if start < 0 {
				start, n = i, 0
			}
			n++
			continue
		}
		if start >= 0 {
			if n <= MaxWordLen && !fn(folded[start:i]) {
				return
			}
			start = -1
		}
	}
	if start >= 0 && n <= MaxWordLen {
		fn(folded[start:])
	}
}

// Words returns the folded words of s, stop words included.
func Words(s string) []string {
	var out []string
	words(Fold(s), func(w string) bool { out = append(out, w); return true })
	return out
}

// stopWords are the French stop words of Snowball (the list PostgreSQL's
// french configuration uses), folded, plus a few very common words that only
// blow up result sets ("les", "a").
var stopWords = func() map[string]bool {
	list := strings.Fields(`au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même
	mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos
	votre vous c d j l à m n s t y été étée étées étés étant étante étants étantes suis es est sommes êtes sont serai
	seras sera serons serez seront serais serait serions seriez seraient étais était étions étiez étaient fus fut
	fûmes fûtes furent sois soit soyons soyez soient fusse fusses fût fussions fussiez fussent ayant ayante ayantes
	ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez
	auraient avais avait avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse eusses eût
	eussions eussiez eussent
	les a où cet cette celle celui ceux dont lors si ni`)
	m := make(map[string]bool, len(list))
	for _, w := range list {
		m[Fold(w)] = true
	}
	return m
}()

// IsStopWord reports whether the folded word w is too common to search.
func IsStopWord(w string) bool { return stopWords[w] }

// stemCache remembers stems: the vocabulary of the catalogue is small next
// to the number of words indexed, and Snowball allocates on every call. It
// is cleared when full rather than evicted entry by entry.
var stemCache struct {
	sync.RWMutex
	m map[string]string
}

const stemCacheMax = 200_000

// Stem returns the French Snowball stem of the folded word w: "discriminations"
// and "discrimination" give "discrimin", "embaucher" and "embauche" give
// "embauch". Stop words and words of one or two letters come back unchanged.
func Stem(w string) string {
	stemCache.RLock()
	s, ok := stemCache.m[w]
	stemCache.RUnlock()
	if ok {
		return s
	}
	s = french.Stem(w, false)
	stemCache.Lock()
	if stemCache.m == nil || len(stemCache.m) >= stemCacheMax {
		stemCache.m = make(map[string]string, 1024)
	}
	// The key is cloned: w may be a slice of a large document.
	stemCache.m[strings.Clone(w)] = s
	stemCache.Unlock()
	return s
}

// Variants returns other forms of the folded word w that a reader may mean
// and that Snowball, which expects accents, does not bring together once
// they are gone: "diplomee" and "diplomees" (diplômée, diplômées) also stand
// for "diplome", "diplomes"; a verb in "-ent" ("rencontrent") also for its
// root ("rencontr", as in "rencontrer"). Both sides of a match use them: the
// index keeps the stems of a word's variants beside its own, and a query
// word matches any of them. PostgreSQL applies the same rules
// (passerelle_variant_words in the search migration).
func Variants(w string) []string {
	var out []string
	switch n := len(w); {
	case n >= 5 && strings.HasSuffix(w, "ees"):
		out = append(out, w[:n-2]+"s")
	case n >= 4 && strings.HasSuffix(w, "ee"):
		out = append(out, w[:n-1])
	}
	if n := len(w); n >= 7 && strings.HasSuffix(w, "ent") && isASCIIWord(w) {
		out = append(out, w[:n-3])
	}
	return out
}

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// IndexText returns what the SQLite index stores for the given texts: the
// stems of their words, stop words left out, separated by spaces, followed
// by the stems of the variants of their words (see Variants) that differ.
// The in-memory index of the store counts the same stems (EachWord,
// WordStems).
func IndexText(texts ...string) string {
	var b, extra strings.Builder
	add := func(sb *strings.Builder, s string) {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(s)
	}
	for _, t := range texts {
		EachWord(t, func(w string) bool {
			stem, variants, ok := WordStems(w)
			if !ok {
				return true
			}
			add(&b, stem)
			for _, vs := range variants {
				add(&extra, vs)
			}
			return true
		})
	}
	if extra.Len() > 0 {
		add(&b, extra.String())
	}
	return b.String()
}

// EachWord calls fn with each folded word of text (see Words), stop words
// included, until it returns false. The word may be a slice of a larger
// string: clone it to keep it.
func EachWord(text string, fn func(w string) bool) {
	words(Fold(text), fn)
}

// WordStems returns what the index holds for the folded word w: its stem
// and the stems of its variants that differ from it (see Variants), in
// that order; ok is false for a stop word, which is not indexed.
func WordStems(w string) (stem string, variants []string, ok bool) {
	if stopWords[w] {
		return "", nil, false
	}
	stem = Stem(w)
	for _, v := range Variants(w) {
		if vs := Stem(v); vs != stem && !stopWords[v] {
			variants = append(variants, vs)
		}
	}
	return stem, variants, true
}

// ScanWords calls fn with each word of Fold(text), in order, as
// EachWord does, without folding the whole text first: a text is read once
// and only its words are copied. w is valid during the call only; buf is
// a buffer to reuse (nil for none), returned for the next call.
func ScanWords(text string, buf []byte, fn func(w []byte)) []byte {
	w := buf[:0]
	n := 0 // runes in w
	end := func() {
		if len(w) > 0 && n <= MaxWordLen {
			fn(w)
		}
		w, n = w[:0], 0
	}
	// add feeds one rune of the folded text.
	add := func(r rune) {
		if isWordRune(r) {
			w = utf8.AppendRune(w, r)
			n++
			return
		}
		end()
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				w = append(w, c)
				n++
			case 'A' <= c && c <= 'Z':
				w = append(w, c+'a'-'A')
				n++
			default:
				end()
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		var folded string
		switch {
		case r < 0x250:
			folded = foldLatin[r]
		default:
			if f, ok := foldTable[r]; ok {
				folded = f
			} else if unicode.Is(unicode.Mn, r) {
				continue
			} else if unicode.IsLetter(r) || unicode.IsNumber(r) {
				folded = foldSlow(r)
			} else {
				add(r)
				continue
			}
		}
		for _, fr := range folded {
			add(fr)
		}
	}
	end()
	return w
}
