package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/web"
)

// documented reports whether a route belongs in the OpenAPI document: the
// JSON API, the health check and the open-data routes. The pages for people
// do not.
func documented(path string) bool {
	for _, prefix := range []string{"/api/", "/healthz", "/feeds/", "/export/", "/oai", "/sitemap"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}

var paramPattern = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_]*)(:[^}]*)?\}`)

// routePath writes a chi route as OpenAPI does: no regular expressions in
// parameters, no trailing slash (chi reports a sub-router's "/" with one).
func routePath(route string) string {
	route = paramPattern.ReplaceAllString(route, "{$1}")
	if len(route) > 1 {
		route = strings.TrimSuffix(route, "/")
	}
	return route
}

// routerHandler builds the server without a database: the routes do not
// need one to be registered.
func routerHandler(t *testing.T) http.Handler {
	t.Helper()
	engine, _ := newEngine(t, false)
	return web.New(nil, engine, web.Options{BaseURL: "https://passerelle.example.org", Dialect: "sqlite", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths map[string]map[string]json.RawMessage `json:"paths"`
}

func fetchOpenAPI(t *testing.T, h http.Handler) ([]byte, *openAPIDoc) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc openAPIDoc
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return rec.Body.Bytes(), &doc
}

// TestOpenAPIMatchesRoutes keeps the document equal to the router: every
// documented route is served, every served API or open-data route is
// documented, method by method. When it fails after you added a route,
// describe it in internal/web/openapi.json.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	h := routerHandler(t)
	served := map[string]bool{}
	err := chi.Walk(h.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if p := routePath(route); documented(p) && !strings.HasSuffix(p, "/*") {
			served[strings.ToUpper(method)+" "+p] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, doc := fetchOpenAPI(t, h)
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				described[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	var missing, extra []string
	for r := range served {
		if !described[r] {
			missing = append(missing, r)
		}
	}
	for r := range described {
		if !served[r] {
			extra = append(extra, r)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("routes served but not in internal/web/openapi.json: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("routes in internal/web/openapi.json that the server does not serve: %v", extra)
	}
	if len(served) < 20 {
		t.Errorf("only %d routes found: is the walk broken? %v", len(served), served)
	}
}

// TestOpenAPIDocument checks the document itself: OpenAPI 3.1, the server's
// base URL, unique operation ids, responses everywhere, declared path
// parameters and resolvable references.
func TestOpenAPIDocument(t *testing.T) {
	raw, doc := fetchOpenAPI(t, routerHandler(t))
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "https://passerelle.example.org" {
		t.Errorf("servers = %+v, want the base URL", doc.Servers)
	}
	var whole any
	if err := json.Unmarshal(raw, &whole); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for path, ops := range doc.Paths {
		declared := paramPattern.FindAllStringSubmatch(path, -1)
		for method, rawOp := range ops {
			var op struct {
				OperationID string                     `json:"operationId"`
				Responses   map[string]json.RawMessage `json:"responses"`
				Parameters  []map[string]any           `json:"parameters"`
			}
			if err := json.Unmarshal(rawOp, &op); err != nil {
				t.Errorf("%s %s: %v", method, path, err)
				continue
			}
			where := strings.ToUpper(method) + " " + path
			if op.OperationID == "" {
				t.Errorf("%s: no operationId", where)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s: operationId %s already used by %s", where, op.OperationID, other)
			}
			ids[op.OperationID] = where
			if len(op.Responses) == 0 {
				t.Errorf("%s: no responses", where)
			}
			for _, m := range declared {
				found := false
				for _, p := range op.Parameters {
					if ref, ok := p["$ref"].(string); ok {
						p, _ = resolve(t, whole, ref).(map[string]any)
					}
					found = found || (p["in"] == "path" && p["name"] == m[1] && p["required"] == true)
				}
				if !found {
					t.Errorf("%s: path parameter %s is not declared as required", where, m[1])
				}
			}
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if ref, ok := x.(string); k == "$ref" && ok {
					resolve(t, whole, ref)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(whole)
}

// resolve follows a local JSON pointer ("#/components/schemas/Practice").
func resolve(t *testing.T, doc any, ref string) any {
	t.Helper()
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		t.Errorf("reference %q is not local", ref)
		return nil
	}
	cur := doc
	for _, part := range strings.Split(ptr, "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		m, ok := cur.(map[string]any)
		if !ok || m[part] == nil {
			t.Errorf("reference %q does not resolve (at %q)", ref, part)
			return nil
		}
		cur = m[part]
	}
	return cur
}

// TestOpenAPIAttachmentTypes keeps the downloads' documented types equal to
// the types accepted at upload.
func TestOpenAPIAttachmentTypes(t *testing.T) {
	raw, _ := fetchOpenAPI(t, routerHandler(t))
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]json.RawMessage `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(maps.Keys(passerelle.AttachmentTypes))
	for _, p := range []string{"/api/v1/attachments/{id}", "/api/v1/meetings/{id}/attachments/{file}"} {
		if got := slices.Sorted(maps.Keys(doc.Paths[p]["get"].Responses["200"].Content)); !slices.Equal(got, want) {
			t.Errorf("GET %s: documented types %v, accepted types %v", p, got, want)
		}
	}
}
