package passerelle

import (
	"regexp"
	"unicode/utf8"
)

// Theme is a subject of urban-policy contracts (employment, education,
// fighting discrimination, ...) that practices are filed under.
type Theme struct {
	Slug string
	Name string
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks the theme's fields.
func (t *Theme) Validate() error {
	v := Validation{}
	if len(t.Slug) > 64 || !slugPattern.MatchString(t.Slug) {
		v.Add("slug", FieldInvalid)
	}
	if t.Name == "" {
		v.Add("name", FieldRequired)
	} else if utf8.RuneCountInString(t.Name) > 200 {
		v.Add("name", FieldTooLong)
	}
	v.Line("name", t.Name)
	return v.Err()
}
