package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testenv"
)

// TestStrictTransportSecurity: with an https base URL every answer tells
// browsers to keep to https; over http, never (a browser would ignore it,
// and a local installation must stay reachable).
func TestStrictTransportSecurity(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		for _, secure := range []bool{true, false} {
			b := s.browserOn(t, s.extraServer(t, secure))
			for _, p := range []string{"/", "/login", "/api/v1/territories", "/api/v1/nothing", "/healthz", "/nulle-part"} {
				got := b.get(p).Header.Get("Strict-Transport-Security")
				if secure && !strings.HasPrefix(got, "max-age=63072000") {
					t.Errorf("https %s: Strict-Transport-Security %q", p, got)
				}
				if !secure && got != "" {
					t.Errorf("http %s: Strict-Transport-Security %q", p, got)
				}
			}
		}
	})
}

// TestLoginNextStaysOnTheSite: whatever next a link or a form carries, the
// redirect after signing in goes to a path of this site — a next it refuses
// sends the contributor to their own landing page, /mes-fiches.
func TestLoginNextStaysOnTheSite(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		email := s.World.LilleAuthor.Email
		for _, tt := range []struct{ next, want string }{
			{"/mes-fiches", "/mes-fiches"},
			{"//evil.example/", "/mes-fiches"},
			{"/\\evil.example", "/mes-fiches"},
			{"/../\\evil.example", "/mes-fiches"},
			{"/%2F%2Fevil.example", "/mes-fiches"},
			{"/%5C%5Cevil.example", "/mes-fiches"},
			{"/\t/evil.example", "/mes-fiches"},
			{"/\n/evil.example", "/mes-fiches"},
			{"https://evil.example/", "/mes-fiches"},
			{"/a/..//evil.example", "/evil.example"},
			{"/./territoires/../mes-fiches", "/mes-fiches"},
		} {
			b := s.browser(t)
			res := b.post("/login", url.Values{"email": {email}, "password": {testenv.Password}, "next": {tt.next}})
			if res.Status != http.StatusSeeOther || res.Location() != tt.want {
				t.Errorf("next=%q: %d to %q, want %q", tt.next, res.Status, res.Location(), tt.want)
			}
			if loc, err := url.Parse(s.URL + "/login"); err == nil {
				to, err := loc.Parse(res.Location())
				if err != nil || to.Host != loc.Host {
					t.Errorf("next=%q: a browser goes to %v", tt.next, to)
				}
			}
		}
	})
}

// TestAttachmentQuota: an account's attachments, practices and meetings
// together, stay under --attachment-quota; the file over it is refused
// with 413 too_large naming the quota (API) and a French message (page);
// removing a file makes room again.
func TestAttachmentQuota(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		s.Service.MaxAttachmentSize = 64 << 10
		s.Service.AttachmentQuota = 100 << 10
		author := s.api(t, "lille@example.org")
		var p struct {
			ID string `json:"id"`
		}
		author.call(http.MethodPost, "/api/v1/practices", map[string]any{"kind": "tool", "title": "Kit", "territory": "59350"}, http.StatusCreated, &p)
		base := "/api/v1/practices/" + p.ID
		file := append(bytes.Clone(pdf), bytes.Repeat([]byte("0123456789abcdef"), 3<<10)...) // about 48 KiB

		first := author.upload(base+"/attachments", "un.pdf", file)
		if first.Status != http.StatusCreated {
			t.Fatalf("first upload: %d %s", first.Status, first.Body)
		}
		over := author.upload(base+"/attachments", "deux.pdf", file) // 96 KiB of 100: fits
		if over.Status != http.StatusCreated {
			t.Fatalf("second upload: %d %s", over.Status, over.Body)
		}
		refused := author.upload(base+"/attachments", "trois.pdf", file)
		var e struct {
			Error struct {
				Code, Message string
				Fields        map[string]string
			}
		}
		_ = json.Unmarshal([]byte(refused.Body), &e)
		if refused.Status != http.StatusRequestEntityTooLarge || e.Error.Code != "too_large" || e.Error.Fields["file"] != "quota" ||
			!strings.Contains(e.Error.Message, "storage quota") || !strings.Contains(e.Error.Message, "--attachment-quota") {
			t.Errorf("upload over the quota: %d %s", refused.Status, refused.Body)
		}
		// Even a small file is refused once the quota is nearly used.
		if r := author.upload(base+"/attachments", "petit.pdf", append(bytes.Clone(pdf), bytes.Repeat([]byte("x"), 8<<10)...)); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("small upload over the quota: %d %s", r.Status, r.Body)
		}

		// The page says it in French, next to the input.
		page := s.browser(t)
		page.login("lille@example.org", "/", "/")
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "trois.pdf")
		_, _ = fw.Write(file)
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/fiches/"+p.ID+"/pieces-jointes", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res := page.do(req).expect(t, "page upload over the quota", http.StatusRequestEntityTooLarge)
		if got := res.fieldError("attachment"); !strings.Contains(got, "quota de stockage") || !strings.Contains(got, "100") {
			t.Errorf("page message = %q", got)
		}

		// Another account has its own quota.
		other := s.api(t, "roubaix@example.org")
		var q struct {
			ID string `json:"id"`
		}
		other.call(http.MethodPost, "/api/v1/practices", map[string]any{"kind": "tool", "title": "Kit", "territory": "59512"}, http.StatusCreated, &q)
		if r := other.upload("/api/v1/practices/"+q.ID+"/attachments", "un.pdf", file); r.Status != http.StatusCreated {
			t.Errorf("another account's upload: %d %s", r.Status, r.Body)
		}

		// Removing a file makes room.
		var a struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal([]byte(first.Body), &a)
		author.call(http.MethodDelete, "/api/v1/attachments/"+a.ID, nil, http.StatusNoContent, nil)
		if r := author.upload(base+"/attachments", "trois.pdf", file); r.Status != http.StatusCreated {
			t.Errorf("upload after removing a file: %d %s", r.Status, r.Body)
		}
	})
}
