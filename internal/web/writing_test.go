package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestWritingRequiredAndChecklist: the form marks as required exactly the
// fields of passerelle.Requirements, its checklist follows what is saved,
// and the submit button names what is missing until nothing is.
func TestWritingRequiredAndChecklist(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		b := s.browser(t)
		b.login(s.World.LilleAuthor.Email, "", "/")
		res := b.get("/fiches/nouvelle").expect(t, "new form", http.StatusOK)
		res.contains(t, "new form",
			`<legend>Thèmes <span class="required">(obligatoire)</span></legend>`,
			`<label for="license">Licence <span class="required">(obligatoire)</span></label>`,
			`<select id="license" name="license" required`,
			`<label for="audience">Public visé <span class="required">(obligatoire)</span></label>`,
			`<label for="results">Résultats <span class="required">(obligatoire)</span></label>`,
			"Pour soumettre, complétez\u00a0: Titre, Résumé",
			`data-input="themes" data-label="Thèmes" class="todo"`,
			`<h2 id="checklist-title">Avant de soumettre</h2>`)
		// Not required: no marker.
		res.lacks(t, "new form", `<label for="duration">Durée <span class="required">`, `<label for="lessons">Enseignements <span class="required">`)
		for _, r := range passerelle.Requirements {
			if !strings.Contains(res.Body, `data-input="`+inputOf(r.Field)+`"`) {
				t.Errorf("checklist lacks %s", r.Field)
			}
		}

		form := url.Values{
			"kind": {"tool"}, "title": {"Jeu de l’oie du quartier"}, "summary": {"Un jeu."},
			"body": {"Règles du jeu."}, "territory": {"59350"}, "audience": {"Collégiens"}, "format": {"game"},
			"action": {"save"},
		}
		res = b.post("/fiches/nouvelle", form).expect(t, "save", http.StatusSeeOther)
		edit := res.Location() + "/modifier"
		res = b.get(edit).expect(t, "edit form", http.StatusOK)
		res.contains(t, "edit form", "Pour soumettre, complétez\u00a0: Thèmes, Licence",
			`data-input="title" data-label="Titre" class="done"`,
			`data-input="context" data-kind="experience" data-label="Contexte" class="todo" hidden`)
		form.Set("themes", "education")
		form.Set("license", "CC-BY-4.0")
		form.Set("version", res.value("version"))
		res = b.post(edit, form).expect(t, "complete", http.StatusSeeOther)
		res = b.get(edit).expect(t, "complete form", http.StatusOK)
		res.contains(t, "complete form", `id="submit-button" data-ready="Enregistrer et soumettre"`, `>Enregistrer et soumettre</button>`)
		res.lacks(t, "complete form", `class="todo">`)
	})
}

// inputOf is the input of the form that holds a field of the domain.
func inputOf(field string) string {
	_, after, ok := strings.Cut(field, ".")
	if ok {
		return after
	}
	return field
}
