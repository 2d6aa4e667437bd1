// Package oai implements the repository side of OAI-PMH 2.0
// (https://www.openarchives.org/OAI/openarchivesprotocol.html): the six verbs,
// their arguments and errors exactly as the protocol defines them, opaque
// resumption tokens for keyset paging, and the XML responses with Dublin Core
// (oai_dc) metadata. It knows nothing of practices: a Repository supplies the
// records, and Provider serves them over HTTP.
package oai

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"
)

// The verbs of the protocol.
const (
	VerbIdentify            = "Identify"
	VerbListMetadataFormats = "ListMetadataFormats"
	VerbListSets            = "ListSets"
	VerbListIdentifiers     = "ListIdentifiers"
	VerbListRecords         = "ListRecords"
	VerbGetRecord           = "GetRecord"
)

// The error codes of the protocol (section 3.6).
const (
	BadArgument             = "badArgument"
	BadResumptionToken      = "badResumptionToken"
	BadVerb                 = "badVerb"
	CannotDisseminateFormat = "cannotDisseminateFormat"
	IDDoesNotExist          = "idDoesNotExist"
	NoRecordsMatch          = "noRecordsMatch"
	NoMetadataFormats       = "noMetadataFormats"
	NoSetHierarchy          = "noSetHierarchy"
)

// Error is a protocol error, answered inside a normal 200 response.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return "oai: " + e.Code + ": " + e.Message }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Argument names.
const (
	argVerb            = "verb"
	argIdentifier      = "identifier"
	argMetadataPrefix  = "metadataPrefix"
	argFrom            = "from"
	argUntil           = "until"
	argSet             = "set"
	argResumptionToken = "resumptionToken"
)

// verbArgs lists, per verb, its required and optional arguments, and whether
// it takes a resumption token (an exclusive argument).
var verbArgs = map[string]struct {
	required, optional []string
	resumable          bool
}{
	VerbIdentify:            {},
	VerbListMetadataFormats: {optional: []string{argIdentifier}},
	VerbListSets:            {resumable: true},
	VerbListIdentifiers:     {required: []string{argMetadataPrefix}, optional: []string{argFrom, argUntil, argSet}, resumable: true},
	VerbListRecords:         {required: []string{argMetadataPrefix}, optional: []string{argFrom, argUntil, argSet}, resumable: true},
	VerbGetRecord:           {required: []string{argIdentifier, argMetadataPrefix}},
}

// Request is a parsed, well-formed request.
type Request struct {
	Verb string
	// Args are the arguments as received (verb excluded), echoed in the
	// response's request element.
	Args           map[string]string
	Identifier     string
	MetadataPrefix string
	Set            string
	// From and Until bound the datestamps: From inclusive, Until exclusive
	// (the day or second named by the until argument is included).
	From, Until *time.Time
	// Token is the decoded resumption token, when one was sent.
	Token *Token
}

var (
	setSpecPattern = regexp.MustCompile(`^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$`)
	prefixPattern  = regexp.MustCompile(`^[A-Za-z0-9\-_.!~*'()]+$`)
	dayPattern     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	secondPattern  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
)

// maxArgLength bounds every argument value.
const maxArgLength = 1024

// Datestamp layouts: the repository's granularity is the second.
const (
	dayLayout    = "2006-01-02"
	secondLayout = "2006-01-02T15:04:05Z"
)

// FormatDatestamp writes t at the repository's granularity, in UTC.
func FormatDatestamp(t time.Time) string { return t.UTC().Format(secondLayout) }

// parseDate reads a from or until argument; second reports its granularity.
func parseDate(s string) (t time.Time, second bool, ok bool) {
	layout := dayLayout
	switch {
	case secondPattern.MatchString(s):
		layout, second = secondLayout, true
	case !dayPattern.MatchString(s):
		return time.Time{}, false, false
	}
	t, err := time.ParseInLocation(layout, s, time.UTC)
	return t, second, err == nil
}

// printable reports whether an argument is UTF-8 without control
// characters: nothing else can be echoed in the response's XML, nor looked
// up.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// Parse checks the arguments of a request against the protocol: a single
// legal verb (else badVerb); no illegal, repeated, missing or malformed
// argument, and a resumption token alone (else badArgument); a token that
// decodes (else badResumptionToken). It does not check that the metadata
// format is supported nor that an identifier or set exists.
func Parse(values url.Values) (*Request, *Error) {
	verbs := values[argVerb]
	switch {
	case len(verbs) == 0:
		return nil, errorf(BadVerb, "The verb argument is missing.")
	case len(verbs) > 1:
		return nil, errorf(BadVerb, "The verb argument is repeated.")
	}
	spec, ok := verbArgs[verbs[0]]
	if !ok {
		return nil, errorf(BadVerb, "Illegal OAI verb.")
	}
	req := &Request{Verb: verbs[0], Args: map[string]string{}}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if name == argVerb {
			continue
		}
		vals := values[name]
		legal := slices.Contains(spec.required, name) || slices.Contains(spec.optional, name) ||
			(spec.resumable && name == argResumptionToken)
		switch {
		case !legal:
			return nil, errorf(BadArgument, "Illegal argument %q for verb %s.", name, req.Verb)
		case len(vals) > 1:
			return nil, errorf(BadArgument, "The argument %q is repeated.", name)
		case vals[0] == "" || len(vals[0]) > maxArgLength || !printable(vals[0]):
			return nil, errorf(BadArgument, "The argument %q has an illegal value.", name)
		}
		req.Args[name] = vals[0]
	}
	if tok, ok := req.Args[argResumptionToken]; ok {
		if len(req.Args) > 1 {
			return nil, errorf(BadArgument, "The resumptionToken argument is exclusive.")
		}
		t, err := DecodeToken(tok)
		if err != nil {
			return nil, errorf(BadResumptionToken, "The resumption token is invalid or has expired.")
		}
		wantSets := req.Verb == VerbListSets
		if (t.Kind == tokenSets) != wantSets {
			return nil, errorf(BadResumptionToken, "The resumption token belongs to another verb.")
		}
		req.Token = t
		req.MetadataPrefix, req.Set, req.From, req.Until = t.MetadataPrefix, t.Set, t.From, t.Until
		return req, nil
	}
	for _, name := range spec.required {
		if _, ok := req.Args[name]; !ok {
			return nil, errorf(BadArgument, "The argument %q is required for verb %s.", name, req.Verb)
		}
	}
	req.Identifier = req.Args[argIdentifier]
	if p, ok := req.Args[argMetadataPrefix]; ok {
		if !prefixPattern.MatchString(p) {
			return nil, errorf(BadArgument, "The metadataPrefix argument has an illegal syntax.")
		}
		req.MetadataPrefix = p
	}
	if s, ok := req.Args[argSet]; ok {
		if !setSpecPattern.MatchString(s) {
			return nil, errorf(BadArgument, "The set argument has an illegal syntax.")
		}
		req.Set = s
	}
	if err := req.parseRange(); err != nil {
		return nil, err
	}
	return req, nil
}

func (req *Request) parseRange() *Error {
	rawFrom, hasFrom := req.Args[argFrom]
	rawUntil, hasUntil := req.Args[argUntil]
	var fromSecond, untilSecond bool
	if hasFrom {
		t, second, ok := parseDate(rawFrom)
		if !ok {
			return errorf(BadArgument, "The from argument is not a valid datestamp (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ).")
		}
		req.From, fromSecond = &t, second
	}
	if hasUntil {
		t, second, ok := parseDate(rawUntil)
		if !ok {
			return errorf(BadArgument, "The until argument is not a valid datestamp (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ).")
		}
		if hasFrom && second != fromSecond {
			return errorf(BadArgument, "The from and until arguments have different granularities.")
		}
		if hasFrom && t.Before(*req.From) {
			return errorf(BadArgument, "The until argument is earlier than the from argument.")
		}
		untilSecond = second
		end := t.AddDate(0, 0, 1)
		if untilSecond {
			end = t.Add(time.Second)
		}
		// The end of year 9999 (until=9999-12-31, a harvester's "no upper
		// bound") bounds nothing: leave it out rather than hand a
		// five-digit year to a database that compares dates as text.
		if end.Year() <= 9999 {
			req.Until = &end
		}
	}
	return nil
}
