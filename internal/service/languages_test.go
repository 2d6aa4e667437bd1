package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestFixLanguages: languages of tools written as free text before the list
// are mapped to their BCP 47 codes where they can be, and named where they
// cannot; a published sheet's record moves for harvesters.
func TestFixLanguages(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		kind := passerelle.KindTool
		s := func(v string) *string { return &v }
		p, err := b.Service.CreatePractice(ctx, w.LilleAuthor, service.PracticeInput{Kind: &kind, Title: s("Jeu"),
			Tool: &service.ToolInput{Languages: &[]string{"Français", "en-GB"}}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Tool.Languages, []string{"fr", "en"}) {
			t.Errorf("languages saved as %v, want codes", p.Tool.Languages)
		}
		if _, err := b.Service.CreatePractice(ctx, w.LilleAuthor, service.PracticeInput{Kind: &kind, Title: s("Jeu"),
			Tool: &service.ToolInput{Languages: &[]string{"klingon"}}}); passerelle.ErrorCode(err) != passerelle.EValidation {
			t.Errorf("an unknown language: %v, want validation_failed", err)
		}
		// As the first round stored them.
		if _, err := b.DB.Bun.NewRaw(`UPDATE practices SET tool = ? WHERE id = ?`,
			`{"audience":[],"format":"game","duration":"","license":"","languages":["Français","anglais","FR","LSF","klingon","Arabe"]}`, p.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for range 2 { // idempotent
			unmapped, err := b.Service.FixLanguages(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := []service.UnmappedLanguage{{PracticeID: p.ID, Value: "klingon"}}; !slices.Equal(unmapped, want) {
				t.Errorf("unmapped = %v, want %v", unmapped, want)
			}
			got, err := b.Service.Practice(ctx, w.LilleAuthor, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"fr", "en", "fsl", "klingon", "ar"}; !slices.Equal(got.Tool.Languages, want) {
				t.Errorf("languages = %v, want %v", got.Tool.Languages, want)
			}
		}
		if n := passerelle.LanguageName("fsl", "fr"); n != "langue des signes française" {
			t.Errorf("name of fsl: %q", n)
		}
		if n := passerelle.LanguageName("ar", "fr"); n != "arabe" {
			t.Errorf("name of ar: %q", n)
		}
	})
}
