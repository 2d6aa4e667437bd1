package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
	"github.com/passerelle/passerelle/internal/web"
)

// openData is the whole application serving a small published catalogue.
type openData struct {
	*testenv.Bundle
	World *testenv.World
	URL   string
	// Published practices by title; Hidden are a draft and an archived one.
	Published map[string]*passerelle.Practice
	Hidden    []*passerelle.Practice
}

const odBaseURL = "https://passerelle.example.org"

func newOpenData(t *testing.T, dialect string) *openData {
	t.Helper()
	b := testenv.Setup(t, dialect, testenv.Options{})
	w := testenv.NewWorld(t, b)
	engine, _ := newEngine(t, false)
	srv := httptest.NewServer(testenv.CheckAPI(t, web.New(b.Service, engine, web.Options{BaseURL: odBaseURL, Dialect: dialect,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})))
	t.Cleanup(srv.Close)
	od := &openData{Bundle: b, World: w, URL: srv.URL, Published: map[string]*passerelle.Practice{}}
	ctx := context.Background()
	publish := func(author *passerelle.User, in service.PracticeInput) *passerelle.Practice {
		t.Helper()
		p, err := b.Service.CreatePractice(ctx, author, in)
		if err == nil {
			_, err = b.Service.Submit(ctx, author, p.ID)
		}
		if err == nil {
			p, err = b.Service.Decide(ctx, w.RegionMod, p.ID, "approve", "")
		}
		if err != nil {
			t.Fatal(err)
		}
		od.Published[p.Title] = p
		return p
	}
	publish(w.LilleAuthor, testenv.CompleteExperience("59350", "Forum emploi à Lille"))
	publish(w.RoubaixAuthor, testenv.CompleteExperience("59512", "Forum emploi à Roubaix"))
	kind := passerelle.KindTool
	s := func(v string) *string { return &v }
	publish(w.MoulinsAuthor, service.PracticeInput{Kind: &kind, Title: s("Jeu des métiers"), Summary: s("=1+1, un jeu"),
		Body: s("Règles."), Territory: s("qpv-moulins"), Themes: &[]string{"education"},
		Tool: &service.ToolInput{Audience: &[]string{"collégiens"}, Format: s("game"), License: s("CC-BY-4.0")}})
	archived := publish(w.LilleAuthor, testenv.CompleteExperience("59350", "Fiche archivée"))
	if _, err := b.Service.Archive(ctx, w.NordMod, archived.ID, "Obsolète."); err != nil {
		t.Fatal(err)
	}
	delete(od.Published, archived.Title)
	draft, err := b.Service.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Brouillon"))
	if err != nil {
		t.Fatal(err)
	}
	od.Hidden = []*passerelle.Practice{archived, draft}
	return od
}

type odResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

func (od *openData) get(t *testing.T, path string, headers ...string) *odResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, od.URL+path, nil)
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
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &odResponse{Status: res.StatusCode, Header: res.Header, Body: body}
}

// requireBadFilter checks the contract's JSON error naming the fields.
func requireBadFilter(t *testing.T, res *odResponse, fields map[string]string) {
	t.Helper()
	var body struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	if res.Status != http.StatusBadRequest || json.Unmarshal(res.Body, &body) != nil {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	if body.Error.Code != passerelle.EValidation || !mapsEqual(body.Error.Fields, fields) {
		t.Errorf("error = %+v, want validation_failed with %v", body.Error, fields)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

type feedDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID         string   `xml:"id"`
		Title      string   `xml:"title"`
		Summary    string   `xml:"summary"`
		Updated    string   `xml:"updated"`
		Published  string   `xml:"published"`
		Authors    []string `xml:"author>name"`
		Categories []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func TestAtomFeeds(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		feed := func(query string) (*feedDoc, *odResponse) {
			t.Helper()
			res := od.get(t, "/feeds/practices.atom"+query)
			if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("%s: %d %s: %s", query, res.Status, res.Header.Get("Content-Type"), res.Body)
			}
			var f feedDoc
			if err := xml.Unmarshal(res.Body, &f); err != nil {
				t.Fatalf("%s: not Atom: %v", query, err)
			}
			return &f, res
		}
		titles := func(f *feedDoc) []string {
			var out []string
			for _, e := range f.Entries {
				out = append(out, e.Title)
			}
			return out
		}

		f, res := feed("")
		if got := titles(f); !slices.Equal(got, []string{"Jeu des métiers", "Forum emploi à Roubaix", "Forum emploi à Lille"}) {
			t.Errorf("entries = %v, want the published practices, newest first", got)
		}
		self := ""
		for _, l := range f.Links {
			if l.Rel == "self" {
				self = l.Href
			}
		}
		if f.ID == "" || f.Updated == "" || f.Title == "" || self != odBaseURL+"/feeds/practices.atom" {
			t.Errorf("feed id %q, updated %q, title %q, self %q", f.ID, f.Updated, f.Title, self)
		}
		for _, e := range f.Entries {
			p := od.Published[e.Title]
			url := fmt.Sprintf("%s/fiches/%d", odBaseURL, p.ID)
			if e.ID != url || e.Updated == "" || e.Published == "" || len(e.Authors) != 1 || e.Authors[0] != p.AuthorName ||
				e.Summary != p.Summary || len(e.Links) != 1 || e.Links[0].Href != url || e.Links[0].Rel != "alternate" {
				t.Errorf("entry %+v", e)
			}
			terms := []string{}
			for _, c := range e.Categories {
				terms = append(terms, c.Term)
			}
			if !slices.Contains(terms, p.TerritoryCode) || !slices.Contains(terms, p.Themes[0]) || !slices.Contains(terms, string(p.Kind)) {
				t.Errorf("%s: categories %v", e.Title, terms)
			}
		}

		t.Run("filters", func(t *testing.T) {
			tests := []struct {
				query string
				want  []string
			}{
				{"?territory=59350", []string{"Jeu des métiers", "Forum emploi à Lille"}},
				{"?territory=32&theme=emploi", []string{"Forum emploi à Roubaix", "Forum emploi à Lille"}},
				{"?kind=tool", []string{"Jeu des métiers"}},
				{"?territory=62", nil},
				{"?territory=", []string{"Jeu des métiers", "Forum emploi à Roubaix", "Forum emploi à Lille"}},
			}
			for _, tt := range tests {
				if f, _ := feed(tt.query); !slices.Equal(titles(f), tt.want) {
					t.Errorf("%s: %v, want %v", tt.query, titles(f), tt.want)
				}
			}
			f, _ := feed("?theme=emploi&territory=59350")
			if f.ID != odBaseURL+"/feeds/practices.atom?territory=59350&theme=emploi" || !strings.Contains(f.Title, "Lille") {
				t.Errorf("filtered feed id %q, title %q", f.ID, f.Title)
			}
		})

		t.Run("bad filters", func(t *testing.T) {
			requireBadFilter(t, od.get(t, "/feeds/practices.atom?territory=atlantis&theme=cuisine&kind=poem"),
				map[string]string{"territory": "unknown", "theme": "unknown", "kind": "unknown"})
			requireBadFilter(t, od.get(t, "/feeds/practices.atom?colour=blue"), map[string]string{"colour": "unknown"})
			requireBadFilter(t, od.get(t, "/feeds/practices.atom?kind=tool&kind=experience"), map[string]string{"kind": "invalid"})
		})

		t.Run("conditional requests", func(t *testing.T) {
			etag := res.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			if again := od.get(t, "/feeds/practices.atom", "If-None-Match", etag); again.Status != http.StatusNotModified || len(again.Body) != 0 {
				t.Errorf("If-None-Match: %d", again.Status)
			}
		})
	})
}

func TestCSVExport(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		export := func(query string) [][]string {
			t.Helper()
			res := od.get(t, "/export/practices.csv"+query)
			if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("%s: %d %v: %s", query, res.Status, res.Header, res.Body)
			}
			body, ok := strings.CutPrefix(string(res.Body), "\uFEFF")
			if !ok {
				t.Fatal("no byte order mark")
			}
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		rows := export("")
		header := rows[0]
		for i, name := range strings.Split("id,url,kind,title,summary,territory,territory_name,themes,author,published_at", ",") {
			if header[i] != name {
				t.Fatalf("header = %v", header)
			}
		}
		if len(rows) != 1+len(od.Published) {
			t.Fatalf("%d rows, want a header and %d", len(rows), len(od.Published))
		}
		byTitle := map[string]map[string]string{}
		for _, row := range rows[1:] {
			m := map[string]string{}
			for i, h := range header {
				m[h] = row[i]
			}
			byTitle[m["title"]] = m
		}
		tool := byTitle["Jeu des métiers"]
		p := od.Published["Jeu des métiers"]
		if tool["id"] != fmt.Sprint(p.ID) || tool["url"] != fmt.Sprintf("%s/fiches/%d", odBaseURL, p.ID) || tool["kind"] != "tool" ||
			tool["territory"] != "qpv-moulins" || tool["territory_name"] != "Moulins" || tool["themes"] != "education" ||
			tool["author"] != od.World.MoulinsAuthor.Name || tool["tool_format"] != "game" || tool["tool_license"] != "CC-BY-4.0" ||
			tool["summary"] != "\u2060=1+1, un jeu" || tool["published_at"] != p.PublishedAt.UTC().Format("2006-01-02T15:04:05Z07:00") {
			t.Errorf("tool row = %v", tool)
		}
		exp := byTitle["Forum emploi à Lille"]
		if exp["experience_context"] == "" || exp["experience_partners"] != "Mission locale;France Travail" || exp["tool_format"] != "" {
			t.Errorf("experience row = %v", exp)
		}
		for _, h := range od.Hidden {
			if byTitle[h.Title] != nil {
				t.Errorf("%q is exported", h.Title)
			}
		}
		if got := export("?territory=59512&theme=emploi"); len(got) != 2 || got[1][3] != "Forum emploi à Roubaix" {
			t.Errorf("filtered export = %v", got)
		}
		if got := export("?territory=62"); len(got) != 1 {
			t.Errorf("empty export = %v, want the header alone", got)
		}
		requireBadFilter(t, od.get(t, "/export/practices.csv?theme=cuisine"), map[string]string{"theme": "unknown"})
		requireBadFilter(t, od.get(t, "/export/practices.csv?page=2"), map[string]string{"page": "unknown"})
	})
}

func TestSitemap(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		locs := func(path string) []string {
			t.Helper()
			res := od.get(t, path)
			if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "xml") {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			var set struct {
				XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
				Locs    []string `xml:"url>loc"`
			}
			if err := xml.Unmarshal(res.Body, &set); err != nil {
				t.Fatalf("%s: %v\n%s", path, err, res.Body)
			}
			return set.Locs
		}
		all := locs("/sitemap.xml")
		want := []string{odBaseURL + "/", odBaseURL + "/territoires/32", odBaseURL + "/territoires/qpv-moulins"}
		for _, p := range od.Published {
			want = append(want, fmt.Sprintf("%s/fiches/%d", odBaseURL, p.ID))
		}
		for _, w := range want {
			if !slices.Contains(all, w) {
				t.Errorf("sitemap lacks %s", w)
			}
		}
		for _, h := range od.Hidden {
			if slices.Contains(all, fmt.Sprintf("%s/fiches/%d", odBaseURL, h.ID)) {
				t.Errorf("sitemap lists unpublished %q", h.Title)
			}
		}
		if len(all) != sitemapPages+len(od.Published) {
			t.Errorf("%d URLs, want the home page, the browsing pages, 3 themes, 7 territories and %d practices", len(all), len(od.Published))
		}
		pages, practices := locs("/sitemaps/pages.xml"), locs("/sitemaps/practices-1.xml")
		if len(pages) != sitemapPages || len(practices) != len(od.Published) {
			t.Errorf("split sitemaps: %d pages, %d practices", len(pages), len(practices))
		}
		if got := locs("/sitemaps/practices-2.xml"); len(got) != 0 {
			t.Errorf("second block = %v", got)
		}
		if res := od.get(t, "/sitemaps/practices-0.xml"); res.Status != http.StatusNotFound {
			t.Errorf("block 0: %d", res.Status)
		}
	})
}

func TestOAIEndpoint(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		type oaiDoc struct {
			Request string `xml:"request"`
			Errors  []struct {
				Code string `xml:"code,attr"`
			} `xml:"error"`
			BaseURL     string   `xml:"Identify>baseURL"`
			AdminEmail  string   `xml:"Identify>adminEmail"`
			Identifiers []string `xml:"ListRecords>record>header>identifier"`
			Token       *string  `xml:"ListRecords>resumptionToken"`
		}
		call := func(method, query string) *oaiDoc {
			t.Helper()
			var res *http.Response
			var err error
			if method == http.MethodPost {
				res, err = http.Post(od.URL+"/oai", "application/x-www-form-urlencoded", strings.NewReader(query))
			} else {
				res, err = http.Get(od.URL + "/oai?" + query)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/xml") {
				t.Fatalf("%s %s: %d %s", method, query, res.StatusCode, body)
			}
			testenv.ValidateXML(t, testenv.SchemaOAIDC, body)
			var d oaiDoc
			if err := xml.Unmarshal(body, &d); err != nil {
				t.Fatalf("%v\n%s", err, body)
			}
			return &d
		}
		id := call(http.MethodGet, "verb=Identify")
		if id.BaseURL != odBaseURL+"/oai" || id.Request != odBaseURL+"/oai" || id.AdminEmail == "" {
			t.Errorf("Identify: %+v", id)
		}
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			recs := call(method, "verb=ListRecords&metadataPrefix=oai_dc")
			// The published practices, and the archived one as a deleted
			// record.
			if len(recs.Identifiers) != len(od.Published)+1 || recs.Token != nil {
				t.Errorf("%s ListRecords: %v, token %v", method, recs.Identifiers, recs.Token)
			}
		}
		for query, want := range map[string]string{
			"verb=Nope": "badVerb",
			"verb=GetRecord&metadataPrefix=oai_dc&identifier=" + url.QueryEscape(fmt.Sprintf("oai:passerelle.example.org:practice/%d", od.Hidden[1].ID)): "idDoesNotExist",
			"verb=ListRecords&metadataPrefix=oai_dc&set=territory:62":                                                                                    "noRecordsMatch",
		} {
			if d := call(http.MethodGet, query); len(d.Errors) != 1 || d.Errors[0].Code != want {
				t.Errorf("%s: errors %+v, want %s", query, d.Errors, want)
			}
		}
	})
}

// TestOpenDataVolumes checks the bounds: a feed keeps the latest entries, the
// CSV export streams every practice exactly once across its internal pages,
// OAI-PMH answers in pages with a resumption token.
func TestOpenDataVolumes(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		od := newOpenData(t, dialect)
		ctx := context.Background()
		const extra = 1234
		// One statement: row by row, this would dominate the test's time.
		var values []string
		var args []any
		base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range extra {
			at := base.Add(time.Duration(i/3) * time.Second) // ties, three by three
			values = append(values, "('experience', ?, 'Résumé', '', '62193', ?, 'published', 1, ?, ?, ?)")
			args = append(args, fmt.Sprintf("Fiche %04d", i), od.World.LilleAuthor.ID, at, at, at)
		}
		err := od.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO practices (kind, title, summary, body, territory_code, author_id, status, version, "+
				"created_at, updated_at, published_at) VALUES "+strings.Join(values, ", "), args...); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO practice_themes (practice_id, theme_slug) SELECT id, 'emploi' FROM practices WHERE territory_code = '62193'")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		total := extra + len(od.Published)

		res := od.get(t, "/feeds/practices.atom?territory=62")
		var f feedDoc
		if err := xml.Unmarshal(res.Body, &f); err != nil || len(f.Entries) != 50 || f.Entries[0].Title != fmt.Sprintf("Fiche %04d", extra-1) {
			t.Errorf("feed: %v, %d entries", err, len(f.Entries))
		}

		res = od.get(t, "/export/practices.csv")
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(res.Body), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, row := range rows[1:] {
			if ids[row[0]] {
				t.Errorf("practice %s exported twice", row[0])
			}
			ids[row[0]] = true
		}
		if len(ids) != total {
			t.Errorf("%d practices exported, want %d", len(ids), total)
		}

		res = od.get(t, "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=territory:62")
		var page struct {
			Headers []string `xml:"ListIdentifiers>header>identifier"`
			Token   struct {
				Value string `xml:",chardata"`
				Size  int    `xml:"completeListSize,attr"`
			} `xml:"ListIdentifiers>resumptionToken"`
		}
		if err := xml.Unmarshal(res.Body, &page); err != nil || len(page.Headers) != 100 || page.Token.Value == "" || page.Token.Size != extra {
			t.Errorf("OAI first page: %v, %d headers, token %+v", err, len(page.Headers), page.Token)
		}

		var set struct {
			Locs []string `xml:"url>loc"`
		}
		if err := xml.Unmarshal(od.get(t, "/sitemap.xml").Body, &set); err != nil || len(set.Locs) != sitemapPages+total {
			t.Errorf("sitemap: %v, %d URLs, want %d", err, len(set.Locs), sitemapPages+total)
		}
	})
}
