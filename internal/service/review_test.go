package service_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// The review loop beside the transitions: attachments, the conversation,
// claims and the queue, revision diffs. The workflow's transitions
// themselves are walked in workflow_test.go.

func rvPtr[T any](v T) *T { return &v }

func rvCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := passerelle.ErrorCode(err); got != want {
		t.Fatalf("error %v: code %q, want %q", err, got, want)
	}
}

// rvFiles lists the files of the attachments folder (the bucket).
func rvFiles(t *testing.T, b *testenv.Bundle) []string {
	t.Helper()
	var out []string
	root := filepath.Join(b.DataDir, "attachments")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasSuffix(p, ".attrs") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func rvWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var (
	pdfFile  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	textFile = []byte("Compte rendu de la réunion du 12 mars.\nPrésents : 12 habitants.\n")
)

func rvDraft(t *testing.T, svc *service.Service, author *passerelle.User, territory string) *passerelle.Practice {
	t.Helper()
	in := testenv.CompleteExperience(territory, "Forum de l’emploi")
	p, err := svc.CreatePractice(context.Background(), author, in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// rvOfficeFile builds a minimal Word (.docx) or OpenDocument (.odt) file.
func rvOfficeFile(t *testing.T, name string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	add := func(name, content string, method uint16) {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if strings.HasSuffix(name, ".odt") {
		add("mimetype", "application/vnd.oasis.opendocument.text", zip.Store)
		add("content.xml", `<office:document-content/>`, zip.Deflate)
	} else {
		add("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`, zip.Deflate)
		add("_rels/.rels", `<Relationships/>`, zip.Deflate)
		add("word/document.xml", `<w:document/>`, zip.Deflate)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAttachments(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
		w := testenv.NewWorld(t, b)
		svc, ctx := b.Service, context.Background()
		svc.MaxAttachmentSize = 100 << 10
		p := rvDraft(t, svc, w.LilleAuthor, "59350")

		a, err := svc.AddAttachment(ctx, w.LilleAuthor, p.ID, `..\..\C:\Users\léa\rapport final.PDF`, bytes.NewReader(pdfFile))
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != "rapport final.pdf" || a.ContentType != "application/pdf" || a.Size != int64(len(pdfFile)) {
			t.Errorf("attachment %+v", a)
		}
		if strings.Contains(a.Key, "rapport") || !strings.HasPrefix(a.Key, "practices/") {
			t.Errorf("stored key %q carries the uploader's name", a.Key)
		}
		txt, err := svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "notes.html", bytes.NewReader(textFile))
		if err != nil {
			t.Fatal(err)
		}
		if txt.Name != "notes.html.txt" || !strings.HasPrefix(txt.ContentType, "text/plain") {
			t.Errorf("text attachment %+v: the name must end as its type", txt)
		}

		refused := []struct {
			name    string
			content []byte
		}{
			{"page.html", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")},
			{"logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
			{"setup.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 200)...)},
			{"run.txt", []byte("#!/bin/sh\nrm -rf /\n")},
			{"archive.pdf", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00hello.txt")},
		}
		for _, tt := range refused {
			_, err := svc.AddAttachment(ctx, w.LilleAuthor, p.ID, tt.name, bytes.NewReader(tt.content))
			if passerelle.ErrorCode(err) != passerelle.EUnsupported {
				t.Errorf("%s: %v, want unsupported_media_type", tt.name, err)
			}
		}
		_, err = svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "vide.txt", bytes.NewReader(nil))
		rvCode(t, err, passerelle.EValidation)

		// Office and OpenDocument files are told from other zip archives by
		// their content.
		other := rvDraft(t, svc, w.LilleAuthor, "59350")
		for _, tt := range []struct{ name, want string }{
			{"rapport.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
			{"rapport.odt", "application/vnd.oasis.opendocument.text"},
		} {
			got, err := svc.AddAttachment(ctx, w.LilleAuthor, other.ID, "sans extension", bytes.NewReader(rvOfficeFile(t, tt.name)))
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got.ContentType != tt.want || got.Name != "sans extension"+tt.name[len("rapport"):] {
				t.Errorf("%s: %s as %q", tt.name, got.ContentType, got.Name)
			}
		}
		if err := svc.DeleteDraft(ctx, w.LilleAuthor, other.ID); err != nil {
			t.Fatal(err)
		}

		// Over the limit, whether it shows in the first bytes or later while
		// streaming: refused, and nothing is left in the bucket.
		// Only p's folder: the cleanup job of the draft deleted above may
		// still be removing the other practice's files meanwhile.
		ofP := func(files []string) []string {
			return slices.DeleteFunc(files, func(f string) bool {
				return !strings.Contains(filepath.ToSlash(f), fmt.Sprintf("/practices/%d/", p.ID))
			})
		}
		before := ofP(rvFiles(t, b))
		big := append(bytes.Clone(textFile), bytes.Repeat([]byte("Ligne de texte. "), 200<<10/16)...)
		_, err = svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "gros.txt", bytes.NewReader(big))
		rvCode(t, err, passerelle.ETooLarge)
		svc.MaxAttachmentSize = 1 << 10
		_, err = svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "gros.txt", bytes.NewReader(big))
		rvCode(t, err, passerelle.ETooLarge)
		svc.MaxAttachmentSize = 100 << 10
		if after := ofP(rvFiles(t, b)); !slices.Equal(before, after) {
			t.Errorf("a refused file was left in the bucket: %v, was %v", after, before)
		}

		// Who may add, see and remove.
		_, err = svc.AddAttachment(ctx, w.NordMod, p.ID, "x.pdf", bytes.NewReader(pdfFile))
		rvCode(t, err, passerelle.EForbidden)
		_, err = svc.AddAttachment(ctx, w.RoubaixAuthor, p.ID, "x.pdf", bytes.NewReader(pdfFile))
		rvCode(t, err, passerelle.ENotFound)
		_, _, err = svc.OpenAttachment(ctx, w.Reader, a.ID)
		rvCode(t, err, passerelle.ENotFound)
		_, _, err = svc.OpenAttachment(ctx, nil, a.ID)
		rvCode(t, err, passerelle.ENotFound)
		got, r, err := svc.OpenAttachment(ctx, w.NordMod, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		content, _ := io.ReadAll(r)
		_ = r.Close()
		if !bytes.Equal(content, pdfFile) || got.Name != a.Name {
			t.Errorf("read back %q as %q", content, got.Name)
		}
		full, err := svc.Practice(ctx, w.LilleAuthor, p.ID)
		if err != nil || len(full.Attachments) != 2 {
			t.Fatalf("practice attachments: %v %v", full, err)
		}

		// At most MaxAttachments.
		for i := 2; i < passerelle.MaxAttachments; i++ {
			if _, err := svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "annexe.txt", bytes.NewReader(textFile)); err != nil {
				t.Fatal(err)
			}
		}
		_, err = svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "de-trop.txt", bytes.NewReader(textFile))
		rvCode(t, err, passerelle.EConflict)

		// Removing one: the row goes at once, the file with the cleanup job.
		rvCode(t, svc.RemoveAttachment(ctx, w.NordMod, txt.ID), passerelle.EForbidden)
		if err := svc.RemoveAttachment(ctx, w.LilleAuthor, txt.ID); err != nil {
			t.Fatal(err)
		}
		rvCode(t, svc.RemoveAttachment(ctx, w.LilleAuthor, txt.ID), passerelle.ENotFound)
		rvWait(t, "the removed file to be deleted", func() bool {
			return len(rvFiles(t, b)) == passerelle.MaxAttachments-1
		})

		// A submitted practice's attachments are frozen.
		if _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		_, err = svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "tard.pdf", bytes.NewReader(pdfFile))
		rvCode(t, err, passerelle.EConflict)
		rvCode(t, svc.RemoveAttachment(ctx, w.LilleAuthor, a.ID), passerelle.EConflict)

		// Deleting a draft deletes its files.
		d := rvDraft(t, svc, w.RoubaixAuthor, "59512")
		if _, err := svc.AddAttachment(ctx, w.RoubaixAuthor, d.ID, "plan.pdf", bytes.NewReader(pdfFile)); err != nil {
			t.Fatal(err)
		}
		rvCode(t, svc.DeleteDraft(ctx, w.LilleAuthor, d.ID), passerelle.ENotFound)
		rvCode(t, svc.DeleteDraft(ctx, w.LilleAuthor, p.ID), passerelle.EConflict) // submitted
		if err := svc.DeleteDraft(ctx, w.RoubaixAuthor, d.ID); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Practice(ctx, w.RoubaixAuthor, d.ID)
		rvCode(t, err, passerelle.ENotFound)
		rvWait(t, "the deleted draft's file to be deleted", func() bool {
			return len(rvFiles(t, b)) == passerelle.MaxAttachments-1
		})
	})
}

func TestConversation(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
		w := testenv.NewWorld(t, b)
		svc, ctx := b.Service, context.Background()
		p := rvDraft(t, svc, w.LilleAuthor, "59350")

		_, err := svc.AddComment(ctx, w.LilleAuthor, p.ID, "Une question ?", nil)
		rvCode(t, err, passerelle.EConflict) // a draft has no review yet
		if _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		_, err = svc.AddComment(ctx, w.NordMod, p.ID, "  ", nil)
		rvCode(t, err, passerelle.EValidation)
		_, err = svc.AddComment(ctx, w.NordMod, p.ID, "Précisez", []string{"summary", "budget"})
		rvCode(t, err, passerelle.EValidation)
		_, err = svc.AddComment(ctx, w.PasMod, p.ID, "Hors de mon territoire", nil)
		rvCode(t, err, passerelle.ENotFound)
		_, err = svc.AddComment(ctx, w.Reader, p.ID, "Bonjour", nil)
		rvCode(t, err, passerelle.ENotFound)

		c, err := svc.AddComment(ctx, w.NordMod, p.ID, "Les résultats sont-ils chiffrés ?", []string{"experience.results", "summary", "summary"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Fields, []string{"summary", "experience.results"}) || !c.ByModerator {
			t.Errorf("comment %+v", c)
		}
		if _, err := svc.AddComment(ctx, w.LilleAuthor, p.ID, "Oui : 42 embauches.", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.DecideOn(ctx, w.NordMod, p.ID, "request_changes", "Ajoutez le budget.", []string{"body"}); err != nil {
			t.Fatal(err)
		}

		items, err := svc.Comments(ctx, w.LilleAuthor, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 3 || items[2].Decision != passerelle.ActionRequestChanges || items[1].ByModerator {
			t.Fatalf("conversation %+v", items)
		}
		remarks, err := svc.Remarks(ctx, w.LilleAuthor, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(remarks["summary"]) != 1 || len(remarks["experience.results"]) != 1 || len(remarks["body"]) != 1 || remarks["body"][0].Body != "Ajoutez le budget." {
			t.Errorf("remarks %+v", remarks)
		}

		// Each comment reaches the other side: the author for the
		// moderator's, every moderator covering Lille for the author's.
		rvWait(t, "comment notifications", func() bool {
			return rvNotified(t, svc, w.LilleAuthor, passerelle.NotifyComment) == 1 &&
				rvNotified(t, svc, w.NordMod, passerelle.NotifyComment) == 1 &&
				rvNotified(t, svc, w.RegionMod, passerelle.NotifyComment) == 1
		})

		// Once claimed, the author's comments go to the claimant only.
		if _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Claim(ctx, w.RegionMod, p.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddComment(ctx, w.LilleAuthor, p.ID, "Budget ajouté.", []string{"body"}); err != nil {
			t.Fatal(err)
		}
		rvWait(t, "the claimant's notification", func() bool { return rvNotified(t, svc, w.RegionMod, passerelle.NotifyComment) == 2 })
		time.Sleep(300 * time.Millisecond)
		if n := rvNotified(t, svc, w.NordMod, passerelle.NotifyComment); n != 1 {
			t.Errorf("NordMod told %d times, want 1 (the claim is RegionMod's)", n)
		}

		// Once published, readers see the practice but not its review.
		if _, err := svc.Decide(ctx, w.RegionMod, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Comments(ctx, w.Reader, p.ID)
		rvCode(t, err, passerelle.EForbidden)
		_, err = svc.Comments(ctx, nil, p.ID)
		rvCode(t, err, passerelle.EUnauthn)
		hist, err := svc.History(ctx, nil, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range hist {
			if e.Action != passerelle.ActionApprove || e.Comment != "" || e.ActorName != "" {
				t.Errorf("a reader sees %+v in the history", e)
			}
		}
		_, err = svc.AddComment(ctx, w.NordMod, p.ID, "Bravo", nil)
		rvCode(t, err, passerelle.EConflict)
	})
}

func rvNotified(t *testing.T, svc *service.Service, u *passerelle.User, typ string) int {
	t.Helper()
	items, _, err := svc.Notifications(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.Type == typ {
			n++
		}
	}
	return n
}

func TestClaimsAndQueue(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc, ctx := b.Service, context.Background()
		p := rvDraft(t, svc, w.LilleAuthor, "59350")
		_, err := svc.Claim(ctx, w.NordMod, p.ID, false)
		rvCode(t, err, passerelle.EConflict) // not submitted
		if p, err = svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		kind := passerelle.KindTool
		tool, err := svc.CreatePractice(ctx, w.RoubaixAuthor, service.PracticeInput{Kind: &kind, Title: rvPtr("Jeu de l’oie"),
			Summary: rvPtr("Un jeu."), Body: rvPtr("Règles."), Territory: rvPtr("59512"), Themes: &[]string{"education"},
			Tool: &service.ToolInput{Audience: &[]string{"Jeunes"}, Format: rvPtr("game"), License: rvPtr("CC-BY-4.0")}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, w.RoubaixAuthor, tool.ID); err != nil {
			t.Fatal(err)
		}

		_, err = svc.Claim(ctx, w.PasMod, p.ID, false)
		rvCode(t, err, passerelle.ENotFound)
		_, err = svc.Claim(ctx, w.LilleAuthor, p.ID, false)
		rvCode(t, err, passerelle.EForbidden)

		// Two moderators claim at once: one holds it, the other is told who.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, m := range []*passerelle.User{w.NordMod, w.RegionMod} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.Claim(ctx, m, p.ID, false)
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("racing claims: %v, %v; want exactly one to win", errs[0], errs[1])
		}
		holder, other := w.NordMod, w.RegionMod
		if errs[0] != nil {
			holder, other = other, holder
		}
		refused := errs[0]
		if refused == nil {
			refused = errs[1]
		}
		var e *passerelle.Error
		if !errors.As(refused, &e) || e.Code != passerelle.EConflict || !strings.Contains(e.Message, holder.Name) {
			t.Errorf("the refused claim does not name %s: %v", holder.Name, errs)
		}
		// Claiming one's own claim again renews it, keeping its start.
		first, _ := svc.ClaimOn(ctx, holder, p)
		again, err := svc.Claim(ctx, holder, p.ID, false)
		if err != nil || !again.ClaimedAt.Equal(first.ClaimedAt) || !again.ExpiresAt.After(first.ExpiresAt.Add(-time.Second)) {
			t.Errorf("renewal: %+v (was %+v), %v", again, first, err)
		}
		rvCode(t, svc.Release(ctx, other, p.ID), passerelle.EConflict)

		// The queue shows who holds what, oldest first, with filters.
		q, err := svc.Queue(ctx, w.RegionMod, service.QueueQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(q) != 2 || q[0].Practice.ID != p.ID || q[0].Claim == nil || q[0].Claim.ModeratorID != holder.ID || q[1].Claim != nil || q[0].Waiting <= 0 {
			t.Fatalf("queue %+v", q)
		}
		for _, tt := range []struct {
			name  string
			query service.QueueQuery
			want  []int64
		}{
			{"territory", service.QueueQuery{Territory: "59512"}, []int64{tool.ID}},
			{"territory above", service.QueueQuery{Territory: "59"}, []int64{p.ID, tool.ID}},
			{"theme", service.QueueQuery{Theme: "emploi"}, []int64{p.ID}},
			{"kind", service.QueueQuery{Kind: "tool"}, []int64{tool.ID}},
			{"outside", service.QueueQuery{Territory: "62"}, nil},
		} {
			got, err := svc.Queue(ctx, w.NordMod, tt.query)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var ids []int64
			for _, e := range got {
				ids = append(ids, e.Practice.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, ids, tt.want)
			}
		}
		_, err = svc.Queue(ctx, w.NordMod, service.QueueQuery{Territory: "nowhere", Kind: "poem"})
		rvCode(t, err, passerelle.EValidation)

		// Taken over explicitly; a lapsed claim is free to take.
		c, err := svc.Claim(ctx, other, p.ID, true)
		if err != nil || c.ModeratorID != other.ID {
			t.Fatalf("takeover: %+v, %v", c, err)
		}
		if _, err := b.DB.Bun.NewUpdate().Table("review_claims").Set("expires_at = ?", store.Now().Add(-time.Minute)).
			Where("practice_id = ?", p.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if c, _ := svc.ClaimOn(ctx, holder, p); c != nil {
			t.Errorf("a lapsed claim still shows: %+v", c)
		}
		if _, err := svc.Claim(ctx, holder, p.ID, false); err != nil {
			t.Fatalf("claiming a lapsed claim: %v", err)
		}
		// A claim ends with the review.
		if _, err := svc.Decide(ctx, other, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		if c, err := store.GetClaim(ctx, b.DB.Bun, p.ID); err != nil || c != nil {
			t.Errorf("claim after the decision: %+v, %v", c, err)
		}
	})
}

func TestRevisionChanges(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc, ctx := b.Service, context.Background()
		p := rvDraft(t, svc, w.LilleAuthor, "59350")
		if _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Decide(ctx, w.NordMod, p.ID, "request_changes", "Le résumé est flou."); err != nil {
			t.Fatal(err)
		}
		p, err := svc.UpdatePractice(ctx, w.LilleAuthor, p.ID, service.PracticeInput{
			Summary: rvPtr("Un forum de recrutement avec CV anonymes et entretiens préparés."),
			Themes:  &[]string{"emploi", "education"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		prev, cur, changes, err := svc.RevisionChanges(ctx, w.NordMod, p.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if prev.Number != 1 || cur.Number != 2 || len(changes) != 2 || changes[0].Field != "summary" || changes[1].Field != "themes" {
			t.Fatalf("changes %d→%d: %+v", prev.Number, cur.Number, changes)
		}
		var inserted string
		for _, d := range changes[0].Diff {
			if d.Op == passerelle.DiffInsert {
				inserted += d.Text
			}
			if d.Op == passerelle.DiffDelete {
				t.Errorf("nothing was removed from the summary, the diff says %q", d.Text)
			}
		}
		if strings.TrimSpace(inserted) != "et entretiens préparés" {
			t.Errorf("inserted %q", inserted)
		}
		_, first, changes, err := svc.RevisionChanges(ctx, w.LilleAuthor, p.ID, 1)
		if err != nil || first.Number != 1 || len(changes) == 0 {
			t.Errorf("first revision: %v %v", changes, err)
		}
		_, _, _, err = svc.RevisionChanges(ctx, w.NordMod, p.ID, 3)
		rvCode(t, err, passerelle.ENotFound)
		_, _, _, err = svc.RevisionChanges(ctx, w.Reader, p.ID, 2)
		rvCode(t, err, passerelle.ENotFound)
	})
}
