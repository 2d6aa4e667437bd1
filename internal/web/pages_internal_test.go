package web

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
	"github.com/passerelle/passerelle/ui"
)

func TestSafeNext(t *testing.T) {
	tests := []struct {
		name, next, want string
	}{
		{"local path", "/fiches/12", "/fiches/12"},
		{"with query", "/territoires/59?page=2", "/territoires/59?page=2"},
		{"root", "/", "/"},
		{"empty", "", ""},
		{"absolute URL", "https://evil.example/", ""},
		{"scheme-relative", "//evil.example/x", ""},
		{"backslash", "/\\evil.example", ""},
		{"javascript", "javascript:alert(1)", ""},
		{"relative", "fiches/12", ""},
		{"control character", "/a\r\nLocation: //evil.example", ""},
		{"tab trick", "/\t/evil.example", ""},
		{"new line trick", "/\n/evil.example", ""},
		{"back-slash after dot-segment", "/../\\evil.example", ""},
		{"back-slash later", "/fiches/..\\..\\\\evil.example", ""},
		{"two back-slashes", "\\\\evil.example", ""},
		{"encoded slashes", "/%2F%2Fevil.example", ""},
		{"encoded slashes, lower case", "/%2f%2fevil.example", ""},
		{"encoded back-slash", "/%5Cevil.example", ""},
		{"encoded back-slash after dot-segment", "/..%5C%5Cevil.example", ""},
		{"encoded tab", "/%09/evil.example", ""},
		{"encoded new line", "/%0a/evil.example", ""},
		{"dot-segments then two slashes", "/a/..//evil.example", "/evil.example"},
		{"encoded dot-segments", "/%2e%2e//evil.example", "/evil.example"},
		{"single dot then slashes", "/.//evil.example", "/evil.example"},
		{"dot-segments stay on the site", "/fiches/../territoires/59", "/territoires/59"},
		{"above the root", "/../../etc", "/etc"},
		{"trailing slash kept", "/territoires/", "/territoires/"},
		{"scheme-relative with user", "//user@evil.example", ""},
		{"absolute http", "http://evil.example", ""},
		{"absolute with leading space", " https://evil.example", ""},
		{"data URL", "data:text/html,x", ""},
		{"fragment dropped", "/fiches/12#avis", "/fiches/12"},
		{"encoded query kept", "/recherche?q=%C3%A9t%C3%A9", "/recherche?q=%C3%A9t%C3%A9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := safeNext(tt.next); got != tt.want {
				t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
			}
		})
	}
}

func TestFormPage(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/fiches/12/soumettre", "/fiches/12"},
		{"/fiches/12/decision", "/fiches/12"},
		{"/fiches/12/modifier", "/fiches/12/modifier"},
		{"/fiches/nouvelle", "/fiches/nouvelle"},
		{"/notifications/lues", "/notifications"},
		{"/logout", "/"},
	}
	for _, tt := range tests {
		if got := formPage(tt.path); got != tt.want {
			t.Errorf("formPage(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestSplitList(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"lines", "Mission locale\nFrance Travail", []string{"Mission locale", "France Travail"}},
		{"commas", "français, arabe,anglais", []string{"français", "arabe", "anglais"}},
		{"both and blanks", " a ,\r\n\n, b\n", []string{"a", "b"}},
		{"empty", "  ", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitList(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("splitList(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func catalog(t *testing.T) *view.Catalog {
	t.Helper()
	cat, err := view.LoadCatalog(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestFormErrors(t *testing.T) {
	tr := catalog(t).Translator("fr")
	err := &passerelle.Error{Code: passerelle.EValidation, Fields: map[string]string{
		"tool.format":        passerelle.FieldUnknown,
		"experience.context": passerelle.FieldRequired,
		"themes":             passerelle.FieldRequired,
		"summary":            passerelle.FieldTooLong,
		"title":              "something new",
		"If-Match":           passerelle.FieldInvalid,
	}}
	got := formErrors(tr, err)
	want := []view.FormError{
		{Field: "title", Message: "La valeur du champ «\u00a0Titre\u00a0» n’est pas valide."},
		{Field: "summary", Message: "Le champ «\u00a0Résumé\u00a0» est trop long."},
		{Field: "themes", Message: "Choisissez au moins un thème."},
		{Field: "context", Message: "Renseignez le champ «\u00a0Contexte\u00a0»."},
		{Field: "format", Message: "Choisissez une valeur proposée pour le champ «\u00a0Format\u00a0»."},
		{Message: "Certaines informations sont manquantes ou incorrectes."},
	}
	if !slices.Equal(got, want) {
		t.Errorf("formErrors:\n got %q\nwant %q", got, want)
	}

	// An error without fields is one message about the whole form, and an
	// internal error never shows its text.
	got = formErrors(tr, passerelle.Errorf(passerelle.EConflict, "state"))
	if len(got) != 1 || got[0].Field != "" || !strings.HasPrefix(got[0].Message, "Cette action n’est pas possible") {
		t.Errorf("conflict: %q", got)
	}
	got = formErrors(tr, errors.New("pq: secret detail"))
	if len(got) != 1 || strings.Contains(got[0].Message, "secret") {
		t.Errorf("internal: %q", got)
	}
}

// goKeyPrefixes are the families of locale keys only the pages' Go code
// uses (the templates use the others).
var goKeyPrefixes = []string{"error.code.", "flash.", "form.error.", "form.not_submitted", "login.error.", "upload.error.", "size."}

// goKeys returns every key the pages may ask for from Go: the literal keys
// of T calls in pages*.go, and the families built at run time.
func goKeys(t *testing.T) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	files, err := filepath.Glob("pages*.go")
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`\.T\("([^"]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") { // prefixes of families, below
				keys[m[1]] = true
			}
		}
	}
	for code := range statusOf {
		keys["error.code."+code] = true
	}
	keys["error.code.method_not_allowed"] = true
	for _, f := range flashes {
		keys["flash."+f] = true
	}
	for _, r := range fieldReasons {
		keys["form.error."+r] = true
	}
	for _, f := range append(slices.Clone(formFields), accountFields...) {
		keys[f.label] = true
	}
	return keys
}

// TestPageKeysExist: every message the pages use from Go exists in every
// language; every field-specific message names a real input and reason; and
// nothing in the Go-only families is left unused.
func TestPageKeysExist(t *testing.T) {
	cat := catalog(t)
	keys := goKeys(t)
	for _, lang := range cat.Languages() {
		tr := cat.Translator(lang)
		for k := range keys {
			if !tr.Has(k) {
				t.Errorf("%s: missing %q", lang, k)
			}
		}
	}
	specific := regexp.MustCompile(`^form\.error\.([a-z_]+)\.([a-z_]+)$`)
	for _, k := range cat.Keys("fr") {
		if m := specific.FindStringSubmatch(k); m != nil {
			inputs := append(slices.Clone(formFields), accountFields...)
			reasons := append(slices.Clone(fieldReasons), "mismatch") // the confirmation of a new password
			if !slices.ContainsFunc(inputs, func(f formField) bool { return f.input == m[1] }) || !slices.Contains(reasons, m[2]) {
				t.Errorf("%q: no input %q or no reason %q", k, m[1], m[2])
			}
			continue
		}
		for _, p := range goKeyPrefixes {
			if strings.HasPrefix(k, p) && !keys[k] {
				t.Errorf("unused key %q", k)
			}
		}
	}
}
