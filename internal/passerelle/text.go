package passerelle

import (
	"strings"
	"unicode/utf8"
)

// FieldCharacters is the reason of a field that holds a character text may
// not carry: a control character (NUL and the other C0 characters, DEL), a
// line break where the field is one line, or bytes that are not UTF-8.
const FieldCharacters = "characters"

// Text input, whatever its way in (form, JSON, query string, header, import
// file), is UTF-8 without control characters. Only tabs and line breaks pass,
// and only in the fields written on several lines. The web layer refuses
// the rest at the boundary (CleanText); the domain's validators refuse line
// breaks in one-line fields (CleanLine), so that a value is checked whatever
// calls the service.

// CleanText reports whether s may be stored as text written on several
// lines: valid UTF-8 with no control character but tab, line feed and
// carriage return.
func CleanText(s string) bool { return clean(s, true) }

// CleanLine reports whether s may be stored as a one-line value: CleanText
// without tabs or line breaks.
func CleanLine(s string) bool { return clean(s, false) }

func clean(s string, multiline bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return false // not UTF-8
			}
			i += size
			continue
		}
		if (c < 0x20 || c == 0x7f) && (!multiline || (c != '\t' && c != '\n' && c != '\r')) {
			return false
		}
		i++
	}
	return true
}

// Line adds FieldCharacters for field when one of values is not a clean
// one-line value (see CleanLine).
func (v Validation) Line(field string, values ...string) {
	for _, s := range values {
		if !CleanLine(s) {
			v.Add(field, FieldCharacters)
			return
		}
	}
}

// Text adds FieldCharacters for field when one of values is not clean text
// (see CleanText).
func (v Validation) Text(field string, values ...string) {
	for _, s := range values {
		if !CleanText(s) {
			v.Add(field, FieldCharacters)
			return
		}
	}
}

// ControlCharacters returns a validation error naming field, for the
// boundary checks of the adapters.
func ControlCharacters(fields ...string) error {
	v := Validation{}
	for _, f := range fields {
		v.Add(f, FieldCharacters)
	}
	e := v.Err().(*Error)
	e.Message = "Some fields hold characters that are not allowed (control characters, or bytes that are not UTF-8): " +
		strings.Join(fields, ", ") + "."
	return e
}
