package opendata_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

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
	last *oaiResponse // of the latest walk
}

func newHarvester(t *testing.T, c *catalogue, pageSize int) *harvester {
	site := &opendata.Site{BaseURL: "https://passerelle.example.org", Name: "Passerelle", Lang: "fr",
		Labels: map[string]string{"kind.tool": "Outil pédagogique", "format.game": "Jeu"}}
	repo := &opendata.Harvest{Service: c.Service, Site: site, AdminEmail: "documentation@passerelle.example.org"}
	srv := httptest.NewServer(oai.NewProvider(repo, oai.Options{BaseURL: site.URL("/oai"), PageSize: pageSize, Formats: repo.Formats()}))
	t.Cleanup(srv.Close)
	return &harvester{t: t, url: srv.URL, repo: repo}
}

// id returns the OAI identifier of a practice.
func (h *harvester) id(id int64) string {
	h.t.Helper()
	s, err := h.repo.Identifier(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

type oaiResponse struct {
	ResponseDate string `xml:"responseDate"`
	Identify     struct {
		AdminEmail    []string `xml:"adminEmail"`
		DeletedRecord string   `xml:"deletedRecord"`
		Earliest      string   `xml:"earliestDatestamp"`
		Repository    string   `xml:"description>oai-identifier>repositoryIdentifier"`
	} `xml:"Identify"`
	Errors []struct {
		Code string `xml:"code,attr"`
	} `xml:"error"`
	Records []dcEntry `xml:"ListRecords>record"`
	Headers []struct {
		Identifier string `xml:"identifier"`
	} `xml:"ListIdentifiers>header"`
	Token  *string  `xml:"ListRecords>resumptionToken"`
	Record *dcEntry `xml:"GetRecord>record"`
	Sets   []string `xml:"ListSets>set>setSpec"`
}

type entryHeader struct {
	Status     string   `xml:"status,attr"`
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	SetSpecs   []string `xml:"setSpec"`
}

type dcEntry struct {
	Hd          entryHeader `xml:"header"`
	Title       []string    `xml:"metadata>dc>title"`
	Creator     []string    `xml:"metadata>dc>creator"`
	Subject     []string    `xml:"metadata>dc>subject"`
	Type        []string    `xml:"metadata>dc>type"`
	Identifier2 []string    `xml:"metadata>dc>identifier"`
	Coverage    []string    `xml:"metadata>dc>coverage"`
	Rights      []string    `xml:"metadata>dc>rights"`
	Date        []string    `xml:"metadata>dc>date"`
	Abstract    []string    `xml:"metadata>qualifieddc>abstract"`
	Spatial     []string    `xml:"metadata>qualifieddc>spatial"`
	Issued      []string    `xml:"metadata>qualifieddc>issued"`
	License     []string    `xml:"metadata>qualifieddc>license"`
	QSubject    []string    `xml:"metadata>qualifieddc>subject"`
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
	// Every response, against the official schemas.
	schema := testenv.SchemaOAIDC
	if strings.Contains(string(body), oai.NamespaceQDC) {
		schema = testenv.SchemaOAIQDC
	}
	testenv.ValidateXML(h.t, schema, body)
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
		h.last = res
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
		archived := c.Hidden[0]

		t.Run("walks every record exactly once, the archived one as deleted", func(t *testing.T) {
			var late *passerelle.Practice
			pages := 0
			got := h.walk("metadataPrefix=oai_dc", func() {
				pages++
				if pages == 2 { // published while the walk is under way
					late = publish(t, c, c.World.RoubaixAuthor, c.World.NordMod, testenv.CompleteExperience("59512", "Publiée pendant la moisson"))
				}
			})
			seen, status := map[string]int{}, map[string]string{}
			for _, r := range got {
				seen[r.Hd.Identifier]++
				status[r.Hd.Identifier] = r.Hd.Status
				if (r.Hd.Status == "deleted") != (len(r.Title) == 0) {
					t.Errorf("%s: status %q with %d titles", r.Hd.Identifier, r.Hd.Status, len(r.Title))
				}
			}
			for id := range c.Published {
				if seen[h.id(id)] != 1 || status[h.id(id)] != "" {
					t.Errorf("practice %d harvested %d times, status %q", id, seen[h.id(id)], status[h.id(id)])
				}
			}
			if seen[h.id(archived)] != 1 || status[h.id(archived)] != "deleted" {
				t.Errorf("archived practice: harvested %d times, status %q; want once, deleted", seen[h.id(archived)], status[h.id(archived)])
			}
			for _, id := range c.Hidden[1:] {
				if seen[h.id(id)] != 0 {
					t.Errorf("never published practice %d harvested", id)
				}
			}
			if len(got) != len(c.Published)+1 || late == nil || got[len(got)-1].Hd.Identifier != h.id(late.ID) {
				t.Errorf("harvested %d records (want %d), the late one last", len(got), len(c.Published)+1)
			}
			if !slices.IsSortedFunc(got, func(a, b dcEntry) int { return strings.Compare(a.Hd.Datestamp, b.Hd.Datestamp) }) {
				t.Error("records are not in datestamp order")
			}
		})

		t.Run("sets", func(t *testing.T) {
			count := func(set string) int { return len(h.walk("metadataPrefix=oai_dc&set="+set, nil)) }
			lille, roubaix := 1, 0 // the archived sheet is Lille's
			for _, p := range c.Published {
				switch p.TerritoryCode {
				case "59350", "qpv-moulins":
					lille++
				case "59512":
					roubaix++
				}
			}
			all := len(c.Published) + 1
			tests := []struct {
				set  string
				want int
			}{
				{"territory:59", lille + roubaix},
				{"territory:59350", lille},
				{"territory:qpv-moulins", 1},
				{"territory:62", 0},
				{"territory", all},
				{"theme:education", 1},
				{"theme:emploi", all - 1},
				{"kind:tool", 2},
				{"kind:experience", all - 2},
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
			mid := all[len(all)/2].Hd.Datestamp
			after := h.walk("metadataPrefix=oai_dc&from="+mid, nil)
			before := h.walk("metadataPrefix=oai_dc&until="+mid, nil)
			// Records changed within the same second are on both sides:
			// from and until are inclusive.
			if len(after) == 0 || len(before) == 0 || len(after)+len(before) < len(all) {
				t.Errorf("from %s: %d, until: %d, of %d", mid, len(after), len(before), len(all))
			}
			if got := h.errorCode("verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01"); got != oai.NoRecordsMatch {
				t.Errorf("future from: %s", got)
			}
			// The end of time, as harvesters write "no upper bound".
			for _, until := range []string{"9999-12-31", "9999-12-31T23:59:59Z"} {
				if got := h.walk("metadataPrefix=oai_dc&until="+until, nil); len(got) != len(all) {
					t.Errorf("until=%s: %d records, want %d", until, len(got), len(all))
				}
			}
		})

		t.Run("a record, in both formats", func(t *testing.T) {
			var tool *passerelle.Practice
			for _, p := range c.Published {
				if p.Kind == passerelle.KindTool && p.TerritoryCode == "qpv-moulins" {
					tool = p
				}
			}
			rec := h.get("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + url.QueryEscape(h.id(tool.ID))).Record
			if rec == nil {
				t.Fatal("no record")
			}
			wantSets := []string{"territory:32", "territory:59", "territory:59350", "territory:qpv-moulins", "theme:education", "theme:emploi", "kind:tool"}
			if !slices.Equal(rec.Hd.SetSpecs, wantSets) {
				t.Errorf("setSpecs = %v, want %v", rec.Hd.SetSpecs, wantSets)
			}
			if !slices.Equal(rec.Title, []string{"Jeu des métiers"}) || !slices.Equal(rec.Creator, []string{c.World.MoulinsAuthor.Name}) ||
				!slices.Equal(rec.Subject, []string{"Éducation", "Emploi"}) || !slices.Equal(rec.Coverage, []string{"Moulins"}) ||
				!slices.Equal(rec.Rights, []string{"CC-BY-SA-4.0"}) || !slices.Contains(rec.Type, "InteractiveResource") ||
				!slices.Contains(rec.Type, "Outil pédagogique") ||
				!slices.Equal(rec.Identifier2, []string{fmt.Sprintf("https://passerelle.example.org/fiches/%d", tool.ID)}) {
				t.Errorf("record = %+v", rec)
			}
			stored, err := c.Service.Record(ctx, tool.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Hd.Datestamp != oai.FormatDatestamp(*stored.PublicChangedAt) {
				t.Errorf("datestamp %s, want the last public change %s", rec.Hd.Datestamp, stored.PublicChangedAt)
			}
			q := h.get("verb=GetRecord&metadataPrefix=qdc&identifier=" + url.QueryEscape(h.id(tool.ID))).Record
			if q == nil {
				t.Fatal("no qdc record")
			}
			if !slices.Equal(q.Abstract, []string{tool.Summary}) || !slices.Equal(q.QSubject, []string{"Éducation", "Emploi"}) ||
				!slices.Equal(q.Spatial, []string{"Moulins", "Lille", "Nord", "Hauts-de-France"}) ||
				!slices.Equal(q.License, []string{"https://spdx.org/licenses/CC-BY-SA-4.0.html"}) || len(q.Issued) != 1 {
				t.Errorf("qdc record = %+v", q)
			}
			formats := h.get("verb=ListMetadataFormats&identifier=" + url.QueryEscape(h.id(tool.ID)))
			if len(formats.Errors) > 0 {
				t.Errorf("ListMetadataFormats: %+v", formats.Errors)
			}
			if got := h.walk("metadataPrefix=qdc", nil); len(got) != len(c.Published)+1 {
				t.Errorf("qdc harvest: %d records", len(got))
			}
		})

		t.Run("errors", func(t *testing.T) {
			tests := []struct{ query, want string }{
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:passerelle.example.org:practice/999999", oai.IDDoesNotExist},
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=" + h.id(c.Hidden[1]), oai.IDDoesNotExist},
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=" + h.id(c.Hidden[2]), oai.IDDoesNotExist},
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere.org:practice/1", oai.IDDoesNotExist},
				{"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:passerelle.example.org:practice/01", oai.IDDoesNotExist},
				{"verb=GetRecord&metadataPrefix=marc21&identifier=" + h.id(archived), oai.CannotDisseminateFormat},
				{"verb=Harvest", oai.BadVerb},
				{"verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc", oai.BadArgument},
				{"verb=ListRecords&resumptionToken=abc", oai.BadResumptionToken},
			}
			for _, tt := range tests {
				if got := h.errorCode(tt.query); got != tt.want {
					t.Errorf("%s → %s, want %s", tt.query, got, tt.want)
				}
			}
			rec := h.get("verb=GetRecord&metadataPrefix=oai_dc&identifier=" + h.id(archived)).Record
			if rec == nil || rec.Hd.Status != "deleted" || len(rec.Title) != 0 {
				t.Errorf("archived practice's record = %+v, want a deleted header", rec)
			}
		})

		t.Run("identify", func(t *testing.T) {
			earliest, ok, err := c.Service.EarliestRecord(ctx)
			if err != nil || !ok {
				t.Fatal(err)
			}
			res := h.get("verb=Identify")
			if res.Identify.Earliest != oai.FormatDatestamp(earliest) || res.Identify.DeletedRecord != oai.DeletedPersistent ||
				!slices.Equal(res.Identify.AdminEmail, []string{"documentation@passerelle.example.org"}) ||
				res.Identify.Repository != "passerelle.example.org" {
				t.Errorf("Identify = %+v, earliest %s", res, res.Identify.Earliest)
			}
		})
	})
}

// TestOAIIncrementalHarvest is the harvest of a documentation centre that
// comes back after changes: a theme renamed (every record that names it), a
// sheet archived (now deleted) and another archived then restored (back,
// live). From the previous response's date it gets exactly those records,
// with the right statuses, and every response validates.
func TestOAIIncrementalHarvest(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		c := newCatalogue(t, dialect)
		h := newHarvester(t, c, 2)
		ctx := context.Background()
		// The catalogue as harvested long ago.
		if _, err := c.DB.Bun.NewRaw("UPDATE practices SET public_changed_at = ? WHERE public_changed_at IS NOT NULL",
			time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		full := h.walk("metadataPrefix=oai_dc", nil)
		since := h.last.ResponseDate
		if len(full) != len(c.Published)+1 {
			t.Fatalf("full harvest: %d records", len(full))
		}
		if got := h.errorCode("verb=ListIdentifiers&metadataPrefix=oai_dc&from=" + since); got != oai.NoRecordsMatch {
			t.Fatalf("nothing changed, yet from=%s gives %s", since, got)
		}

		var education, other []int64
		for id, p := range c.Published {
			if slices.Contains(p.Themes, "education") {
				education = append(education, id)
			} else if p.Kind == passerelle.KindExperience {
				other = append(other, id)
			}
		}
		slices.Sort(other)
		if len(education) != 1 || len(other) < 2 {
			t.Fatalf("catalogue: %d with education, %d others", len(education), len(other))
		}
		w := c.World
		if err := c.Service.RenameTheme(ctx, w.Admin, "education", "Éducation populaire"); err != nil {
			t.Fatal(err)
		}
		gone, back := other[0], other[1]
		for _, id := range []int64{gone, back} {
			if _, err := c.Service.Archive(ctx, w.NordMod, id, "Plus d'actualité."); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.Service.Unarchive(ctx, w.NordMod, back, "Toujours d'actualité."); err != nil {
			t.Fatal(err)
		}

		for _, prefix := range []string{"oai_dc", "qdc"} {
			got := h.walk("metadataPrefix="+prefix+"&from="+since, nil)
			status := map[string]string{}
			for _, r := range got {
				if _, dup := status[r.Hd.Identifier]; dup {
					t.Errorf("%s: %s listed twice", prefix, r.Hd.Identifier)
				}
				status[r.Hd.Identifier] = r.Hd.Status
			}
			want := map[string]string{h.id(education[0]): "", h.id(gone): "deleted", h.id(back): ""}
			if !maps.Equal(status, want) {
				t.Errorf("%s: incremental harvest = %v, want %v", prefix, status, want)
			}
			for _, r := range got {
				if r.Hd.Identifier == h.id(education[0]) && !slices.Contains(append(r.Subject, r.QSubject...), "Éducation populaire") {
					t.Errorf("%s: renamed theme not in %+v", prefix, r)
				}
				if r.Hd.Datestamp < since {
					t.Errorf("%s: datestamp %s before from=%s", prefix, r.Hd.Datestamp, since)
				}
			}
		}
	})
}
