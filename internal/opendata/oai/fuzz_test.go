package oai

import (
	"net/url"
	"slices"
	"testing"
)

var protocolErrors = []string{BadArgument, BadResumptionToken, BadVerb, CannotDisseminateFormat, IDDoesNotExist, NoRecordsMatch,
	NoMetadataFormats, NoSetHierarchy}

// FuzzParse: any query string a harvester sends is a request or one of the
// protocol's errors — never a panic, never both or neither.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"verb=Identify", "verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-01&until=2026-12-31",
		"verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-01T00:00:00Z&until=2026-12-31", "verb=ListRecords&resumptionToken=xyz",
		"verb=GetRecord&identifier=oai:passerelle.example:practice/1&metadataPrefix=qdc", "verb=Identify&verb=Identify", "verb=Nope",
		"verb=ListSets&set=%00", "verb=ListIdentifiers&metadataPrefix=oai_dc&from=9999-12-31", "verb=ListRecords&metadataPrefix=oai_dc&from=2026-13-01",
		"verb=ListRecords&metadataPrefix=oai_dc&set=territory:59&until=0000-01-01", "", "%ff=1", "verb=ListRecords&resumptionToken=&metadataPrefix=oai_dc"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		values, err := url.ParseQuery(raw)
		if err != nil {
			return // the provider answers badArgument before Parse
		}
		req, perr := Parse(values)
		switch {
		case req == nil && perr == nil, req != nil && perr != nil:
			t.Fatalf("Parse(%q) = %v, %v", raw, req, perr)
		case perr != nil && !slices.Contains(protocolErrors, perr.Code):
			t.Fatalf("Parse(%q): unknown error code %q", raw, perr.Code)
		}
	})
}

// FuzzDecodeToken: any resumption token decodes or is refused; one that
// decodes encodes back to a token that decodes the same.
func FuzzDecodeToken(f *testing.F) {
	f.Add("")
	f.Add("not a token")
	f.Add((&Token{}).Encode())
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := DecodeToken(s)
		if err != nil {
			return
		}
		again, err := DecodeToken(tok.Encode())
		if err != nil || again.Encode() != tok.Encode() {
			t.Fatalf("DecodeToken(%q) = %+v, which does not survive a round trip: %+v, %v", s, tok, again, err)
		}
	})
}
