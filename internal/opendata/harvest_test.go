package opendata_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/opendata"
	"github.com/passerelle/passerelle/internal/opendata/oai"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

func ptr[T any](v T) *T { return &v }

// catalogue is the application on a fresh database with World and a few
// practices in every state.
type catalogue struct {
	*testenv.Bundle
	World     *testenv.World
	Published map[int64]*passerelle.Practice
	Hidden    []int64 // drafts, submissions, archived
}

// publish creates a complete practice by author and has moderator approve it.
func publish(t *testing.T, c *catalogue, author, moderator *passerelle.User, in service.PracticeInput) *passerelle.Practice {
	t.Helper()
	ctx := context.Background()
	svc := c.Service
	p, err := svc.CreatePractice(ctx, author, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = svc.Submit(ctx, author, p.ID); err != nil {
		t.Fatal(err)
	}
	if p, err = svc.Decide(ctx, moderator, p.ID, "approve", ""); err != nil {
		t.Fatal(err)
	}
	c.Published[p.ID] = p
	return p
}

func toolInput(territory, title string, themes ...string) service.PracticeInput {
	kind := passerelle.KindTool
	return service.PracticeInput{Kind: &kind, Title: ptr(title), Summary: ptr("Un jeu de cartes pour parler des métiers."),
		Body: ptr("Règles du **jeu**."), Territory: ptr(territory), Themes: &themes,
		Tool: &service.ToolInput{Audience: &[]string{"collégiens"}, Format: ptr("game"), License: ptr("CC-BY-SA-4.0"), Duration: ptr("PT2H")}}
}

func newCatalogue(t *testing.T, dialect string) *catalogue {
	t.Helper()
	b := testenv.Setup(t, dialect, testenv.Options{})
	w := testenv.NewWorld(t, b)
	c := &catalogue{Bundle: b, World: w, Published: map[int64]*passerelle.Practice{}}
	ctx := context.Background()
	for i := range 4 {
		publish(t, c, w.LilleAuthor, w.NordMod, testenv.CompleteExperience("59350", fmt.Sprintf("Forum emploi %d", i)))
	}
	publish(t, c, w.MoulinsAuthor, w.NordMod, toolInput("qpv-moulins", "Jeu des métiers", "education", "emploi"))
	publish(t, c, w.RoubaixAuthor, w.RegionMod, toolInput("59512", "Kit égalité", "lutte-contre-les-discriminations"))
	archived := publish(t, c, w.LilleAuthor, w.NordMod, testenv.CompleteExperience("59350", "Ancienne fiche"))
	if _, err := b.Service.Archive(ctx, w.NordMod, archived.ID, "Obsolète."); err != nil {
		t.Fatal(err)
	}
	delete(c.Published, archived.ID)
	draft, err := b.Service.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Brouillon"))
	if err != nil {
		t.Fatal(err)
	}
	submitted, err := b.Service.CreatePractice(ctx, w.RoubaixAuthor, testenv.CompleteExperience("59512", "En relecture"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Service.Submit(ctx, w.RoubaixAuthor, submitted.ID); err != nil {
		t.Fatal(err)
	}
	c.Hidden = []int64{archived.ID, draft.ID, submitted.ID}
	return c
}

// harvester is an OAI-PMH client over a Provider of the catalogue.
type harvester struct {
	t    *testing.T
	url  string
	repo *opendata.Harvest
}

func newHarvester(t *testing.T, c *catalogue, pageSize int) *harvester {
	site := &opendata.Site{BaseURL: "https://passerelle.example.org", Name: "Passerelle", Lang: "fr",
		Labels: map[string]string{"kind.tool": "Outil pédagogique", "format.game": "Jeu"}}
	repo := &opendata.Harvest{Service: c.Service, Site: site, AdminEmail: "contact@passerelle.example.org"}
	srv := httptest.NewServer(oai.NewProvider(repo, oai.Options{BaseURL: site.URL("/oai"), PageSize: pageSize}))
	t.Cleanup(srv.Close)
	return &harvester{t: t, url: srv.URL, repo: repo}
}

type oaiResponse struct {
	Errors []struct {
		Code string `xml:"code,attr"`
	} `xml:"error"`
	Earliest string    `xml:"Identify>earliestDatestamp"`
	Records  []dcEntry `xml:"ListRecords>record"`
	Headers  []struct {
		Identifier string `xml:"identifier"`
	} `xml:"ListIdentifiers>header"`
	Token  *string  `xml:"ListRecords>resumptionToken"`
	Record *dcEntry `xml:"GetRecord>record"`
	Sets   []string `xml:"ListSets>set>setSpec"`
}

type dcEntry struct {
	Identifier  string   `xml:"header>identifier"`
	Datestamp   string   `xml:"header>datestamp"`
	SetSpecs    []string `xml:"header>setSpec"`
	Title       []string `xml:"metadata>dc>title"`
	Creator     []string `xml:"metadata>dc>creator"`
	Subject     []string `xml:"metadata>dc>subject"`
	Type        []string `xml:"metadata>dc>type"`
	Identifier2 []string `xml:"metadata>dc>identifier"`
	Coverage    []string `xml:"metadata>dc>coverage"`
	Rights      []string `xml:"metadata>dc>rights"`
	Date        []string `xml:"metadata>dc>date"`
}

func (h *harvester) get(query string) *oaiResponse {
	h.t.Helper()
	res, err := http.Get(h.url + "?" + query)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		h.t.Fatalf("%s: status %d: %s", query, res.StatusCode, body)
	}
	var out oaiResponse
	if err := xml.Unmarshal(body, &out); err != nil {
		h.t.Fatalf("%s: %v\n%s", query, err, body)
	}
	return &out
}

func (h *harvester) errorCode(query string) string {
	h.t.Helper()
	res := h.get(query)
	if len(res.Errors) != 1 {
		h.t.Fatalf("%s: errors %+v, want one", query, res.Errors)
	}
	return res.Errors[0].Code
}

// walk harvests ListRecords with args to the end, calling between after each
// page but the last.
func (h *harvester) walk(args string, between func()) []dcEntry {
	h.t.Helper()
	var out []dcEntry
	query := "verb=ListRecords&" + args
	for range 1000 {
		res := h.get(query)
		if len(res.Errors) > 0 {
			if res.Errors[0].Code == oai.NoRecordsMatch && out == nil {
				return nil
			}
			h.t.Fatalf("%s: %+v", query, res.Errors)
		}
		out = append(out, res.Records...)
		if res.Token == nil || *res.Token == "" {
			return out
		}
		if between != nil {
			between()
		}
		query = "verb=ListRecords&resumptionToken=" + url.QueryEscape(*res.Token)
	}
	h.t.Fatal("the harvest does not end")
	return nil
}

func TestOAIHarvest(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		c := newCatalogue(t, dialect)
		h := newHarvester(t, c, 2)
		ctx := context.Background()

		t.Run("walks every published practice exactly once", func(t *testing.T) {
			var late *passerelle.Practice
			pages := 0
			got := h.walk("metadataPrefix=oai_dc", func() {
				pages++
				if pages == 2 { // published while the walk is under way
					late = publish(t, c, c.World.RoubaixAuthor, c.World.NordMod, testenv.CompleteExperience("59512", "Publiée pendant la moisson"))
				}
			})
			seen := map[string]int{}
			for _, r := range got {
				seen[r.Identifier]++
			}
			for id := range c.Published {
				if seen[h.repo.Identifier(id)] != 1 {
					t.Errorf("practice %d harvested %d times", id, seen[h.repo.Identifier(id)])
				}
			}
			for _, id := range c.Hidden {
				if seen[h.repo.Identifier(id)] != 0 {
					t.Errorf("unpublished practice %d harvested", id)
				}
			}
			if len(got) != len(c.Published) || late == nil || got[len(got)-1].Identifier != h.repo.Identifier(late.ID) {
				t.Errorf("harvested %d records (want %d), the late one last", len(got), len(c.Published))
			}
			if !slices.IsSortedFunc(got, func(a, b dcEntry) int { return strings.Compare(a.Datestamp, b.Datestamp) }) {
				t.Error("records are not in datestamp order")
			}
		})

		t.Run("sets", func(t *testing.T) {
			count := func(set string) int { return len(h.walk("metadataPrefix=oai_dc&set="+set, nil)) }
			nord, lille, roubaix := 0, 0, 0
			for _, p := range c.Published {
				switch p.TerritoryCode {
				case "59350", "qpv-moulins":
					lille++
				case "59512":
					roubaix++
				}
			}
			nord = lille + roubaix
			tests := []struct {
				set  string
				want int
			}{
				{"territory:59", nord},
				{"territory:59350", lille},
				{"territory:qpv-moulins", 1},
				{"territory:62", 0},
				{"territory", len(c.Published)},
				{"theme:education", 1},
				{"theme:emploi", len(c.Published) - 1},
				{"kind:tool", 2},
				{"kind:experience", len(c.Published) - 2},
				{"territory:nowhere", 0},
				{"colour:blue", 0},
			}
			for _, tt := range tests {
				if got := count(tt.set); got != tt.want {
					t.Errorf("set %s: %d records, want %d", tt.set, got, tt.want)
				}
			}
			sets := h.get("verb=ListSets").Sets
			for _, want := range []string{"territory", "territory:32", "territory:qpv-moulins", "theme", "theme:emploi", "kind", "kind:tool"} {
				if !slices.Contains(sets, want) {
					t.Errorf("ListSets lacks %s: %v", want, sets)
				}
			}
		})

		t.Run("from and until", func(t *testing.T) {
			all := h.walk("metadataPrefix=oai_dc", nil)
			mid := all[len(all)/2].Datestamp
			after := h.walk("metadataPrefix=oai_dc&from="+mid, nil)
			before := h.walk("metadataPrefix=oai_dc&until="+mid, nil)
			// Practices published within the same second are on both
			// sides: from and until are inclusive.
			if len(after) == 0 || len(before) == 0 || len(after)+len(before) < len(all) {
				t.Errorf("from %s: %d, until: %d, of %d", mid, len(after), len(before), len(all))
			}
			if got := h.errorCode("verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01"); got != oai.NoRecordsMatch {
				t.Errorf("future from: %s", got)
			}
		})

		t.Run("a record", func(t *testing.T) {
			var tool *passerelle.Practice
			for _, p := range c.Published {
				if p.Kind == passerelle.KindTool && p.TerritoryCode == "qpv-moulins" {
					tool = p
				}
			}
			rec := h.get("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + url.QueryEscape(h.repo.Identifier(tool.ID))).Record
			if rec == nil {
				t.Fatal("no record")
			}
			wantSets := []string{"territory:32", "territory:59", "territory:59350", "territory:qpv-moulins", "theme:education", "theme:emploi", "kind:tool"}
			if !slices.Equal(rec.SetSpecs, wantSets) {
				t.Errorf("setSpecs = %v, want %v", rec.SetSpecs, wantSets)
			}
			if !slices.Equal(rec.Title, []string{"Jeu des métiers"}) || !slices.Equal(rec.Creator, []string{c.World.MoulinsAuthor.Name}) ||
				!slices.Equal(rec.Subject, []string{"Éducation", "Emploi"}) || !slices.Equal(rec.Coverage, []string{"Moulins"}) ||
				!slices.Equal(rec.Rights, []string{"CC-BY-SA-4.0"}) || !slices.Contains(rec.Type, "InteractiveResource") ||
				!slices.Contains(rec.Type, "Outil pédagogique") ||
				!slices.Equal(rec.Identifier2, []string{fmt.Sprintf("https://passerelle.example.org/fiches/%d", tool.ID)}) {
				t.Errorf("record = %+v", rec)
			}
			if rec.Datestamp != oai.FormatDatestamp(*tool.PublishedAt) {
				t.Errorf("datestamp %s, want the publication %s", rec.Datestamp, tool.PublishedAt)
			}
		})

		t.Run("errors", func(t *testing.T) {
			tests := []struct{ query, want string }{
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:passerelle.example.org:practice/999999", oai.IDDoesNotExist},
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=" + h.repo.Identifier(c.Hidden[0]), oai.IDDoesNotExist},
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=" + h.repo.Identifier(c.Hidden[1]), oai.IDDoesNotExist},
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere.org:practice/1", oai.IDDoesNotExist},
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:passerelle.example.org:practice/01", oai.IDDoesNotExist},
				{"verb=Harvest", oai.BadVerb},
				{"verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc", oai.BadArgument},
				{"verb=ListRecords&resumptionToken=abc", oai.BadResumptionToken},
			}
			for _, tt := range tests {
				if got := h.errorCode(tt.query); got != tt.want {
					t.Errorf("%s → %s, want %s", tt.query, got, tt.want)
				}
			}
		})

		t.Run("identify", func(t *testing.T) {
			earliest, ok, err := c.Service.EarliestPublication(ctx)
			if err != nil || !ok {
				t.Fatal(err)
			}
			if got := h.get("verb=Identify").Earliest; got != oai.FormatDatestamp(earliest) {
				t.Errorf("earliestDatestamp %s, want %s", got, oai.FormatDatestamp(earliest))
			}
		})
	})
}
