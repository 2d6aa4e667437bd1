package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestRevisionChangesFiles: a file added after changes were requested is
// a change of the resubmission ("attachments"), and so is a file removed;
// the file a moderator asked for never reads "nothing changed".
func TestRevisionChangesFiles(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc, ctx := b.Service, context.Background()
		p := rvDraft(t, svc, w.LilleAuthor, "59350")
		first, err := svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "programme.pdf", bytes.NewReader(pdfFile))
		if err != nil {
			t.Fatal(err)
		}
		resubmit := func(reason string) []passerelle.FieldChange {
			t.Helper()
			if _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
				t.Fatal(err)
			}
			cur, err := svc.Practice(ctx, w.NordMod, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, _, changes, err := svc.RevisionChanges(ctx, w.NordMod, p.ID, cur.Revision)
			if err != nil {
				t.Fatal(err)
			}
			if reason != "" {
				if _, err := svc.Decide(ctx, w.NordMod, p.ID, "request_changes", reason); err != nil {
					t.Fatal(err)
				}
			}
			return changes
		}
		changes := resubmit("Joignez le compte rendu.")
		if c := changes[len(changes)-1]; c.Field != "attachments" || c.After != "programme.pdf" || c.Before != "" {
			t.Errorf("first revision's files: %+v", c)
		}
		if _, err := svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "compte rendu.txt", bytes.NewReader(textFile)); err != nil {
			t.Fatal(err)
		}
		changes = resubmit("Retirez le programme, il est périmé.")
		if len(changes) != 1 || changes[0].Field != "attachments" {
			t.Fatalf("a file added: %+v", changes)
		}
		if got := spans(changes[0].Diff, passerelle.DiffInsert); got != "compte rendu.txt\n" {
			t.Errorf("inserted %q", got)
		}
		if err := svc.RemoveAttachment(ctx, w.LilleAuthor, first.ID); err != nil {
			t.Fatal(err)
		}
		changes = resubmit("")
		if len(changes) != 1 || spans(changes[0].Diff, passerelle.DiffDelete) != "programme.pdf\n" || spans(changes[0].Diff, passerelle.DiffInsert) != "" {
			t.Fatalf("a file removed: %+v", changes)
		}
	})
}

func spans(diff []passerelle.DiffSpan, op passerelle.DiffOp) string {
	var sb strings.Builder
	for _, d := range diff {
		if d.Op == op {
			sb.WriteString(d.Text)
		}
	}
	return sb.String()
}

// TestPreviewBody: the preview is the sheet's rendering, for signed-in
// people, refused with the field when the body cannot be laid out.
func TestPreviewBody(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc, ctx := b.Service, context.Background()
		html, err := svc.PreviewBody(ctx, w.LilleAuthor, "**Gras** et [lien](https://example.org)")
		if err != nil || !strings.Contains(html, "<strong>Gras</strong>") || !strings.Contains(html, `href="https://example.org"`) {
			t.Errorf("preview = %q, %v", html, err)
		}
		p, err := svc.CreatePractice(ctx, w.LilleAuthor, service.PracticeInput{Title: rvPtr("T"), Body: rvPtr("**Gras** et [lien](https://example.org)")})
		if err != nil {
			t.Fatal(err)
		}
		if p.BodyHTML != html {
			t.Errorf("saved %q, previewed %q", p.BodyHTML, html)
		}
		if _, err := svc.PreviewBody(ctx, nil, "x"); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Errorf("anonymous: %v", err)
		}
		_, err = svc.PreviewBody(ctx, w.LilleAuthor, strings.Repeat("[", 200_000))
		if e, ok := err.(*passerelle.Error); !ok || e.Fields["body"] == "" {
			t.Errorf("too long: %v", err)
		}
	})
}
