package jsonld_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/opendata/jsonld"
	"github.com/passerelle/passerelle/internal/passerelle"
)

func date(s string) *time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return &t
}

var themes = []passerelle.Theme{{Slug: "emploi", Name: "Emploi"}, {Slug: "education", Name: "Éducation"}}

func tool() *passerelle.Practice {
	return &passerelle.Practice{ID: 12, Kind: passerelle.KindTool, Title: "Jeu des métiers", Summary: "Un jeu.",
		TerritoryCode: "qpv-moulins", Themes: []string{"education", "emploi"}, AuthorName: "Awa", Status: passerelle.StatusPublished,
		UpdatedAt: *date("2024-03-02T10:00:00Z"), PublishedAt: date("2024-03-01T10:00:00Z"),
		Tool: &passerelle.Tool{Audience: []string{"collégiens"}, Format: "game", Duration: "PT2H", License: "CC-BY-4.0"}}
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return m
}

func TestTool(t *testing.T) {
	b, err := jsonld.Practice(tool(), "https://passerelle.example.org/", "Moulins", themes)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, b)
	want := map[string]any{
		"@context": "https://schema.org", "@type": "LearningResource", "@id": "https://passerelle.example.org/fiches/12",
		"url": "https://passerelle.example.org/fiches/12", "name": "Jeu des métiers", "description": "Un jeu.",
		"datePublished": "2024-03-01T10:00:00Z", "dateModified": "2024-03-02T10:00:00Z", "learningResourceType": "game",
		"license": "https://creativecommons.org/licenses/by/4.0/", "timeRequired": "PT2H", "inLanguage": "fr",
		"keywords": "Emploi, Éducation", "isAccessibleForFree": true,
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if a := m["author"].(map[string]any); a["@type"] != "Person" || a["name"] != "Awa" {
		t.Errorf("author = %v", a)
	}
	if p := m["spatialCoverage"].(map[string]any); p["name"] != "Moulins" || p["identifier"] != "qpv-moulins" {
		t.Errorf("spatialCoverage = %v", p)
	}
	if a := m["audience"].([]any); len(a) != 1 || a[0].(map[string]any)["audienceType"] != "collégiens" {
		t.Errorf("audience = %v", a)
	}
	if _, ok := m["headline"]; ok {
		t.Error("a LearningResource has no headline here")
	}
	p := tool()
	p.Tool.Duration = "2 heures"
	if b, _ := jsonld.Practice(p, "https://passerelle.example.org", "Moulins", nil); strings.Contains(string(b), "timeRequired") {
		t.Error("a free-text duration is not an ISO 8601 duration")
	}
}

func TestExperience(t *testing.T) {
	p := &passerelle.Practice{ID: 3, Kind: passerelle.KindExperience, Title: strings.Repeat("Très long titre ", 10), TerritoryCode: "59350",
		AuthorName: "Lila", Status: passerelle.StatusPublished, PublishedAt: date("2024-03-01T10:00:00Z"),
		Experience: &passerelle.Experience{Partners: []string{"Mission locale"}, StartedOn: date("2024-01-15T00:00:00Z")}}
	b, err := jsonld.Practice(p, "https://passerelle.example.org", "Lille", themes[:1])
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, b)
	if m["@type"] != "Article" || m["mainEntityOfPage"] != "https://passerelle.example.org/fiches/3" || m["temporalCoverage"] != "2024-01-15/.." {
		t.Errorf("article = %v", m)
	}
	if h := m["headline"].(string); len([]rune(h)) > 110 || !strings.HasPrefix(h, "Très long titre") {
		t.Errorf("headline = %q", h)
	}
	if c := m["contributor"].([]any); len(c) != 1 || c[0].(map[string]any)["name"] != "Mission locale" {
		t.Errorf("contributor = %v", c)
	}
	if _, err := jsonld.Practice(nil, "", "", nil); err == nil {
		t.Error("nil practice: no error")
	}
}

// TestSafeInScript checks that hostile text cannot end the script element
// nor open a comment, whatever the page template does with the bytes.
func TestSafeInScript(t *testing.T) {
	p := tool()
	p.Title = `</script><script>alert(1)</script><!-- & "quotes"` + "\u2028"
	b, err := jsonld.Practice(p, "https://passerelle.example.org", "Moulins", themes)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<", ">", "\u2028"} {
		if strings.Contains(string(b), bad) {
			t.Errorf("output contains %q: %s", bad, b)
		}
	}
	if decode(t, b)["name"] != p.Title {
		t.Error("the title does not survive the escaping")
	}

	// Embedded the way the practice page does it, the block is the same
	// JSON once the page is parsed.
	tmpl := template.Must(template.New("page").Parse(`<head><script type="application/ld+json">{{.}}</script></head>`))
	var page bytes.Buffer
	if err := tmpl.Execute(&page, template.JS(b)); err != nil {
		t.Fatal(err)
	}
	inner := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*)</script>`).FindStringSubmatch(page.String())
	if inner == nil || strings.Count(page.String(), "</script>") != 1 {
		t.Fatalf("page = %s", page.String())
	}
	if decode(t, []byte(inner[1]))["name"] != p.Title {
		t.Errorf("embedded block = %s", inner[1])
	}
}

// The practice page embeds the description in its head. html/template treats
// a script element as JavaScript, so the bytes go in as template.JS: they are
// already safe there (see TestSafeInScript).
func ExamplePractice() {
	p := &passerelle.Practice{ID: 42, Kind: passerelle.KindTool, Title: "Jeu des métiers", Status: passerelle.StatusPublished,
		Tool: &passerelle.Tool{Format: "game", License: "CC-BY-4.0"}}
	b, err := jsonld.Practice(p, "https://passerelle.example.org", "Lille", nil)
	if err != nil {
		panic(err)
	}
	page := template.Must(template.New("head").Parse(`<script type="application/ld+json">{{.JSONLD}}</script>`))
	var out bytes.Buffer
	_ = page.Execute(&out, struct{ JSONLD template.JS }{template.JS(b)})
	fmt.Println(strings.HasPrefix(out.String(), `<script type="application/ld+json">{"@context":"https://schema.org","@type":"LearningResource"`))
	// Output: true
}
