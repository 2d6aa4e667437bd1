package oai_test

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
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/opendata/oai"
)

// memory is a Repository in memory: records in (datestamp, key) order, each
// in set "even" or "odd" by its key.
type memory struct {
	mu      sync.Mutex
	records []oai.Record
}

func (m *memory) add(key int64, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	set := "odd"
	if key%2 == 0 {
		set = "even"
	}
	m.records = append(m.records, oai.Record{
		Header:   oai.Header{Identifier: fmt.Sprintf("oai:example.org:item/%d", key), Datestamp: at, SetSpecs: []string{"parity:" + set}},
		Metadata: oai.DC{Title: []string{fmt.Sprintf("Item %d <&>", key)}, Creator: []string{"Awa"}},
		Position: oai.Position{Datestamp: at, Key: key},
	})
	slices.SortFunc(m.records, func(a, b oai.Record) int {
		if c := a.Position.Datestamp.Compare(b.Position.Datestamp); c != 0 {
			return c
		}
		return int(a.Position.Key - b.Position.Key)
	})
}

func (m *memory) Identify(context.Context) (*oai.Identity, error) {
	return &oai.Identity{Name: "Test", AdminEmails: []string{"admin@example.org"}, Earliest: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		RepositoryIdentifier: "example.org", SampleIdentifier: "oai:example.org:item/1"}, nil
}

func (m *memory) Sets(context.Context) ([]oai.Set, error) {
	sets := []oai.Set{{Spec: "parity", Name: "Parity"}, {Spec: "parity:odd", Name: "Odd"}, {Spec: "parity:even", Name: "Even"}}
	for i := range 7 {
		sets = append(sets, oai.Set{Spec: fmt.Sprintf("extra:%d", i), Name: fmt.Sprintf("Extra %d", i)})
	}
	return sets, nil
}

func (m *memory) match(q oai.Query, r oai.Record) bool {
	if q.Set != "" && q.Set != "parity" && !slices.Contains(r.Header.SetSpecs, q.Set) {
		return false
	}
	if q.From != nil && r.Header.Datestamp.Before(*q.From) {
		return false
	}
	if q.Until != nil && !r.Header.Datestamp.Before(*q.Until) {
		return false
	}
	if a := q.After; a != nil {
		c := r.Position.Datestamp.Compare(a.Datestamp)
		if c < 0 || (c == 0 && r.Position.Key <= a.Key) {
			return false
		}
	}
	return true
}

func (m *memory) List(_ context.Context, q oai.Query) ([]oai.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []oai.Record
	for _, r := range m.records {
		if len(out) < q.Limit && m.match(q, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memory) Count(_ context.Context, q oai.Query) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, r := range m.records {
		if m.match(q, r) {
			n++
		}
	}
	return n, nil
}

func (m *memory) Get(_ context.Context, identifier, _ string) (*oai.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.records {
		if r.Header.Identifier == identifier {
			return &r, nil
		}
	}
	return nil, oai.ErrNotFound
}

// response is the part of an OAI-PMH response the tests read, parsed with
// namespaces as a harvester would.
type response struct {
	XMLName      xml.Name `xml:"http://www.openarchives.org/OAI/2.0/ OAI-PMH"`
	ResponseDate string   `xml:"responseDate"`
	Request      struct {
		Verb            string `xml:"verb,attr"`
		ResumptionToken string `xml:"resumptionToken,attr"`
		MetadataPrefix  string `xml:"metadataPrefix,attr"`
		URL             string `xml:",chardata"`
	} `xml:"request"`
	Errors []struct {
		Code    string `xml:"code,attr"`
		Message string `xml:",chardata"`
	} `xml:"error"`
	Identify *struct {
		RepositoryName    string   `xml:"repositoryName"`
		BaseURL           string   `xml:"baseURL"`
		ProtocolVersion   string   `xml:"protocolVersion"`
		AdminEmail        []string `xml:"adminEmail"`
		EarliestDatestamp string   `xml:"earliestDatestamp"`
		DeletedRecord     string   `xml:"deletedRecord"`
		Granularity       string   `xml:"granularity"`
		Repository        string   `xml:"description>oai-identifier>repositoryIdentifier"`
	} `xml:"Identify"`
	Formats []struct {
		Prefix string `xml:"metadataPrefix"`
	} `xml:"ListMetadataFormats>metadataFormat"`
	Sets struct {
		Sets []struct {
			Spec string `xml:"setSpec"`
		} `xml:"set"`
		Token *token `xml:"resumptionToken"`
	} `xml:"ListSets"`
	Identifiers struct {
		Headers []header `xml:"header"`
		Token   *token   `xml:"resumptionToken"`
	} `xml:"ListIdentifiers"`
	Records struct {
		Records []record `xml:"record"`
		Token   *token   `xml:"resumptionToken"`
	} `xml:"ListRecords"`
	GetRecord *record `xml:"GetRecord>record"`
}

type header struct {
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	SetSpecs   []string `xml:"setSpec"`
}

type record struct {
	Header header `xml:"header"`
	DC     struct {
		XMLName xml.Name `xml:"http://www.openarchives.org/OAI/2.0/oai_dc/ dc"`
		Title   []string `xml:"http://purl.org/dc/elements/1.1/ title"`
		Creator []string `xml:"http://purl.org/dc/elements/1.1/ creator"`
	} `xml:"metadata>dc"`
}

type token struct {
	Value            string `xml:",chardata"`
	Cursor           string `xml:"cursor,attr"`
	CompleteListSize string `xml:"completeListSize,attr"`
}

type fixture struct {
	t    *testing.T
	repo *memory
	url  string
}

const base = "http://example.org/oai"

func setup(t *testing.T, n int, pageSize int) *fixture {
	t.Helper()
	m := &memory{}
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		// Pairs of records share a datestamp, to the nanosecond.
		m.add(int64(i), start.Add(time.Duration((i-1)/2)*time.Hour+123456789))
	}
	p := oai.NewProvider(m, oai.Options{BaseURL: base, PageSize: pageSize, SetsPageSize: 4})
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return &fixture{t: t, repo: m, url: srv.URL}
}

// get sends the raw query string and parses the answer.
func (f *fixture) get(rawQuery string) *response {
	f.t.Helper()
	res, err := http.Get(f.url + "?" + rawQuery)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.read(res)
}

func (f *fixture) read(res *http.Response) *response {
	f.t.Helper()
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/xml") {
		f.t.Fatalf("status %d, type %q: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var out response
	if err := xml.Unmarshal(body, &out); err != nil {
		f.t.Fatalf("not OAI-PMH XML: %v\n%s", err, body)
	}
	if _, err := time.Parse("2006-01-02T15:04:05Z", out.ResponseDate); err != nil {
		f.t.Errorf("responseDate %q: %v", out.ResponseDate, err)
	}
	if out.Request.URL != base {
		f.t.Errorf("request element = %q, want the base URL", out.Request.URL)
	}
	return &out
}

func (f *fixture) errorCode(rawQuery string) string {
	f.t.Helper()
	res := f.get(rawQuery)
	if len(res.Errors) != 1 {
		f.t.Fatalf("%s: errors = %+v, want one", rawQuery, res.Errors)
	}
	return res.Errors[0].Code
}

func TestProtocolErrors(t *testing.T) {
	f := setup(t, 5, 2)
	first := f.get("verb=ListRecords&metadataPrefix=oai_dc").Records.Token.Value
	setsToken := f.get("verb=ListSets").Sets.Token.Value
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"no verb", "", oai.BadVerb},
		{"unknown verb", "verb=Frobnicate", oai.BadVerb},
		{"verb in the wrong case", "verb=identify", oai.BadVerb},
		{"repeated verb", "verb=Identify&verb=Identify", oai.BadVerb},
		{"argument Identify does not take", "verb=Identify&set=parity", oai.BadArgument},
		{"unknown argument", "verb=ListRecords&metadataPrefix=oai_dc&color=blue", oai.BadArgument},
		{"repeated argument", "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", oai.BadArgument},
		{"missing metadataPrefix", "verb=ListRecords", oai.BadArgument},
		{"missing identifier", "verb=GetRecord&metadataPrefix=oai_dc", oai.BadArgument},
		{"empty argument", "verb=ListRecords&metadataPrefix=oai_dc&set=", oai.BadArgument},
		{"malformed set", "verb=ListRecords&metadataPrefix=oai_dc&set=a%20b", oai.BadArgument},
		{"malformed from", "verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", oai.BadArgument},
		{"finer granularity", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T00:00:00.5Z", oai.BadArgument},
		{"date with a zone", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T00:00:00%2B01:00", oai.BadArgument},
		{"impossible date", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-30", oai.BadArgument},
		{"mixed granularities", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-02-01T00:00:00Z", oai.BadArgument},
		{"until before from", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01&until=2024-01-01", oai.BadArgument},
		{"token with other arguments", "verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=" + first, oai.BadArgument},
		{"token for a verb that takes none", "verb=GetRecord&resumptionToken=" + first, oai.BadArgument},
		{"malformed query string", "verb=Identify&%zz", oai.BadArgument},
		{"garbage token", "verb=ListRecords&resumptionToken=garbage", oai.BadResumptionToken},
		{"edited token", "verb=ListRecords&resumptionToken=" + first[:len(first)-2] + "AA", oai.BadResumptionToken},
		{"truncated token", "verb=ListRecords&resumptionToken=" + first[:10], oai.BadResumptionToken},
		{"sets token for records", "verb=ListRecords&resumptionToken=" + setsToken, oai.BadResumptionToken},
		{"records token for sets", "verb=ListSets&resumptionToken=" + first, oai.BadResumptionToken},
		{"unknown format", "verb=ListRecords&metadataPrefix=marc21", oai.CannotDisseminateFormat},
		{"unknown format for a record", "verb=GetRecord&metadataPrefix=marc21&identifier=oai:example.org:item/1", oai.CannotDisseminateFormat},
		{"unknown identifier", "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:example.org:item/999", oai.IDDoesNotExist},
		{"formats of an unknown identifier", "verb=ListMetadataFormats&identifier=oai:example.org:item/999", oai.IDDoesNotExist},
		{"empty range", "verb=ListRecords&metadataPrefix=oai_dc&from=2030-01-01", oai.NoRecordsMatch},
		{"unknown set", "verb=ListIdentifiers&metadataPrefix=oai_dc&set=nothing:here", oai.NoRecordsMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.errorCode(tt.query); got != tt.want {
				t.Errorf("%s → %s, want %s", tt.query, got, tt.want)
			}
		})
	}
	t.Run("request element is bare on badVerb and badArgument", func(t *testing.T) {
		res := f.get("verb=ListRecords&metadataPrefix=oai_dc&color=blue")
		if res.Request.Verb != "" || res.Request.MetadataPrefix != "" {
			t.Errorf("request element = %+v, want no attributes", res.Request)
		}
		res = f.get("verb=ListRecords&metadataPrefix=marc21")
		if res.Request.Verb != "ListRecords" || res.Request.MetadataPrefix != "marc21" {
			t.Errorf("request element = %+v, want the arguments echoed", res.Request)
		}
	})
}

func TestIdentifyAndFormats(t *testing.T) {
	f := setup(t, 3, 10)
	id := f.get("verb=Identify").Identify
	if id == nil || id.ProtocolVersion != "2.0" || id.BaseURL != base || id.Granularity != "YYYY-MM-DDThh:mm:ssZ" ||
		id.DeletedRecord != "no" || id.EarliestDatestamp != "2024-01-01T00:00:00Z" || len(id.AdminEmail) != 1 || id.Repository != "example.org" {
		t.Errorf("Identify = %+v", id)
	}
	for _, q := range []string{"verb=ListMetadataFormats", "verb=ListMetadataFormats&identifier=oai:example.org:item/2"} {
		if got := f.get(q).Formats; len(got) != 1 || got[0].Prefix != "oai_dc" {
			t.Errorf("%s: formats = %+v", q, got)
		}
	}
	rec := f.get("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:example.org:item/2").GetRecord
	if rec == nil || rec.Header.Identifier != "oai:example.org:item/2" || len(rec.DC.Title) != 1 || rec.DC.Title[0] != "Item 2 <&>" {
		t.Errorf("GetRecord = %+v", rec)
	}
}

func TestPost(t *testing.T) {
	f := setup(t, 3, 10)
	res, err := http.PostForm(f.url, url.Values{"verb": {"ListIdentifiers"}, "metadataPrefix": {"oai_dc"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.read(res).Identifiers.Headers; len(got) != 3 {
		t.Errorf("POST ListIdentifiers: %d headers, want 3", len(got))
	}
	req, _ := http.NewRequest(http.MethodPut, f.url+"?verb=Identify", nil)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT: status %d, want 405", res.StatusCode)
	}
}

// harvest walks a list verb to its end, as a harvester does, calling between
// each page.
func (f *fixture) harvest(first string, between func(page int)) (ids []string, tokens []*token) {
	f.t.Helper()
	query := first
	for page := 0; ; page++ {
		if page > 100 {
			f.t.Fatal("the harvest does not end")
		}
		res := f.get(query)
		if len(res.Errors) > 0 {
			f.t.Fatalf("%s: %+v", query, res.Errors)
		}
		var tok *token
		if res.Records.Records != nil {
			for _, r := range res.Records.Records {
				ids = append(ids, r.Header.Identifier)
			}
			tok = res.Records.Token
		} else {
			for _, h := range res.Identifiers.Headers {
				ids = append(ids, h.Identifier)
			}
			tok = res.Identifiers.Token
		}
		if tok == nil {
			return ids, tokens
		}
		tokens = append(tokens, tok)
		if tok.Value == "" {
			return ids, tokens
		}
		if between != nil {
			between(page)
		}
		query = "verb=" + res.Request.Verb + "&resumptionToken=" + url.QueryEscape(tok.Value)
		if res.Request.Verb == "" {
			query = "verb=ListRecords&resumptionToken=" + url.QueryEscape(tok.Value)
		}
	}
}

func TestHarvestWalksEveryRecordOnce(t *testing.T) {
	f := setup(t, 11, 3)
	added := 0
	ids, tokens := f.harvest("verb=ListRecords&metadataPrefix=oai_dc", func(page int) {
		// A record published during the walk comes last; the walk stays
		// exact.
		if page == 1 {
			f.repo.add(100, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
			added++
		}
	})
	if len(ids) != 11+added {
		t.Fatalf("harvested %d records, want %d: %v", len(ids), 11+added, ids)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("%s harvested twice", id)
		}
		seen[id] = true
	}
	if len(tokens) != 4 {
		t.Fatalf("%d resumption tokens, want 4 (pages of 3, and the empty last one)", len(tokens))
	}
	for i, tok := range tokens {
		if want := fmt.Sprint(i * 3); tok.Cursor != want {
			t.Errorf("page %d: cursor %s, want %s", i, tok.Cursor, want)
		}
	}
	if last := tokens[len(tokens)-1]; last.Value != "" || last.CompleteListSize != "12" {
		t.Errorf("last token = %+v, want empty with completeListSize 12", last)
	}
}

func TestHarvestSelective(t *testing.T) {
	f := setup(t, 10, 2)
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"set", "verb=ListIdentifiers&metadataPrefix=oai_dc&set=parity:even", 5},
		{"parent set", "verb=ListIdentifiers&metadataPrefix=oai_dc&set=parity", 10},
		// Records 1-2 at 10:00:00.12, 3-4 at 11:00:00.12, ...
		{"from, inclusive", "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2024-03-01T11:00:00Z", 8},
		{"until, inclusive of its second", "verb=ListIdentifiers&metadataPrefix=oai_dc&until=2024-03-01T11:00:00Z", 4},
		{"day range", "verb=ListIdentifiers&metadataPrefix=oai_dc&from=2024-03-01&until=2024-03-01", 10},
		{"range and set", "verb=ListRecords&metadataPrefix=oai_dc&from=2024-03-01T11:00:00Z&until=2024-03-01T12:59:59Z&set=parity:odd", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, _ := f.harvest(tt.query, nil)
			if len(ids) != tt.want {
				t.Errorf("%d records, want %d: %v", len(ids), tt.want, ids)
			}
		})
	}
}

func TestListSetsPages(t *testing.T) {
	f := setup(t, 1, 10)
	var specs []string
	query := "verb=ListSets"
	for range 10 {
		res := f.get(query)
		for _, s := range res.Sets.Sets {
			specs = append(specs, s.Spec)
		}
		if res.Sets.Token == nil || res.Sets.Token.Value == "" {
			break
		}
		query = "verb=ListSets&resumptionToken=" + url.QueryEscape(res.Sets.Token.Value)
	}
	if len(specs) != 10 || !slices.IsSorted(specs) {
		t.Errorf("sets = %v, want the 10 sets in order", specs)
	}
}

func TestTokenRoundTrip(t *testing.T) {
	from := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	in := &oai.Token{Kind: 'r', MetadataPrefix: "oai_dc", Set: "territory:59", From: &from,
		After: oai.Position{Datestamp: time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC), Key: 42}, Cursor: 300}
	out, err := oai.DecodeToken(in.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if out.Set != in.Set || !out.From.Equal(from) || out.Until != nil || !out.After.Datestamp.Equal(in.After.Datestamp) ||
		out.After.Key != 42 || out.Cursor != 300 || out.MetadataPrefix != "oai_dc" {
		t.Errorf("decoded %+v, want %+v", out, in)
	}
	if strings.ContainsAny(in.Encode(), "+/=&<>") {
		t.Errorf("token %q is not URL- and XML-safe", in.Encode())
	}
}
