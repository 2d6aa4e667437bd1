package search

import "slices"

// NameStems returns the stems of the words of a short text (a theme's or a
// territory's name, a partner, an author), stop words left out, in order;
// each word's variants (see Variants) are returned beside, in alts.
func NameStems(s string) (stems []string, alts [][]string) {
	words(Fold(s), func(w string) bool {
		if stopWords[w] {
			return true
		}
		stem := Stem(w)
		var a []string
		for _, v := range Variants(w) {
			if vs := Stem(v); vs != stem && !stopWords[v] {
				a = append(a, vs)
			}
		}
		stems = append(stems, stem)
		alts = append(alts, a)
		return true
	})
	return stems, alts
}

// Names reports whether the short text s names the term: its words hold
// the term's words, whatever their accents and inflection ("egalite" names
// "Égalité femmes-hommes", "jeu" names "Jeux de société"), the words of a
// quoted term one after the other. Stop words are not compared.
func (t Term) Names(s string) bool {
	if len(t.Stems) == 0 {
		return false
	}
	stems, alts := NameStems(s)
	meets := func(i int, want string, wantAlts []string) bool {
		if stems[i] == want || slices.Contains(alts[i], want) {
			return true
		}
		for _, a := range wantAlts {
			if stems[i] == a || slices.Contains(alts[i], a) {
				return true
			}
		}
		return false
	}
	for start := 0; start+len(t.Stems) <= len(stems); start++ {
		ok := true
		for j, want := range t.Stems {
			var wantAlts []string
			if len(t.Stems) == 1 {
				wantAlts = t.AltStems
			}
			if !meets(start+j, want, wantAlts) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// Keys returns the stems a name is found by, for an index from stem to
// names: the stems of its words and of their variants.
func Keys(s string) []string {
	stems, alts := NameStems(s)
	out := slices.Clone(stems)
	for _, a := range alts {
		out = append(out, a...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// FirstKeys returns the stems under which a name that the term names is
// filed in an index built with Keys: the first word's stem and, for a
// one-word term, its alternatives.
func (t Term) FirstKeys() []string {
	if len(t.Stems) == 0 {
		return nil
	}
	out := []string{t.Stems[0]}
	if len(t.Stems) == 1 {
		out = append(out, t.AltStems...)
	}
	return out
}
