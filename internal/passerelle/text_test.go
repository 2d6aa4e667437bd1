package passerelle_test

import (
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
)

func TestCleanText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         string
		text, line bool
	}{
		{name: "plain", in: "Lille, capitale des Flandres", text: true, line: true},
		{name: "accents and emoji", in: "Égalité — « café » 🙂", text: true, line: true},
		{name: "empty", in: "", text: true, line: true},
		{name: "tab", in: "a\tb", text: true},
		{name: "line feed", in: "a\nb", text: true},
		{name: "carriage return", in: "a\r\nb", text: true},
		{name: "NUL", in: "a\x00b"},
		{name: "NUL after accents", in: "é\x00"},
		{name: "escape", in: "\x1b[31m"},
		{name: "vertical tab", in: "a\vb"},
		{name: "form feed", in: "a\fb"},
		{name: "DEL", in: "a\x7f"},
		{name: "not UTF-8", in: "caf\xe9"},
		{name: "truncated UTF-8", in: "caf\xc3"},
		{name: "C1 is text", in: "a\u0085b", text: true, line: true},
	}
	for _, tt := range tests {
		if got := passerelle.CleanText(tt.in); got != tt.text {
			t.Errorf("%s: CleanText(%q) = %v, want %v", tt.name, tt.in, got, tt.text)
		}
		if got := passerelle.CleanLine(tt.in); got != tt.line {
			t.Errorf("%s: CleanLine(%q) = %v, want %v", tt.name, tt.in, got, tt.line)
		}
	}
}

func TestValidatorsRefuseControlCharacters(t *testing.T) {
	t.Parallel()
	p := &passerelle.Practice{Kind: passerelle.KindExperience, Title: "Un\ntitre", Body: "ok\n\nsur deux paragraphes",
		Summary: "r\x00", Experience: &passerelle.Experience{Context: "c\x1b", Partners: []string{"a\nb"}}}
	err := p.ValidateDraft()
	e, _ := err.(*passerelle.Error)
	if e == nil {
		t.Fatalf("ValidateDraft = %v", err)
	}
	for _, f := range []string{"title", "summary", "experience.context", "experience.partners"} {
		if e.Fields[f] != passerelle.FieldCharacters {
			t.Errorf("field %s: %q, want %q (%v)", f, e.Fields[f], passerelle.FieldCharacters, e.Fields)
		}
	}
	if _, ok := e.Fields["body"]; ok {
		t.Errorf("a body on several lines is refused: %v", e.Fields)
	}
	if _, err := passerelle.ValidateComment("merci\x00", nil, true); passerelle.ErrorCode(err) != passerelle.EValidation {
		t.Errorf("comment with NUL: %v", err)
	}
	if err := passerelle.ValidateNewUser("lea@example.org", "Léa\x00", "un mot de passe long"); passerelle.ErrorCode(err) != passerelle.EValidation {
		t.Errorf("name with NUL: %v", err)
	}
}
