package opendata_test

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/opendata"
	"github.com/passerelle/passerelle/internal/passerelle"
)

// vocabulary is a small fixed Vocabulary.
type vocabulary struct{ tree *passerelle.Tree }

func newVocabulary() *vocabulary {
	return &vocabulary{tree: passerelle.NewTree([]passerelle.Territory{
		{Code: "59", Name: "Nord", Level: passerelle.LevelDepartment},
		{Code: "59350", Name: "Lille", Level: passerelle.LevelCommune, ParentCode: "59"},
	})}
}

func (v *vocabulary) Tree() *passerelle.Tree { return v.tree }
func (v *vocabulary) Theme(slug string) *passerelle.Theme {
	if slug == "emploi" {
		return &passerelle.Theme{Slug: "emploi", Name: "Emploi"}
	}
	return nil
}

func testSite() *opendata.Site {
	return &opendata.Site{BaseURL: "https://passerelle.example.org", Name: "Passerelle", Description: "Les fiches.", Lang: "fr",
		Labels: map[string]string{"kind.tool": "Outil pédagogique", "kind.experience": "Retour d’expérience"}}
}

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// samples returns an experience report and a teaching tool, with text that
// tests escaping: markup, a formula, a control character, a new line.
func samples() []*passerelle.Practice {
	return []*passerelle.Practice{
		{ID: 7, Kind: passerelle.KindTool, Title: "Jeu <des> \"métiers\" & stéréotypes", Summary: "=HYPERLINK(\"http://evil\")\nsur deux lignes",
			TerritoryCode: "59350", Themes: []string{"emploi", "inconnu"}, AuthorName: "Awa Diallo", Status: passerelle.StatusPublished,
			CreatedAt: *at("2024-01-01T09:00:00Z"), UpdatedAt: *at("2024-02-01T10:00:00.5Z"), PublishedAt: at("2024-02-01T10:00:00.5Z"),
			Tool: &passerelle.Tool{Audience: []string{"collégiens", "animateurs; éducateurs"}, Format: "game", Duration: "2 h", License: "CC-BY-4.0", Languages: []string{"fr"}}},
		{ID: 3, Kind: passerelle.KindExperience, Title: "Forum\x01 emploi", Summary: "Un forum.", TerritoryCode: "59", Themes: []string{"emploi"},
			AuthorName: "Lila", Status: passerelle.StatusPublished,
			CreatedAt: *at("2023-01-01T09:00:00Z"), UpdatedAt: *at("2023-06-01T10:00:00Z"), PublishedAt: at("2023-06-01T10:00:00Z"),
			Experience: &passerelle.Experience{Context: "- liste", Actions: "Agir", Results: "42", Partners: []string{"Mission locale"},
				StartedOn: at("2023-01-15T00:00:00Z")}},
	}
}

// atomFeed is what a feed reader reads of a feed, with namespaces.
type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Authors []string `xml:"author>name"`
	Entries []struct {
		ID        string   `xml:"id"`
		Title     string   `xml:"title"`
		Summary   string   `xml:"summary"`
		Updated   string   `xml:"updated"`
		Published string   `xml:"published"`
		Authors   []string `xml:"author>name"`
		Links     []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Categories []struct {
			Term   string `xml:"term,attr"`
			Scheme string `xml:"scheme,attr"`
			Label  string `xml:"label,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

func TestWriteAtom(t *testing.T) {
	site := testSite()
	var buf bytes.Buffer
	err := site.WriteAtom(&buf, newVocabulary(), opendata.Feed{SelfURL: site.URL("/feeds/practices.atom?territory=59"),
		AlternateURL: site.TerritoryURL("59"), Title: "Passerelle — Nord", Entries: samples()})
	if err != nil {
		t.Fatal(err)
	}
	var f atomFeed
	if err := xml.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatalf("not Atom: %v\n%s", err, buf.String())
	}
	if f.ID != "https://passerelle.example.org/feeds/practices.atom?territory=59" || f.Title != "Passerelle — Nord" || f.Lang != "fr" {
		t.Errorf("feed id %q, title %q, lang %q", f.ID, f.Title, f.Lang)
	}
	if f.Updated != "2024-02-01T10:00:00Z" {
		t.Errorf("feed updated = %q, want the newest entry's", f.Updated)
	}
	rels := map[string]string{}
	for _, l := range f.Links {
		rels[l.Rel] = l.Href
	}
	if rels["self"] != f.ID || rels["alternate"] != "https://passerelle.example.org/territoires/59" {
		t.Errorf("links = %v", rels)
	}
	if len(f.Authors) != 1 || len(f.Entries) != 2 {
		t.Fatalf("authors %v, %d entries", f.Authors, len(f.Entries))
	}
	e := f.Entries[0]
	if e.ID != "https://passerelle.example.org/fiches/7" || e.Title != `Jeu <des> "métiers" & stéréotypes` ||
		e.Published != "2024-02-01T10:00:00Z" || e.Updated != "2024-02-01T10:00:00Z" || len(e.Authors) != 1 || e.Authors[0] != "Awa Diallo" ||
		!strings.HasPrefix(e.Summary, "=HYPERLINK") {
		t.Errorf("entry = %+v", e)
	}
	if len(e.Links) != 1 || e.Links[0].Rel != "alternate" || e.Links[0].Href != e.ID {
		t.Errorf("entry links = %+v", e.Links)
	}
	cats := map[string]string{}
	for _, c := range e.Categories {
		cats[c.Term] = c.Label
	}
	want := map[string]string{"tool": "Outil pédagogique", "59350": "Lille", "emploi": "Emploi", "inconnu": "inconnu"}
	for term, label := range want {
		if cats[term] != label {
			t.Errorf("category %s = %q, want %q (all: %v)", term, cats[term], label, cats)
		}
	}
	// A control character, illegal in XML, must not break the document.
	if got := f.Entries[1].Title; !strings.HasPrefix(got, "Forum") || !strings.HasSuffix(got, " emploi") {
		t.Errorf("title with a control character = %q", got)
	}
}

func TestWriteAtomEmpty(t *testing.T) {
	site := testSite()
	var a, b bytes.Buffer
	for _, buf := range []*bytes.Buffer{&a, &b} {
		if err := site.WriteAtom(buf, newVocabulary(), opendata.Feed{SelfURL: site.URL("/feeds/practices.atom"), AlternateURL: site.URL("/"), Title: "Passerelle"}); err != nil {
			t.Fatal(err)
		}
	}
	var f atomFeed
	if err := xml.Unmarshal(a.Bytes(), &f); err != nil || f.Updated == "" || len(f.Entries) != 0 || len(f.Authors) != 1 {
		t.Fatalf("empty feed: %v %+v", err, f)
	}
	if a.String() != b.String() {
		t.Error("an unchanged empty feed changes between two requests; it would never be cached")
	}
}

func TestCSV(t *testing.T) {
	site := testSite()
	var buf bytes.Buffer
	w, err := site.NewCSVWriter(&buf, newVocabulary(), ',')
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range samples() {
		if err := w.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	body, ok := strings.CutPrefix(raw, "\uFEFF")
	if !ok {
		t.Fatal("no UTF-8 byte order mark")
	}
	if !strings.Contains(body, "\r\n") {
		t.Error("lines do not end with CRLF (RFC 4180)")
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and 2", len(rows))
	}
	header := rows[0]
	if strings.Join(header[:10], ",") != "id,url,kind,title,summary,territory,territory_name,themes,author,published_at" {
		t.Errorf("header = %v", header)
	}
	col := func(row []string, name string) string {
		for i, h := range header {
			if h == name {
				return row[i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	tool, exp := rows[1], rows[2]
	checks := []struct {
		row        []string
		name, want string
	}{
		{tool, "id", "7"},
		{tool, "url", "https://passerelle.example.org/fiches/7"},
		{tool, "kind", "tool"},
		{tool, "title", `Jeu <des> "métiers" & stéréotypes`},
		{tool, "summary", "\u2060=HYPERLINK(\"http://evil\")\nsur deux lignes"},
		{tool, "territory", "59350"},
		{tool, "territory_name", "Lille"},
		{tool, "themes", "emploi;inconnu"},
		{tool, "author", "Awa Diallo"},
		{tool, "published_at", "2024-02-01T10:00:00Z"},
		{tool, "tool_audience", "collégiens;animateurs, éducateurs"},
		{tool, "tool_format", "game"},
		{tool, "tool_license", "CC-BY-4.0"},
		{tool, "experience_context", ""},
		{exp, "kind", "experience"},
		{exp, "experience_context", "\u2060- liste"},
		{exp, "experience_partners", "Mission locale"},
		{exp, "experience_started_on", "2023-01-15"},
		{exp, "experience_ended_on", ""},
		{exp, "tool_format", ""},
	}
	for _, c := range checks {
		if got := col(c.row, c.name); got != c.want {
			t.Errorf("%s = %q, want %q", c.name, got, c.want)
		}
	}
	if len(opendata.CSVColumns) != 24 {
		t.Errorf("%d columns: update the kind-specific offsets in csv.go", len(opendata.CSVColumns))
	}
}

func TestSitemapWriters(t *testing.T) {
	var buf bytes.Buffer
	sw, err := opendata.NewURLSet(&buf)
	if err != nil {
		t.Fatal(err)
	}
	_ = sw.URL(opendata.SitemapURL{Loc: "https://passerelle.example.org/"})
	_ = sw.URL(opendata.SitemapURL{Loc: "https://passerelle.example.org/fiches/1?a=1&b=2", LastMod: *at("2024-01-01T10:00:00.123Z")})
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	var set struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &set); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(set.URLs) != 2 || set.URLs[1].Loc != "https://passerelle.example.org/fiches/1?a=1&b=2" || set.URLs[1].LastMod != "2024-01-01T10:00:00Z" || set.URLs[0].LastMod != "" {
		t.Errorf("urlset = %+v", set)
	}
}
