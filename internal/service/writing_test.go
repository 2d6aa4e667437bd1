package service_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
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

// pngOf returns a w×h PNG picture.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.NRGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCover: a cover is checked by its content, stored as JPEG at each
// width (never enlarged), shown only to whoever may see the practice, and
// replaced or removed with its files.
func TestCover(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc, ctx := b.Service, context.Background()
		p := rvDraft(t, svc, w.LilleAuthor, "59350")
		big := pngOf(t, 2000, 1000)

		for _, tt := range []struct {
			name, alt string
			content   []byte
			code      string
			field     string
		}{
			{"no description", " ", big, passerelle.EValidation, "cover_alt"},
			{"empty", "Une image", nil, passerelle.EValidation, "cover"},
			{"text", "Une image", textFile, passerelle.EUnsupported, "cover"},
			{"a PDF", "Une image", pdfFile, passerelle.EUnsupported, "cover"},
			{"a broken PNG", "Une image", big[:200], passerelle.EValidation, "cover"},
		} {
			_, err := svc.SetCover(ctx, w.LilleAuthor, p.ID, tt.alt, bytes.NewReader(tt.content))
			if e, ok := err.(*passerelle.Error); !ok || e.Code != tt.code || e.Fields[tt.field] == "" {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
		if _, err := svc.SetCover(ctx, w.RoubaixAuthor, p.ID, "x", bytes.NewReader(big)); passerelle.ErrorCode(err) != passerelle.ENotFound {
			t.Errorf("someone else's draft: %v", err)
		}

		got, err := svc.SetCover(ctx, w.LilleAuthor, p.ID, "  Des habitants autour d’une table  ", bytes.NewReader(big))
		if err != nil {
			t.Fatal(err)
		}
		c := got.Cover
		if c == nil || c.Alt != "Des habitants autour d’une table" || c.Width != 2000 || c.Height != 1000 {
			t.Fatalf("cover = %+v", c)
		}
		key := service.CoverToken(c)
		for _, width := range passerelle.CoverWidths {
			r, published, err := svc.OpenCover(ctx, w.LilleAuthor, p.ID, key, width)
			if err != nil {
				t.Fatal(err)
			}
			img, format, err := image.Decode(r)
			_ = r.Close()
			if err != nil || format != "jpeg" || img.Bounds().Dx() != width || img.Bounds().Dy() != width/2 || published {
				t.Errorf("width %d: %s %v %v published=%v", width, format, img.Bounds(), err, published)
			}
		}
		// Who may not see the draft may not see its cover; nor an old key,
		// nor a width not stored.
		for _, tt := range []struct {
			name  string
			actor *passerelle.User
			key   string
			width int
		}{{"reader", w.Reader, key, 640}, {"anonymous", nil, key, 640}, {"old key", w.LilleAuthor, "0123", 640}, {"width", w.LilleAuthor, key, 500}} {
			var actor service.Actor
			if tt.actor != nil {
				actor = tt.actor
			}
			if _, _, err := svc.OpenCover(ctx, actor, p.ID, tt.key, tt.width); passerelle.ErrorCode(err) != passerelle.ENotFound {
				t.Errorf("%s: %v", tt.name, err)
			}
		}

		// A small picture is never enlarged; the old files go.
		got, err = svc.SetCover(ctx, w.LilleAuthor, p.ID, "Un logo", bytes.NewReader(pngOf(t, 300, 200)))
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := b.Service.Files.Exists(ctx, c.Key+"/640.jpg"); ok {
			t.Error("the replaced cover's files are still there")
		}
		r, _, err := svc.OpenCover(ctx, w.LilleAuthor, p.ID, service.CoverToken(got.Cover), 1280)
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := image.DecodeConfig(r)
		_ = r.Close()
		if err != nil || cfg.Width != 300 || cfg.Height != 200 {
			t.Errorf("small picture stored as %dx%d (%v)", cfg.Width, cfg.Height, err)
		}

		// Published: everyone sees it.
		if _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Decide(ctx, w.NordMod, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		r, published, err := svc.OpenCover(ctx, nil, p.ID, service.CoverToken(got.Cover), 320)
		if err != nil || !published {
			t.Fatalf("published cover: %v %v", published, err)
		}
		_ = r.Close()
		if err := svc.RemoveCover(ctx, w.LilleAuthor, p.ID); passerelle.ErrorCode(err) != passerelle.EConflict {
			t.Errorf("removing the cover of a published practice: %v", err)
		}
	})
}

// withOrientation returns a JPEG of w×h pixels whose EXIF says to turn it
// as orientation o; its top left pixel is red.
func withOrientation(t *testing.T, w, h, o int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{B: 255, A: 255})
		}
	}
	for y := range h / 4 {
		for x := range w / 4 {
			img.Set(x, y, color.NRGBA{R: 255, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, 0, 0, 0, 0}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := append([]byte{0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}, seg...)
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), app1...), b[2:]...)
}

// TestCoverOrientation: a phone's picture stored sideways with an EXIF
// orientation is stored upright.
func TestCoverOrientation(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc, ctx := b.Service, context.Background()
		p := rvDraft(t, svc, w.LilleAuthor, "59350")
		// Orientation 6: turn a quarter clockwise; the red corner goes top right.
		got, err := svc.SetCover(ctx, w.LilleAuthor, p.ID, "Une photo", bytes.NewReader(withOrientation(t, 400, 200, 6)))
		if err != nil {
			t.Fatal(err)
		}
		if got.Cover.Width != 200 || got.Cover.Height != 400 {
			t.Fatalf("cover %dx%d, want 200x400", got.Cover.Width, got.Cover.Height)
		}
		r, _, err := svc.OpenCover(ctx, w.LilleAuthor, p.ID, service.CoverToken(got.Cover), 320)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(r)
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds().Dx() != 200 || img.Bounds().Dy() != 400 {
			t.Fatalf("stored %v", img.Bounds())
		}
		red := func(x, y int) bool {
			r, g, b, _ := img.At(x, y).RGBA()
			return r > 0xc000 && g < 0x4000 && b < 0x4000
		}
		if !red(190, 10) || red(10, 10) || red(10, 390) {
			t.Error("the picture was not turned upright")
		}
	})
}
