package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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

// apiClient calls the JSON API with a token.
type apiClient struct {
	t     *testing.T
	site  *site
	token string
}

func (s *site) api(t *testing.T, email string) *apiClient {
	t.Helper()
	c := &apiClient{t: t, site: s}
	if email != "" {
		var tok struct {
			Token string `json:"token"`
		}
		c.call(http.MethodPost, "/api/v1/tokens", map[string]string{"email": email, "password": testenv.Password}, http.StatusCreated, &tok)
		c.token = tok.Token
	}
	return c
}

// send sends a request and returns the answer, its body read.
func (c *apiClient) send(method, path, contentType string, body io.Reader) *response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.site.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// call sends JSON (when in is not nil), checks the status and decodes the
// answer into out (when not nil).
func (c *apiClient) call(method, path string, in any, status int, out any) *response {
	c.t.Helper()
	var body io.Reader
	ct := ""
	if in != nil {
		b, _ := json.Marshal(in)
		body, ct = bytes.NewReader(b), "application/json"
	}
	r := c.send(method, path, ct, body)
	if r.Status != status {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, r.Status, status, r.Body)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(r.Body), out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, r.Body)
		}
	}
	return r
}

// upload sends one file in the multipart field "file".
func (c *apiClient) upload(path, name string, content []byte) *response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	return c.send(http.MethodPost, path, mw.FormDataContentType(), &buf)
}

func errorCode(t *testing.T, r *response) string {
	t.Helper()
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
		t.Fatalf("not a JSON error: %s", r.Body)
	}
	return e.Error.Code
}

var (
	pdf      = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	htmlFile = []byte("<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>")
)

func TestAttachmentsAPI(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		s.Service.MaxAttachmentSize = 64 << 10
		author := s.api(t, "lille@example.org")
		mod := s.api(t, "nord.mod@example.org")
		anon := s.api(t, "")

		var p struct {
			ID string `json:"id"`
		}
		author.call(http.MethodPost, "/api/v1/practices", map[string]any{"kind": "tool", "title": "Kit", "territory": "59350"}, http.StatusCreated, &p)
		base := "/api/v1/practices/" + p.ID

		r := author.upload(base+"/attachments", `<script>évaluation 2024.pdf`, pdf)
		if r.Status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		var a struct {
			ID, Name, ContentType, URL string
			Size                       int64
		}
		if err := json.Unmarshal([]byte(r.Body), &a); err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(r.Body), &raw); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"id", "name", "size", "content_type", "url"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("upload answer lacks %q: %s", k, r.Body)
			}
		}
		if raw["content_type"] != "application/pdf" || raw["name"] != "_script_évaluation 2024.pdf" || !strings.HasSuffix(raw["url"].(string), "/attachments/"+raw["id"].(string)) {
			t.Errorf("upload answer %s", r.Body)
		}
		id := raw["id"].(string)

		// Refused: HTML (whatever its name), too large, no file, not multipart.
		if r := author.upload(base+"/attachments", "rapport.pdf", htmlFile); r.Status != http.StatusUnsupportedMediaType || errorCode(t, r) != "unsupported_media_type" {
			t.Errorf("HTML upload: %d %s", r.Status, r.Body)
		}
		big := append(bytes.Clone(pdf), bytes.Repeat([]byte("0123456789abcdef"), 16<<10)...)
		if r := author.upload(base+"/attachments", "gros.pdf", big); r.Status != http.StatusRequestEntityTooLarge || errorCode(t, r) != "too_large" {
			t.Errorf("large upload: %d %s", r.Status, r.Body)
		}
		if r := author.send(http.MethodPost, base+"/attachments", "application/json", strings.NewReader(`{}`)); r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("JSON upload: %d %s", r.Status, r.Body)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("note", "sans fichier")
		_ = mw.Close()
		if r := author.send(http.MethodPost, base+"/attachments", mw.FormDataContentType(), &buf); r.Status != http.StatusBadRequest || errorCode(t, r) != "validation_failed" {
			t.Errorf("no file: %d %s", r.Status, r.Body)
		}
		if r := mod.upload(base+"/attachments", "x.pdf", pdf); r.Status != http.StatusForbidden {
			t.Errorf("moderator upload: %d", r.Status)
		}
		if r := anon.upload(base+"/attachments", "x.pdf", pdf); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous upload: %d", r.Status)
		}

		// Downloads: the people who may see the practice, as an attachment.
		// (The API with a token; the pages' /attachments/{id} with a session,
		// in TestReviewPages.)
		for _, path := range []string{"/api/v1/attachments/" + id} {
			r := author.send(http.MethodGet, path, "", nil)
			if r.Status != http.StatusOK || r.Body != string(pdf) {
				t.Fatalf("GET %s: %d", path, r.Status)
			}
			h := r.Header
			if h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || !strings.Contains(h.Get("Content-Disposition"), "filename*=utf-8''_script_%C3%A9valuation%202024.pdf") {
				t.Errorf("GET %s headers: %v", path, h)
			}
		}
		if r := mod.send(http.MethodGet, "/api/v1/attachments/"+id, "", nil); r.Status != http.StatusOK {
			t.Errorf("moderator download: %d", r.Status)
		}
		for _, c := range []*apiClient{anon, s.api(t, "reader@example.org"), s.api(t, "roubaix@example.org")} {
			if r := c.send(http.MethodGet, "/api/v1/attachments/"+id, "", nil); r.Status != http.StatusNotFound {
				t.Errorf("download by an outsider: %d", r.Status)
			}
		}
		if r := anon.send(http.MethodGet, "/attachments/"+id, "", nil); r.Status != http.StatusNotFound {
			t.Errorf("page download by an outsider: %d", r.Status)
		}

		// The practice lists them.
		var got struct {
			Attachments []map[string]any `json:"attachments"`
		}
		author.call(http.MethodGet, base, nil, http.StatusOK, &got)
		if len(got.Attachments) != 1 || got.Attachments[0]["id"] != id {
			t.Errorf("practice attachments: %v", got.Attachments)
		}

		// Removed by the author; then gone.
		if r := mod.send(http.MethodDelete, "/api/v1/attachments/"+id, "", nil); r.Status != http.StatusForbidden {
			t.Errorf("moderator delete: %d", r.Status)
		}
		author.call(http.MethodDelete, "/api/v1/attachments/"+id, nil, http.StatusNoContent, nil)
		if r := author.send(http.MethodGet, "/api/v1/attachments/"+id, "", nil); r.Status != http.StatusNotFound {
			t.Errorf("download after removal: %d", r.Status)
		}
		author.call(http.MethodGet, base, nil, http.StatusOK, &got)
		if got.Attachments == nil || len(got.Attachments) != 0 {
			t.Errorf("attachments after removal: %v", got.Attachments)
		}

		// A draft can be deleted by its author.
		author.call(http.MethodDelete, base, nil, http.StatusNoContent, nil)
		author.call(http.MethodGet, base, nil, http.StatusNotFound, nil)
	})
}

func TestReviewAPI(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		author := s.api(t, "lille@example.org")
		mod := s.api(t, "nord.mod@example.org")
		region := s.api(t, "region.mod@example.org")
		p, err := s.Service.CreatePractice(context.Background(), s.World.LilleAuthor, testenv.CompleteExperience("59350", "Forum"))
		if err != nil {
			t.Fatal(err)
		}
		base := "/api/v1/practices/" + strconv.FormatInt(p.ID, 10)
		author.call(http.MethodPost, base+"/submit", nil, http.StatusOK, nil)

		// Claims.
		var claim struct {
			Moderator struct{ Name string } `json:"moderator"`
			ClaimedAt string                `json:"claimed_at"`
			ExpiresAt string                `json:"expires_at"`
		}
		mod.call(http.MethodPost, base+"/claim", nil, http.StatusOK, &claim)
		if claim.Moderator.Name != "Nora Nord" || claim.ClaimedAt == "" || claim.ExpiresAt == "" {
			t.Errorf("claim %+v", claim)
		}
		if r := region.call(http.MethodPost, base+"/claim", map[string]bool{"takeover": false}, http.StatusConflict, nil); !strings.Contains(r.Body, "Nora Nord") {
			t.Errorf("conflicting claim does not name the holder: %s", r.Body)
		}
		var queue struct {
			Items []struct {
				ID             string `json:"id"`
				WaitingSeconds int64  `json:"waiting_seconds"`
				Claim          *struct {
					Moderator struct{ Name string } `json:"moderator"`
				} `json:"claim"`
			} `json:"items"`
		}
		region.call(http.MethodGet, "/api/v1/review-queue?territory=59&kind=experience&theme=emploi", nil, http.StatusOK, &queue)
		if len(queue.Items) != 1 || queue.Items[0].Claim == nil || queue.Items[0].Claim.Moderator.Name != "Nora Nord" {
			t.Errorf("queue %+v", queue)
		}
		region.call(http.MethodGet, "/api/v1/review-queue?kind=tool", nil, http.StatusOK, &queue)
		if len(queue.Items) != 0 {
			t.Errorf("filtered queue %+v", queue)
		}
		region.call(http.MethodGet, "/api/v1/review-queue?territory=atlantis", nil, http.StatusBadRequest, nil)
		region.call(http.MethodPost, base+"/claim", map[string]bool{"takeover": true}, http.StatusOK, &claim)
		if claim.Moderator.Name != "Régis Région" {
			t.Errorf("takeover %+v", claim)
		}
		mod.call(http.MethodDelete, base+"/claim", nil, http.StatusConflict, nil)
		region.call(http.MethodDelete, base+"/claim", nil, http.StatusNoContent, nil)

		// The conversation, and a decision naming fields.
		var c struct {
			ID     string   `json:"id"`
			Role   string   `json:"role"`
			Fields []string `json:"fields"`
		}
		mod.call(http.MethodPost, base+"/comments", map[string]any{"body": "Chiffrez les résultats.", "fields": []string{"experience.results"}}, http.StatusCreated, &c)
		if c.Role != "moderator" || len(c.Fields) != 1 {
			t.Errorf("comment %+v", c)
		}
		mod.call(http.MethodPost, base+"/comments", map[string]any{"body": "x", "fields": []string{"budget"}}, http.StatusBadRequest, nil)
		s.api(t, "reader@example.org").call(http.MethodPost, base+"/comments", map[string]any{"body": "x"}, http.StatusNotFound, nil)
		author.call(http.MethodPost, base+"/comments", map[string]any{"body": "C’est fait."}, http.StatusCreated, nil)
		mod.call(http.MethodPost, base+"/decision", map[string]any{"decision": "request_changes", "comment": "Résumé trop long.", "fields": []string{"summary"}}, http.StatusOK, nil)
		var list struct {
			Items []struct {
				Role     string   `json:"role"`
				Body     string   `json:"body"`
				Fields   []string `json:"fields"`
				Decision *string  `json:"decision"`
			} `json:"items"`
		}
		author.call(http.MethodGet, base+"/comments", nil, http.StatusOK, &list)
		if len(list.Items) != 3 || list.Items[1].Role != "author" || list.Items[2].Decision == nil || *list.Items[2].Decision != "request_changes" || list.Items[2].Fields[0] != "summary" {
			t.Errorf("conversation %+v", list)
		}

		// The revision diff.
		author.call(http.MethodPatch, base, map[string]any{"summary": "Un forum de recrutement."}, http.StatusOK, nil)
		author.call(http.MethodPost, base+"/submit", nil, http.StatusOK, nil)
		var diff struct {
			From    *int `json:"from"`
			To      int  `json:"to"`
			Changes []struct {
				Field string `json:"field"`
				Diff  []struct {
					Op   string `json:"op"`
					Text string `json:"text"`
				} `json:"diff"`
			} `json:"changes"`
		}
		mod.call(http.MethodGet, base+"/revisions/2/diff", nil, http.StatusOK, &diff)
		if diff.From == nil || *diff.From != 1 || diff.To != 2 || len(diff.Changes) != 1 || diff.Changes[0].Field != "summary" {
			t.Fatalf("diff %+v", diff)
		}
		mod.call(http.MethodGet, base+"/revisions/9/diff", nil, http.StatusNotFound, nil)
		s.api(t, "").call(http.MethodGet, base+"/revisions/2/diff", nil, http.StatusNotFound, nil)
	})
}

// TestReviewPages walks the review through the pages: a file attached on the
// edit page, a moderator's remark naming a field shown beside it, a claim,
// the diff of the latest revision, the dashboard.
func TestReviewPages(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		ctx := context.Background()
		p, err := s.Service.CreatePractice(ctx, s.World.LilleAuthor, testenv.CompleteExperience("59350", "Forum"))
		if err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(p.ID, 10)
		author := s.browser(t)
		author.login("lille@example.org", "/fiches/"+id+"/modifier", "/fiches/"+id+"/modifier")
		edit := author.get("/fiches/"+id+"/modifier").expect(t, "edit page", http.StatusOK)
		edit.contains(t, "edit page", `enctype="multipart/form-data"`, `id="pieces-jointes"`)

		// Attach a file from the page, then an HTML file that is refused.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "compte-rendu.pdf")
		_, _ = fw.Write(pdf)
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/fiches/"+id+"/pieces-jointes", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		author.do(req).expect(t, "upload", http.StatusSeeOther, "/fiches/"+id+"/modifier#pieces-jointes")
		buf.Reset()
		mw = multipart.NewWriter(&buf)
		fw, _ = mw.CreateFormFile("file", "compte-rendu.pdf")
		_, _ = fw.Write(htmlFile)
		_ = mw.Close()
		req, _ = http.NewRequest(http.MethodPost, s.URL+"/fiches/"+id+"/pieces-jointes", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		refused := author.do(req).expect(t, "HTML upload", http.StatusUnsupportedMediaType)
		if refused.fieldError("attachment") == "" {
			t.Errorf("the refused file is not explained next to the input")
		}
		page := author.get("/fiches/"+id).expect(t, "practice page", http.StatusOK)
		page.contains(t, "practice page", "compte-rendu.pdf", `href="/attachments/`, "Imprimer / PDF")
		link := regexp.MustCompile(`href="(/attachments/\d+)"`).FindStringSubmatch(page.Body)
		dl := author.get(link[1]).expect(t, "download", http.StatusOK)
		if dl.Body != string(pdf) || dl.Header.Get("Content-Disposition") != `attachment; filename=compte-rendu.pdf` || dl.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download: %v", dl.Header)
		}
		s.browser(t).get(link[1]).expect(t, "anonymous download of a draft's file", http.StatusNotFound)

		author.post("/fiches/"+id+"/soumettre", url.Values{}).expect(t, "submit", http.StatusSeeOther)
		mod := s.browser(t)
		mod.login("nord.mod@example.org", "/relecture", "/relecture")
		mod.post("/fiches/"+id+"/prise-en-charge", url.Values{}).expect(t, "claim", http.StatusSeeOther, "/fiches/"+id)
		mod.get("/relecture?territory=59").expect(t, "queue", http.StatusOK).contains(t, "queue", "Forum", "Vous, ")
		region := s.browser(t)
		region.login("region.mod@example.org", "/relecture", "/relecture")
		region.get("/relecture").expect(t, "queue", http.StatusOK).contains(t, "queue", "Nora Nord")
		region.get("/fiches/"+id).expect(t, "practice", http.StatusOK).contains(t, "claimed practice", "En cours de relecture par Nora Nord", "Reprendre la relecture de Nora Nord")

		mod.post("/fiches/"+id+"/commentaires", url.Values{"message": {""}}).expect(t, "empty comment", http.StatusBadRequest)
		mod.post("/fiches/"+id+"/commentaires", url.Values{"message": {"Chiffrez les résultats."}, "fields": {"experience.results"}}).
			expect(t, "comment", http.StatusSeeOther, "/fiches/"+id+"#conversation")
		mod.post("/fiches/"+id+"/decision", url.Values{"decision": {"request_changes"}, "comment": {"Le résumé est trop long."}, "fields": {"summary"}}).
			expect(t, "request changes", http.StatusSeeOther)

		edit = author.get("/fiches/"+id+"/modifier").expect(t, "edit page", http.StatusOK)
		edit.contains(t, "remarks", `id="summary-remarks"`, "Le résumé est trop long.", `id="results-remarks"`, "Chiffrez les résultats.", `aria-describedby="summary-hint summary-remarks"`)
		author.get("/mes-fiches").expect(t, "dashboard", http.StatusOK).contains(t, "dashboard", "Le résumé est trop long.", "Reprendre la fiche")
		author.get("/fiches/"+id).expect(t, "practice", http.StatusOK).contains(t, "conversation", `id="conversation"`, "Chiffrez les résultats.")

		// Revised and resubmitted: the moderator sees what changed.
		if _, err := s.Service.UpdatePractice(ctx, s.World.LilleAuthor, p.ID, serviceSummary("Un forum court.")); err != nil {
			t.Fatal(err)
		}
		author.post("/fiches/"+id+"/soumettre", url.Values{}).expect(t, "resubmit", http.StatusSeeOther)
		mod.get("/fiches/"+id).expect(t, "practice", http.StatusOK).contains(t, "diff", "Ce qui a changé entre les versions 1 et 2", "<ins>", "<del>")

		// Readers of the published practice see neither the conversation nor
		// the claim.
		mod.post("/fiches/"+id+"/decision", url.Values{"decision": {"approve"}}).expect(t, "approve", http.StatusSeeOther)
		reader := s.browser(t).get("/fiches/"+id).expect(t, "published", http.StatusOK)
		reader.contains(t, "published", "compte-rendu.pdf")
		reader.lacks(t, "published", "Chiffrez les résultats.", `id="conversation"`)
		if strings.Contains(reader.Body, passerelle.NotifyComment) {
			t.Error("internal names leak to the page")
		}
	})
}

func serviceSummary(summary string) service.PracticeInput {
	return service.PracticeInput{Summary: &summary}
}
