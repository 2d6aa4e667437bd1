package opendata

import "github.com/passerelle/passerelle/internal/passerelle"

// LanguageNames returns the names, in the language in, of BCP 47 tags.
func LanguageNames(tags []string, in string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = passerelle.LanguageName(t, in)
	}
	return out
}

// languageCodes returns the tags of a tool's languages that are BCP 47 codes
// of the list, for dc:language and inLanguage; free text not yet mapped to
// a code (see service.FixLanguages) is left out.
func languageCodes(tags []string) []string {
	var out []string
	for _, t := range tags {
		if c, ok := passerelle.CanonicalLanguage(t); ok {
			out = append(out, c)
		}
	}
	return out
}
