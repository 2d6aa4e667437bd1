package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/passerelle/passerelle/internal/testenv"
	"github.com/passerelle/passerelle/internal/view"
	"github.com/passerelle/passerelle/internal/web"
	"github.com/passerelle/passerelle/ui"
)

// levelCounter is a slog handler that counts records by level, and keeps
// the messages of those at ERROR.
type levelCounter struct {
	mu     sync.Mutex
	counts map[slog.Level]int
	errors []string
}

func (h *levelCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *levelCounter) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.counts[r.Level]++
	if r.Level >= slog.LevelError {
		msg := r.Message
		r.Attrs(func(a slog.Attr) bool { msg += " " + a.String(); return true })
		h.errors = append(h.errors, msg)
	}
	return nil
}
func (h *levelCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *levelCounter) WithGroup(string) slog.Handler      { return h }

// countingServer starts another server over the site's application whose
// log is counted.
func (s *site) countingServer(t *testing.T) (string, *levelCounter) {
	t.Helper()
	engine, err := view.New(ui.FS, s.cat)
	if err != nil {
		t.Fatal(err)
	}
	h := &levelCounter{counts: map[slog.Level]int{}}
	srv := httptest.NewServer(testenv.CheckAPI(t, web.New(s.Service, engine, web.Options{BaseURL: "http://passerelle.test", Dialect: s.Dialect,
		Logger: slog.New(h)})))
	t.Cleanup(srv.Close)
	return srv.URL, h
}

// TestControlCharactersRefused: a NUL byte, another control character or
// bytes that are not UTF-8, sent anywhere a client can put text — form,
// JSON body, query string, path, file name, import file — are refused with
// 400 validation_failed naming the field, before anything reaches the
// database; nothing is logged at ERROR, nothing answers 500.
func TestControlCharactersRefused(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		base, logs := s.countingServer(t)
		b := s.browserOn(t, base)
		author, admin := tokenFor(t, s, w.LilleAuthor), tokenFor(t, s, w.Admin)
		ctx := context.Background()
		draft, err := s.Service.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Brouillon"))
		if err != nil {
			t.Fatal(err)
		}
		draftPath := "/api/v1/practices/" + idOf(draft)

		send := func(method, path, token, contentType string, body []byte) *response {
			t.Helper()
			req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			return b.do(req)
		}
		form := func(values string) []byte { return []byte(values) }
		// The file name is in the part's header, encoded as RFC 2231 allows
		// (a raw control character would make the header unreadable).
		upload := func(field, name string, content []byte) (string, []byte) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="`+field+`"; filename*=UTF-8''`+url.PathEscape(name))
			h.Set("Content-Type", "application/octet-stream")
			part, err := mw.CreatePart(h)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = part.Write(content)
			_ = mw.Close()
			return mw.FormDataContentType(), buf.Bytes()
		}
		uploadCT, uploadBody := upload("file", "rapport\x01.txt", []byte("Un rapport en texte.\n"))
		importCT, importBody := upload("file", "territoires.csv", []byte("code,name,level,parent_code\n59999,Ville\x00,commune,59\n"))

		tests := []struct {
			name        string
			method      string
			path        string
			token       string
			contentType string
			body        []byte
			api         bool
			field       string // the field named (API), or a text the page shows
		}{
			{name: "login form, NUL in the e-mail", method: "POST", path: "/login", contentType: "application/x-www-form-urlencoded",
				body: form("email=a%00b%40example.org&password=x"), field: "Adresse électronique"},
			{name: "token, NUL in the e-mail", method: "POST", path: "/api/v1/tokens", contentType: "application/json",
				body: []byte(`{"email":"a\u0000b@example.org","password":"x"}`), api: true, field: "email"},
			{name: "token, escape in the password", method: "POST", path: "/api/v1/tokens", contentType: "application/json",
				body: []byte(`{"email":"a@example.org","password":"x\u001b"}`), api: true, field: "password"},
			{name: "reset, NUL", method: "POST", path: "/api/v1/password-resets", contentType: "application/json",
				body: []byte(`{"email":"\u0000"}`), api: true, field: "email"},
			{name: "search, NUL", method: "GET", path: "/api/v1/practices?q=%00", api: true, field: "q"},
			{name: "search, not UTF-8", method: "GET", path: "/api/v1/practices?territory=%FF", api: true, field: "territory"},
			{name: "search page, NUL", method: "GET", path: "/recherche?q=jardins%00", field: "q"},
			{name: "path, NUL", method: "GET", path: "/territoires/59%00", field: "path"},
			{name: "edit, NUL in a nested field", method: "PATCH", path: draftPath, token: author, contentType: "application/json",
				body: []byte(`{"experience":{"context":"avant\u0000après"}}`), api: true, field: "experience.context"},
			{name: "edit, line break in the title", method: "PATCH", path: draftPath, token: author, contentType: "application/json",
				body: []byte(`{"title":"Un\ntitre"}`), api: true, field: "title"},
			{name: "edit, NUL in a list", method: "PATCH", path: draftPath, token: author, contentType: "application/json",
				body: []byte(`{"themes":["emploi","\u0000"]}`), api: true, field: "themes"},
			{name: "attachment, control character in the file name", method: "POST", path: draftPath + "/attachments", token: author,
				contentType: uploadCT, body: uploadBody, api: true, field: "file"},
			{name: "territory import, NUL in a cell", method: "POST", path: "/api/v1/territories/import", token: admin,
				contentType: importCT, body: importBody, api: true, field: "file"},
			{name: "territory import as text/csv", method: "POST", path: "/api/v1/territories/import", token: admin,
				contentType: "text/csv", body: []byte("code,name,level,parent_code\n59999,Vi\x1bl,commune,59\n"), api: true, field: "file"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := send(tt.method, tt.path, tt.token, tt.contentType, tt.body)
				if res.Status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400\n%.2000s", res.Status, res.Body)
				}
				if !tt.api {
					res.contains(t, tt.name, tt.field)
					return
				}
				var body struct {
					Error struct {
						Code   string
						Fields map[string]string
					}
				}
				if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
					t.Fatalf("%v: %s", err, res.Body)
				}
				if body.Error.Code != "validation_failed" || body.Error.Fields[tt.field] == "" {
					t.Errorf("error %s %v, want validation_failed naming %q", body.Error.Code, body.Error.Fields, tt.field)
				}
			})
		}

		// The practice form shows the field at fault and keeps what was
		// typed.
		b.login(w.LilleAuthor.Email, "/mes-fiches", "/mes-fiches")
		res := b.post("/fiches/nouvelle", url.Values{"kind": {"experience"}, "title": {"Jardins partagés"},
			"body": {"Un texte collé\x0c d’un PDF."}, "territory": {"59350"}})
		res.expect(t, "practice form with a form feed", http.StatusBadRequest)
		if msg := res.fieldError("body"); !strings.Contains(msg, "caractère non autorisé") {
			t.Errorf("body error %q", msg)
		}
		if got := res.value("title"); got != "Jardins partagés" {
			t.Errorf("title kept as %q", got)
		}

		// OAI-PMH answers by its own protocol: badArgument.
		res = b.get("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=x%00")
		res.expect(t, "OAI-PMH with NUL", http.StatusOK)
		res.contains(t, "OAI-PMH with NUL", `code="badArgument"`)

		// Nothing of it is the server's fault.
		logs.mu.Lock()
		defer logs.mu.Unlock()
		if len(logs.errors) > 0 {
			t.Errorf("logged at ERROR: %q", logs.errors)
		}
		if logs.counts[slog.LevelInfo] == 0 {
			t.Errorf("refused input not logged at INFO: %v", logs.counts)
		}
	})
}
