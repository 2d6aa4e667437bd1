package passerelle

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Languages are the languages a teaching tool may be offered in, as BCP 47
// tags (RFC 5646), which dc:language and schema.org's inLanguage expect:
// French and the languages of France (regional languages, Creoles, French
// Sign Language), then the languages most spoken by the people the
// territories of urban policy work with. People choose them from this list,
// shown by their names in their own language.
var Languages = []string{
	"fr", "fsl", "br", "ca", "co", "eu", "oc", "gsw", "rcf", "gcf", "ht",
	"en", "ar", "kab", "es", "pt", "it", "de", "nl", "tr", "ro", "pl", "uk", "ru",
	"zh", "vi", "ta", "wo", "bm", "ff", "ln", "sw", "so", "ps", "fa", "sq",
}

// knownLanguage reports whether tag is one of Languages.
func knownLanguage(tag string) bool {
	for _, l := range Languages {
		if l == tag {
			return true
		}
	}
	return false
}

// CanonicalLanguage returns the tag of Languages that s names: a tag in any
// case or form ("FR", "fr-FR" → "fr", "fra" → "fr"), and false when s is no
// language of the list. Names of languages are matched by LanguageByName.
func CanonicalLanguage(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	tag, err := language.Parse(s)
	if err != nil {
		return "", false
	}
	if knownLanguage(tag.String()) {
		return tag.String(), true
	}
	base, conf := tag.Base()
	if conf == language.No {
		return "", false
	}
	if knownLanguage(base.String()) {
		return base.String(), true
	}
	return "", false
}

// languageNames are the names of the tags of Languages that CLDR, and so
// package display, does not name.
var languageNames = map[string]map[string]string{
	"fr": {"fsl": "langue des signes française", "rcf": "créole réunionnais", "gcf": "créole guadeloupéen et martiniquais"},
	"en": {"fsl": "French Sign Language", "rcf": "Réunion Creole French", "gcf": "Guadeloupean Creole French"},
}

// LanguageName returns the name of a language tag in the language in ("fr"
// or "en"; French otherwise), or the tag itself when it has none.
func LanguageName(tag, in string) string {
	if in != "en" {
		in = "fr"
	}
	if n := languageNames[in][tag]; n != "" {
		return n
	}
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if n := display.Languages(language.Make(in)).Name(t); n != "" {
		return n
	}
	return tag
}

// LanguageByName returns the tag of Languages that s names: a tag (see
// CanonicalLanguage) or the language's name in French or English, in any
// case and with or without accents ("Français", "anglais", "Arabic",
// "langue des signes française"); false when none does.
func LanguageByName(s string) (string, bool) {
	if tag, ok := CanonicalLanguage(s); ok {
		return tag, true
	}
	key := foldName(s)
	if key == "" {
		return "", false
	}
	for _, tag := range Languages {
		for _, in := range []string{"fr", "en"} {
			if foldName(LanguageName(tag, in)) == key {
				return tag, true
			}
		}
	}
	if tag, ok := languageAliases[key]; ok {
		return tag, true
	}
	return "", false
}

// languageAliases are other names people write for languages of the list.
var languageAliases = map[string]string{
	"lsf": "fsl", "langue des signes": "fsl", "creole": "gcf", "creole antillais": "gcf", "creole martiniquais": "gcf",
	"creole guadeloupeen": "gcf", "creole haitien": "ht", "berbere": "kab", "amazigh": "kab", "tamazight": "kab",
	"alsacien": "gsw", "mandarin": "zh", "chinois mandarin": "zh", "peul": "ff", "pular": "ff", "farsi": "fa",
	"persan": "fa", "dari": "fa",
}

// foldName lowers s and takes its accents off, for matching names.
func foldName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	r := strings.NewReplacer("à", "a", "â", "a", "ä", "a", "é", "e", "è", "e", "ê", "e", "ë", "e", "î", "i", "ï", "i",
		"ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ç", "c", "’", "'")
	return strings.Join(strings.Fields(r.Replace(s)), " ")
}
