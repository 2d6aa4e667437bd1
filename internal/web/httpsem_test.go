package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testenv"
)

// send makes one request to the open-data server and reads the whole answer.
func (od *openData) send(t *testing.T, method, path, body string, headers ...string) *odResponse {
	t.Helper()
	req, err := http.NewRequest(method, od.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &odResponse{Status: res.StatusCode, Header: res.Header, Body: b}
}

// TestHeadWhereverGet: HEAD answers like GET, without a body, on the feeds,
// exports, sitemaps, OAI-PMH, the OpenAPI document, the API and the pages.
func TestHeadWhereverGet(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		paths := []string{
			"/feeds/practices.atom", "/feeds/practices.atom?territory=59", "/feeds/rencontres.atom", "/feeds/rencontres.ics",
			"/export/practices.csv", "/export/practices.csv?sep=semicolon", "/export/practices.xlsx",
			"/sitemap.xml", "/sitemaps/pages.xml", "/oai?verb=Identify", "/api/v1/openapi.json",
			"/api/v1/practices", "/api/v1/territories", "/api/v1/practices/" + pid(od.Published["Forum emploi à Lille"]),
			"/", "/territoires", "/fiches/" + pid(od.Published["Forum emploi à Lille"]), "/robots.txt",
		}
		for _, p := range paths {
			get := od.send(t, http.MethodGet, p, "")
			head := od.send(t, http.MethodHead, p, "")
			if get.Status != http.StatusOK || head.Status != http.StatusOK {
				t.Errorf("%s: GET %d, HEAD %d, want 200 both", p, get.Status, head.Status)
				continue
			}
			if len(head.Body) != 0 {
				t.Errorf("HEAD %s: %d bytes of body", p, len(head.Body))
			}
			if g, h := get.Header.Get("Content-Type"), head.Header.Get("Content-Type"); g != h {
				t.Errorf("HEAD %s: Content-Type %q, GET %q", p, h, g)
			}
		}
	})
}

// TestAllowOn405: every 405 lists what the route serves.
func TestAllowOn405(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		for _, c := range []struct{ method, path, allow string }{
			{http.MethodPut, "/feeds/practices.atom", "GET, HEAD"},
			{http.MethodPost, "/export/practices.xlsx", "GET, HEAD"},
			{http.MethodDelete, "/sitemap.xml", "GET, HEAD"},
			{http.MethodPut, "/oai", "GET, HEAD, POST"},
			{http.MethodPost, "/api/v1/openapi.json", "GET, HEAD, OPTIONS"},
			{http.MethodDelete, "/api/v1/practices", "GET, HEAD, POST, OPTIONS"},
			{http.MethodPut, "/api/v1/practices/1", "GET, HEAD, PATCH, DELETE, OPTIONS"},
			{http.MethodGet, "/api/v1/tokens/current", "DELETE"},
			{http.MethodPost, "/territoires", "GET, HEAD"},
			{http.MethodGet, "/logout", "POST"},
			{http.MethodPut, "/login", "GET, HEAD, POST"},
		} {
			res := od.send(t, c.method, c.path, "")
			if res.Status != http.StatusMethodNotAllowed || res.Header.Get("Allow") != c.allow {
				t.Errorf("%s %s: %d, Allow %q; want 405, Allow %q", c.method, c.path, res.Status, res.Header.Get("Allow"), c.allow)
			}
		}
	})
}

// TestCORSPublicReadOnly: the public read-only API answers preflights and
// carries Access-Control-Allow-Origin: * without credentials; nothing else
// (authenticated or writing endpoints, pages) sends any CORS header.
func TestCORSPublicReadOnly(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		token, _, err := od.Service.CreateToken(context.Background(), od.World.LilleAuthor)
		if err != nil {
			t.Fatal(err)
		}
		origin := "https://www.lille.example"
		lille := pid(od.Published["Forum emploi à Lille"])
		for _, p := range []string{"/api/v1/practices", "/api/v1/practices?territory=59", "/api/v1/practices/" + lille,
			"/api/v1/territories", "/api/v1/themes", "/api/v1/meetings", "/api/v1/openapi.json", "/api/v1/practices/999999"} {
			res := od.send(t, http.MethodGet, p, "", "Origin", origin)
			if res.Header.Get("Access-Control-Allow-Origin") != "*" || res.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("GET %s: CORS headers %v", p, corsHeaders(res.Header))
			}
			pre := od.send(t, http.MethodOptions, p, "", "Origin", origin, "Access-Control-Request-Method", "GET",
				"Access-Control-Request-Headers", "if-none-match")
			if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(pre.Header.Get("Access-Control-Allow-Methods"), "GET") ||
				pre.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("preflight %s: %d %v", p, pre.Status, corsHeaders(pre.Header))
			}
			// A preflight for writing gets no permission.
			pre = od.send(t, http.MethodOptions, p, "", "Origin", origin, "Access-Control-Request-Method", "POST")
			if pre.Header.Get("Access-Control-Allow-Origin") != "" || pre.Header.Get("Access-Control-Allow-Methods") != "" {
				t.Errorf("preflight POST %s: %v", p, corsHeaders(pre.Header))
			}
		}
		none := []struct{ method, path, token, body string }{
			{http.MethodGet, "/api/v1/me", token, ""},
			{http.MethodGet, "/api/v1/notifications", token, ""},
			{http.MethodGet, "/api/v1/subscriptions", token, ""},
			{http.MethodGet, "/api/v1/review-queue", token, ""},
			{http.MethodGet, "/api/v1/tokens", token, ""},
			{http.MethodPost, "/api/v1/practices", token, `{"title":"Essai CORS","territory":"59350"}`},
			{http.MethodPatch, "/api/v1/practices/" + lille, token, `{"title":"x"}`},
			{http.MethodPost, "/api/v1/tokens", "", `{"email":"nobody@example.org","password":"nope"}`},
			{http.MethodOptions, "/api/v1/me", "", ""},
			{http.MethodOptions, "/api/v1/notifications", "", ""},
			{http.MethodGet, "/", "", ""},
			{http.MethodGet, "/territoires", "", ""},
			{http.MethodGet, "/fiches/" + lille, "", ""},
			{http.MethodGet, "/login", "", ""},
			{http.MethodOptions, "/", "", ""},
			{http.MethodOptions, "/fiches/" + lille, "", ""},
		}
		for _, c := range none {
			headers := []string{"Origin", origin, "Access-Control-Request-Method", "GET"}
			if c.token != "" {
				headers = append(headers, "Authorization", "Bearer "+c.token)
			}
			if c.body != "" {
				headers = append(headers, "Content-Type", "application/json")
			}
			res := od.send(t, c.method, c.path, c.body, headers...)
			if h := corsHeaders(res.Header); len(h) > 0 {
				t.Errorf("%s %s (%d): CORS headers %v, want none", c.method, c.path, res.Status, h)
			}
		}
	})
}

func corsHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			out[k] = h.Get(k)
		}
	}
	return out
}

// TestIfMatchPrecondition: a stale If-Match answers 412 precondition_failed
// with the current version; a stale version in the body keeps 409; a
// matching If-Match edits.
func TestIfMatchPrecondition(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		token, _, err := od.Service.CreateToken(context.Background(), od.World.LilleAuthor)
		if err != nil {
			t.Fatal(err)
		}
		draft := od.Hidden[1]
		path := "/api/v1/practices/" + pid(draft)
		auth := []string{"Authorization", "Bearer " + token, "Content-Type", "application/json"}
		get := od.send(t, http.MethodGet, path, "", auth...)
		etag := get.Header.Get("ETag")
		if get.Status != http.StatusOK || etag == "" {
			t.Fatalf("GET %s: %d, ETag %q", path, get.Status, etag)
		}
		stale := `"` + strconv.Itoa(draft.Version+7) + `"`
		res := od.send(t, http.MethodPatch, path, `{"title":"Titre périmé"}`, append(auth, "If-Match", stale)...)
		var body struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
			Current map[string]any `json:"current"`
		}
		if err := json.Unmarshal(res.Body, &body); err != nil || res.Status != http.StatusPreconditionFailed ||
			body.Error.Code != "precondition_failed" || body.Current["title"] != draft.Title {
			t.Errorf("stale If-Match: %d %s", res.Status, res.Body)
		}
		res = od.send(t, http.MethodPatch, path, `{"title":"Titre périmé","version":`+strconv.Itoa(draft.Version+7)+`}`, auth...)
		if res.Status != http.StatusConflict {
			t.Errorf("stale body version: %d %s", res.Status, res.Body)
		}
		res = od.send(t, http.MethodPatch, path, `{"title":"Titre à jour"}`, append(auth, "If-Match", etag)...)
		if res.Status != http.StatusOK || res.Header.Get("ETag") == etag {
			t.Errorf("matching If-Match: %d ETag %q %s", res.Status, res.Header.Get("ETag"), res.Body)
		}
		res = od.send(t, http.MethodPatch, path, `{"title":"Sans version"}`, auth...)
		if res.Status != http.StatusOK {
			t.Errorf("no If-Match (optional, no 428): %d %s", res.Status, res.Body)
		}
	})
}
