package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
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
		b.post(edit, form).expect(t, "complete", http.StatusSeeOther)
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

// TestWritingAutosaveAndPreview: a draft typed in the form is created by
// the first autosave, saved again on the version it answered, refused with
// a reason (never a 500) when the text is wrong or the version stale; the
// history tells one edit for the sitting; the preview renders the body as
// the sheet does.
func TestWritingAutosaveAndPreview(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		anon := s.browser(t)
		res := anon.post("/fiches/brouillon", url.Values{"title": {"x"}}, "Accept", "application/json")
		res.expect(t, "anonymous autosave", http.StatusUnauthorized)

		b := s.browser(t)
		b.login(s.World.LilleAuthor.Email, "", "/")
		res = b.post("/fiches/brouillon", url.Values{"kind": {"tool"}, "title": {"Jeu de l’oie"}, "territory": {"59350"}})
		res.expect(t, "first autosave", http.StatusOK)
		var saved struct {
			ID        string `json:"id"`
			Version   int    `json:"version"`
			Message   string `json:"message"`
			EditURL   string `json:"edit_url"`
			UploadURL string `json:"upload_url"`
		}
		decode(t, res, &saved)
		if saved.ID == "" || saved.Version != 1 || !strings.HasPrefix(saved.Message, "Enregistré à ") || !strings.Contains(saved.Message, "\u00a0h\u00a0") ||
			saved.EditURL != "/fiches/"+saved.ID+"/modifier" || saved.UploadURL != "/fiches/"+saved.ID+"/pieces-jointes" {
			t.Fatalf("first autosave = %+v", saved)
		}
		form := url.Values{"kind": {"tool"}, "title": {"Jeu de l’oie du quartier"}, "territory": {"59350"},
			"body": {"Règles"}, "version": {"1"}}
		res = b.post("/fiches/"+saved.ID+"/brouillon", form).expect(t, "second autosave", http.StatusOK)
		decode(t, res, &saved)
		if saved.Version != 2 {
			t.Errorf("version = %d, want 2", saved.Version)
		}
		// Based on version 1 again (another tab): stale, and says so.
		res = b.post("/fiches/"+saved.ID+"/brouillon", form).expect(t, "stale autosave", http.StatusConflict)
		var refused struct {
			Message string `json:"message"`
			Stale   bool   `json:"stale"`
			Fields  []struct{ Field, Message string }
		}
		decode(t, res, &refused)
		if !refused.Stale || !strings.Contains(refused.Message, "modifiée ailleurs") {
			t.Errorf("stale = %+v", refused)
		}
		form.Set("version", "2")
		form.Set("title", "")
		res = b.post("/fiches/"+saved.ID+"/brouillon", form).expect(t, "no title", http.StatusBadRequest)
		refused.Stale = false
		decode(t, res, &refused)
		if len(refused.Fields) != 1 || refused.Fields[0].Field != "title" || refused.Message == "" {
			t.Errorf("no title = %+v", refused)
		}
		// The page shows the saved text; the history one creation, one edit.
		b.get("/fiches/"+saved.ID+"/modifier").contains(t, "edit form", "Jeu de l’oie du quartier", `data-id="`+saved.ID+`"`,
			`data-url="/fiches/`+saved.ID+`/brouillon"`)
		id, _ := strconv.ParseInt(saved.ID, 10, 64)
		events, err := s.Service.History(context.Background(), s.World.LilleAuthor, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 || events[1].Action != passerelle.ActionEdit {
			t.Errorf("history = %+v, want a creation and one edit", events)
		}

		// Another contributor cannot autosave over it.
		other := s.browser(t)
		other.login(s.World.RoubaixAuthor.Email, "", "/")
		other.post("/fiches/"+saved.ID+"/brouillon", form).expect(t, "someone else's draft", http.StatusNotFound)

		res = b.post("/fiches/apercu", url.Values{"body": {"## Déroulé\n\n| Étape | Durée |\n|---|---|\n| Accueil | 10 min |\n\n<script>alert(1)</script>"}})
		res.expect(t, "preview", http.StatusOK)
		var preview struct{ HTML string }
		decode(t, res, &preview)
		if !strings.Contains(preview.HTML, "<td>10 min</td>") || !strings.Contains(preview.HTML, "<h3>Déroulé</h3>") || strings.Contains(preview.HTML, "<script") {
			t.Errorf("preview = %q", preview.HTML)
		}
		anon.post("/fiches/apercu", url.Values{"body": {"x"}}).expect(t, "anonymous preview", http.StatusUnauthorized)
		res = b.post("/fiches/apercu", url.Values{"body": {strings.Repeat("é", 100_001)}}).expect(t, "long preview", http.StatusBadRequest)
		decode(t, res, &refused)
		if len(refused.Fields) != 1 || refused.Fields[0].Field != "body" {
			t.Errorf("long preview = %+v", refused)
		}
	})
}

func decode(t *testing.T, res *response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(res.Body), v); err != nil {
		t.Fatalf("%v: %q", err, res.Body)
	}
}

// TestWritingFilesInForm: the form's drop zone uploads with the checks of
// every upload and answers JSON (the page is not reloaded, nothing typed is
// lost); a refused file says why; removing answers JSON too; without
// JavaScript the separate form still posts and redirects.
func TestWritingFilesInForm(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		b := s.browser(t)
		b.login(s.World.LilleAuthor.Email, "", "/")
		res := b.post("/fiches/brouillon", url.Values{"title": {"Kit d’accueil"}}).expect(t, "autosave", http.StatusOK)
		var saved struct {
			ID        string `json:"id"`
			UploadURL string `json:"upload_url"`
		}
		decode(t, res, &saved)
		res = b.upload(saved.UploadURL, "notes d'atelier.txt", "Compte rendu de l’atelier.\n", "Accept", "application/json")
		res.expect(t, "upload in form", http.StatusCreated)
		var added struct {
			ID, Name, URL, SizeText string
			Message                 string `json:"message"`
			RemoveURL               string `json:"remove_url"`
		}
		decode(t, res, &added)
		if added.Name != "notes d'atelier.txt" || added.URL != "/attachments/"+added.ID || !strings.Contains(added.Message, "est joint") ||
			added.RemoveURL != "/fiches/"+saved.ID+"/pieces-jointes/"+added.ID+"/supprimer" {
			t.Errorf("added = %+v", added)
		}
		res = b.upload(saved.UploadURL, "page.html", "<!doctype html><html><script>alert(1)</script></html>", "Accept", "application/json")
		res.expect(t, "html refused", http.StatusUnsupportedMediaType)
		var refused struct{ Message string }
		decode(t, res, &refused)
		if refused.Message == "" {
			t.Error("no reason for a refused file")
		}
		form := b.get("/fiches/"+saved.ID+"/modifier").expect(t, "edit form", http.StatusOK)
		form.contains(t, "edit form", `id="files" hidden`, `data-remove-url="`+added.RemoveURL+`"`, `<input type="file" id="files-input" multiple`)
		res = b.post(added.RemoveURL, url.Values{}, "Accept", "application/json").expect(t, "remove in form", http.StatusOK)
		res.contains(t, "remove in form", "retiré")

		// Without JavaScript: the separate form, then the edit page again.
		res = b.upload(saved.UploadURL, "programme.txt", "Programme de la journée.\n")
		res.expect(t, "upload without JS", http.StatusSeeOther, "/fiches/"+saved.ID+"/modifier#pieces-jointes")

		// Submitted, sent back, a file added from the form: the moderator's
		// comparison names it (it said "Aucun champ n'a changé").
		id, _ := strconv.ParseInt(saved.ID, 10, 64)
		ctx := context.Background()
		if _, err := s.Service.UpdatePractice(ctx, s.World.LilleAuthor, id, service.PracticeInput{Summary: ptr("Un kit."), Body: ptr("Le kit."),
			Territory: ptr("59350"), Themes: &[]string{"education"}, Experience: &service.ExperienceInput{Context: ptr("c"), Actions: ptr("a"), Results: ptr("r")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Submit(ctx, s.World.LilleAuthor, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Decide(ctx, s.World.NordMod, id, "request_changes", "Joignez la fiche d’inscription."); err != nil {
			t.Fatal(err)
		}
		b.upload(saved.UploadURL, "fiche d'inscription.txt", "Nom, prénom.\n", "Accept", "application/json").expect(t, "requested file", http.StatusCreated)
		if _, err := s.Service.Submit(ctx, s.World.LilleAuthor, id); err != nil {
			t.Fatal(err)
		}
		mod := s.browser(t)
		mod.login(s.World.NordMod.Email, "", "/bureau")
		page := mod.get("/fiches/"+saved.ID).expect(t, "resubmission", http.StatusOK)
		page.contains(t, "resubmission", "<dt>Pièces jointes", "<ins>fiche d&#39;inscription.txt")
		page.lacks(t, "resubmission", "Aucun champ n’a changé")

		// Someone else cannot add a file.
		other := s.browser(t)
		other.login(s.World.RoubaixAuthor.Email, "", "/")
		other.upload(saved.UploadURL, "x.txt", "x\n", "Accept", "application/json").expect(t, "other's draft", http.StatusNotFound)
	})
}

// upload posts one file as the field "file" of a multipart form.
func (b *browser) upload(path, name, content string, headers ...string) *response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.t.Fatal(err)
	}
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.site.URL+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// TestWritingCover: the cover form answers JSON to writing.js and a page
// without it; the picture is served as JPEG with long caching (private
// while the practice is not published) and shown on the edit form.
func TestWritingCover(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		b := s.browser(t)
		b.login(s.World.LilleAuthor.Email, "", "/")
		res := b.post("/fiches/brouillon", url.Values{"title": {"Kit d’accueil"}}).expect(t, "autosave", http.StatusOK)
		var saved struct{ ID string }
		decode(t, res, &saved)
		cover := "/fiches/" + saved.ID + "/couverture"
		img := image.NewNRGBA(image.Rect(0, 0, 800, 400))
		var pic bytes.Buffer
		if err := jpeg.Encode(&pic, img, nil); err != nil {
			t.Fatal(err)
		}
		// No description: refused, naming it.
		res = b.multipart(cover, [][2]string{{"cover_alt", ""}, {"file", pic.String()}}, "Accept", "application/json").expect(t, "no alt", http.StatusBadRequest)
		var refused struct {
			Fields []struct{ Field string }
		}
		decode(t, res, &refused)
		if len(refused.Fields) != 1 || refused.Fields[0].Field != "cover_alt" {
			t.Errorf("no alt: %s", res.Body)
		}
		res = b.multipart(cover, [][2]string{{"cover_alt", "Un plateau de jeu"}, {"file", pic.String()}}, "Accept", "application/json").expect(t, "cover", http.StatusOK)
		var got struct {
			Cover struct {
				Src, SrcSet, Alt string
				Width, Height    int
			}
		}
		decode(t, res, &got)
		if got.Cover.Alt != "Un plateau de jeu" || got.Cover.Width != 640 || got.Cover.Height != 320 || !strings.Contains(got.Cover.SrcSet, "1280.jpg 800w") {
			t.Errorf("cover = %+v", got.Cover)
		}
		res = b.get(got.Cover.Src).expect(t, "picture", http.StatusOK)
		if ct, cc := res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"); ct != "image/jpeg" || cc != "private, max-age=31536000, immutable" {
			t.Errorf("picture served as %q, %q", ct, cc)
		}
		s.browser(t).get(got.Cover.Src).expect(t, "anonymous picture of a draft", http.StatusNotFound)
		b.get("/fiches/"+saved.ID+"/modifier").contains(t, "edit form", `alt="Un plateau de jeu"`, `value="Un plateau de jeu"`)
		b.get("/fiches/"+saved.ID).contains(t, "sheet", `<figure class="cover"><img src="`+got.Cover.Src+`"`)

		// Without JavaScript: the edit page again; a text file is refused there.
		b.multipart(cover, [][2]string{{"cover_alt", "Un plateau"}, {"file", "pas une image\n"}}).expect(t, "text as cover", http.StatusUnsupportedMediaType)
		b.multipart(cover, [][2]string{{"cover_alt", "Un plateau"}, {"file", pic.String()}}).expect(t, "cover without JS", http.StatusSeeOther,
			"/fiches/"+saved.ID+"/modifier#couverture")
		b.post(cover+"/supprimer", url.Values{}).expect(t, "remove", http.StatusSeeOther)
		b.get(got.Cover.Src).expect(t, "removed picture", http.StatusNotFound)

		// Published, the cover shows on the cards of the lists, cached by anyone.
		b.multipart(cover, [][2]string{{"cover_alt", "Un plateau de jeu"}, {"file", pic.String()}}).expect(t, "cover again", http.StatusSeeOther)
		id, _ := strconv.ParseInt(saved.ID, 10, 64)
		ctx := context.Background()
		if _, err := s.Service.UpdatePractice(ctx, s.World.LilleAuthor, id, service.PracticeInput{Summary: ptr("Un kit."), Body: ptr("Le kit."),
			Territory: ptr("59350"), Themes: &[]string{"education"}, Experience: &service.ExperienceInput{Context: ptr("c"), Actions: ptr("a"), Results: ptr("r")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Submit(ctx, s.World.LilleAuthor, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Decide(ctx, s.World.NordMod, id, "approve", ""); err != nil {
			t.Fatal(err)
		}
		page := s.browser(t).get("/territoires/59350").expect(t, "territory page", http.StatusOK)
		page.contains(t, "territory page", `<img class="card-cover" src="/fiches/`+saved.ID+`/couverture/`)
		src := regexp.MustCompile(`<img class="card-cover" src="([^"]+)"`).FindStringSubmatch(page.Body)[1]
		res = s.browser(t).get(src).expect(t, "published picture", http.StatusOK)
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("published picture cached %q", cc)
		}
		// The API says it too (checked against openapi.json by CheckAPI).
		res = s.browser(t).get("/api/v1/practices/"+saved.ID).expect(t, "API", http.StatusOK)
		var api struct {
			Cover *struct {
				Alt   string
				Files []struct {
					Width int
					URL   string
				}
			}
		}
		decode(t, res, &api)
		if api.Cover == nil || api.Cover.Alt != "Un plateau de jeu" || len(api.Cover.Files) != 3 || api.Cover.Files[2].Width != 800 ||
			!strings.HasPrefix(api.Cover.Files[0].URL, "http://passerelle.test/fiches/"+saved.ID+"/couverture/") {
			t.Errorf("API cover = %+v", api.Cover)
		}
	})
}

func ptr(s string) *string { return &s }

// multipart posts fields in order, "file" as a file.
func (b *browser) multipart(path string, fields [][2]string, headers ...string) *response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if f[0] == "file" {
			fw, _ := mw.CreateFormFile("file", "image.jpg")
			_, _ = fw.Write([]byte(f[1]))
		} else {
			_ = mw.WriteField(f[0], f[1])
		}
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.site.URL+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}
