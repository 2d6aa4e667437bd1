package passerelle

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Theme is a subject of urban-policy contracts (employment, education,
// fighting discrimination, ...) that practices are filed under.
type Theme struct {
	Slug string
	Name string
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Normalize returns the theme as it is stored: its slug and name without
// surrounding spaces.
func (t Theme) Normalize() Theme {
	t.Slug, t.Name = strings.TrimSpace(t.Slug), strings.TrimSpace(t.Name)
	return t
}

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
