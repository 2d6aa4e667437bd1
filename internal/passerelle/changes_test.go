package passerelle_test

import (
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

func render(spans []passerelle.DiffSpan) string {
	var sb strings.Builder
	for _, s := range spans {
		switch s.Op {
		case passerelle.DiffInsert:
			sb.WriteString("{+" + s.Text + "+}")
		case passerelle.DiffDelete:
			sb.WriteString("[-" + s.Text + "-]")
		default:
			sb.WriteString(s.Text)
		}
	}
	return sb.String()
}

func TestWordDiff(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"same", "Un forum.", "Un forum.", "Un forum."},
		{"word added", "Un forum de recrutement.", "Un grand forum de recrutement.", "Un {+grand +}forum de recrutement."},
		{"whole words, never parts", "Les habitants", "Les habitantes", "Les [-habitants-]{+habitantes+}"},
		{"accents and apostrophes stay in words", "l’école élémentaire", "l’école maternelle", "l’école [-élémentaire-]{+maternelle+}"},
		{"from nothing", "", "Nouveau texte", "{+Nouveau texte+}"},
		{"to nothing", "Ancien", "", "[-Ancien-]"},
		{"lines", "Mission locale\nFrance Travail", "Mission locale\nCAF\nFrance Travail", "Mission locale\n{+CAF\n+}France Travail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(passerelle.WordDiff(tt.a, tt.b)); got != tt.want {
				t.Errorf("WordDiff(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestChanges(t *testing.T) {
	day := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	before := &passerelle.Practice{Kind: passerelle.KindExperience, Title: "Forum", Summary: "Un forum.", Themes: []string{"emploi"},
		Experience: &passerelle.Experience{Context: "Chômage", Results: "10 embauches", StartedOn: &day}}
	after := *before
	exp := *before.Experience
	after.Experience = &exp
	after.Summary = "Un forum annuel."
	after.Experience.Results = "42 embauches"
	after.Experience.StartedOn = nil
	after.Themes = []string{"emploi", "education"}

	changes := passerelle.Changes(before, &after)
	var fields []string
	for _, c := range changes {
		fields = append(fields, c.Field)
	}
	if got := strings.Join(fields, ","); got != "summary,themes,experience.results,experience.started_on" {
		t.Errorf("changed fields %s", got)
	}
	if c := changes[3]; c.Before != "2024-01-15" || c.After != "" {
		t.Errorf("date change %+v", c)
	}
	first := passerelle.Changes(nil, before)
	if len(first) != 7 || first[0].Field != "kind" {
		t.Errorf("first revision: %+v", first)
	}
}

func TestAttachmentName(t *testing.T) {
	tests := []struct {
		name, in, ctype, want string
	}{
		{"kept", "Bilan 2024.pdf", "application/pdf", "Bilan 2024.pdf"},
		{"folders dropped", `C:\Users\lea\..\rapport.pdf`, "application/pdf", "rapport.pdf"},
		{"unix folders", "../../etc/passwd", "text/plain", "passwd.txt"},
		{"extension of the content", "photo.html", "image/png", "photo.html.png"},
		{"extension case", "PHOTO.JPG", "image/jpeg", "PHOTO.jpg"},
		{"reserved characters", `a<b>:"c|?*.pdf`, "application/pdf", "a_b___c___.pdf"},
		{"controls and bidi overrides", "fac\u202eture\x00.pdf", "application/pdf", "facture.pdf"},
		{"hidden file", ".htaccess", "text/plain", "htaccess.txt"},
		{"empty", "", "application/pdf", "piece-jointe.pdf"},
		{"long", strings.Repeat("é", 300) + ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", strings.Repeat("é", 150) + ".docx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := passerelle.AttachmentName(tt.in, tt.ctype); got != tt.want {
				t.Errorf("AttachmentName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateComment(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		fields   []string
		required bool
		want     string // the fields as cleaned, or the error's fields
	}{
		{"plain", "Merci", nil, true, ""},
		{"fields in sheet order, once", "Voir", []string{"experience.results", "summary", "summary"}, true, "summary,experience.results"},
		{"required", " ", nil, true, "error:comment=required"},
		{"optional", "", nil, false, ""},
		{"fields need words", "", []string{"summary"}, false, "error:comment=required"},
		{"unknown field", "Voir", []string{"budget"}, true, "error:fields=unknown"},
		{"too long", strings.Repeat("a", passerelle.MaxCommentLength+1), nil, true, "error:comment=too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := passerelle.ValidateComment(tt.body, tt.fields, tt.required)
			s := strings.Join(got, ",")
			if err != nil {
				var parts []string
				for f, r := range err.(*passerelle.Error).Fields {
					parts = append(parts, f+"="+r)
				}
				s = "error:" + strings.Join(parts, ",")
			}
			if s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}
