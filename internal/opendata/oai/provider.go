package oai

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound is what a Repository returns for an identifier it does not
// hold.
var ErrNotFound = errors.New("oai: no such item")

// Identity describes the repository for Identify.
type Identity struct {
	Name        string
	AdminEmails []string
	// Earliest is the earliest datestamp of the repository (any time when
	// it holds nothing yet).
	Earliest time.Time
	// RepositoryIdentifier, when set, is declared in an oai-identifier
	// description with SampleIdentifier: identifiers are then
	// oai:<RepositoryIdentifier>:<local part>.
	RepositoryIdentifier string
	SampleIdentifier     string
	// DeletedRecord is the repository's support for deleted records:
	// DeletedNo (the default), DeletedTransient or DeletedPersistent.
	DeletedRecord string
}

// Query selects records for ListIdentifiers and ListRecords.
type Query struct {
	// MetadataPrefix is the format of the records' metadata (one of
	// Options.Formats).
	MetadataPrefix string
	Set            string     // "" for every record; an unknown set matches nothing
	From, Until    *time.Time // From inclusive, Until exclusive
	After          *Position  // start after this position
	Limit          int        // the most records to return
}

// Repository is what a Provider serves. Lists are ordered by Record.Position
// ascending.
type Repository interface {
	Identify(ctx context.Context) (*Identity, error)
	// Sets returns every set of the repository, in any order.
	Sets(ctx context.Context) ([]Set, error)
	// List returns up to q.Limit records matching q.
	List(ctx context.Context, q Query) ([]Record, error)
	// Count returns how many records match q (q.After and q.Limit aside).
	Count(ctx context.Context, q Query) (int, error)
	// Get returns one record with its metadata in the format of prefix
	// (any format when prefix is ""), or ErrNotFound.
	Get(ctx context.Context, identifier, prefix string) (*Record, error)
}

// Clock is implemented by a repository whose changes become visible some time
// after they are datestamped (a database commit): Now waits until every
// change datestamped before the time it returns can be read, and returns
// that time, which dates the response. A harvester that resumes from a
// response's date then misses nothing that was being committed meanwhile.
type Clock interface {
	Now(ctx context.Context) (time.Time, error)
}

// Format is a metadata format the repository disseminates.
type Format struct {
	Prefix    string
	Schema    string // URL of its XML schema
	Namespace string // of its root element
}

// MetadataPrefixDC is the prefix of simple Dublin Core, which every
// repository serves.
const MetadataPrefixDC = "oai_dc"

// MetadataPrefixQDC is the prefix of qualified Dublin Core (QDC records).
const MetadataPrefixQDC = "qdc"

// FormatDC is simple Dublin Core.
var FormatDC = Format{Prefix: MetadataPrefixDC, Schema: schemaOAIDC, Namespace: NamespaceOAIDC}

// FormatQDC is qualified Dublin Core in the container whose schema, QDCSchema,
// the repository serves at schemaURL.
func FormatQDC(schemaURL string) Format {
	return Format{Prefix: MetadataPrefixQDC, Schema: schemaURL, Namespace: NamespaceQDC}
}

// Options tunes a Provider.
type Options struct {
	// BaseURL is the URL of the OAI-PMH endpoint itself (required).
	BaseURL string
	// Formats are the metadata formats served; [FormatDC] when empty.
	Formats []Format
	// PageSize is the number of records or identifiers per response;
	// DefaultPageSize when zero.
	PageSize int
	// SetsPageSize is the number of sets per ListSets response;
	// DefaultSetsPageSize when zero.
	SetsPageSize int
	// InternalError answers a request whose repository call failed; by
	// default a bare 500.
	InternalError func(w http.ResponseWriter, r *http.Request, err error)
	// Now returns the current time, for responseDate; time.Now by default.
	Now func() time.Time
}

// Default page sizes.
const (
	DefaultPageSize     = 100
	DefaultSetsPageSize = 500
)

// maxFormBody bounds the body of a POST request.
const maxFormBody = 64 << 10

// Provider serves a Repository over OAI-PMH 2.0, on GET and POST.
type Provider struct {
	repo Repository
	opts Options
}

// NewProvider returns a Provider of repo.
func NewProvider(repo Repository, opts Options) *Provider {
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.SetsPageSize <= 0 {
		opts.SetsPageSize = DefaultSetsPageSize
	}
	if opts.InternalError == nil {
		opts.InternalError = func(w http.ResponseWriter, _ *http.Request, _ error) {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if len(opts.Formats) == 0 {
		opts.Formats = []Format{FormatDC}
	}
	return &Provider{repo: repo, opts: opts}
}

// ServeHTTP answers one OAI-PMH request. Protocol errors are answered, as the
// protocol asks, with 200 and an error element; methods other than GET, HEAD
// and POST with 405.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	values, err := p.arguments(w, r)
	if err != nil {
		if errors.Is(err, errMethod) {
			w.Header().Set("Allow", "GET, HEAD, POST")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		p.write(w, r, &envelope{Request: requestXML{BaseURL: p.opts.BaseURL},
			Errors: []errorXML{{Code: BadArgument, Message: "The arguments could not be read."}}})
		return
	}
	env := &envelope{Request: requestXML{BaseURL: p.opts.BaseURL}}
	req, perr := Parse(values)
	if perr == nil {
		env.Request = echo(req, p.opts.BaseURL)
		var err error
		if env.ResponseDate, err = p.now(r.Context(), req); err != nil {
			p.opts.InternalError(w, r, err)
			return
		}
		if perr, err = p.answer(r.Context(), req, env); err != nil {
			p.opts.InternalError(w, r, err)
			return
		}
	}
	if perr != nil {
		if perr.Code == BadVerb || perr.Code == BadArgument {
			// The protocol asks for the bare base URL then, with no
			// attributes: the request was not understood.
			env.Request = requestXML{BaseURL: p.opts.BaseURL}
		}
		env.Errors = []errorXML{{Code: perr.Code, Message: perr.Message}}
		env.Identify, env.ListMetadataFormats, env.ListSets = nil, nil, nil
		env.GetRecord, env.ListIdentifiers, env.ListRecords = nil, nil, nil
	}
	p.write(w, r, env)
}

var errMethod = errors.New("oai: method not allowed")

// arguments returns the request's arguments: the query string of a GET, the
// form-encoded body of a POST. Malformed encodings are errors, not silently
// dropped pairs.
func (p *Provider) arguments(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return url.ParseQuery(r.URL.RawQuery)
	case http.MethodPost:
		ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || ct != "application/x-www-form-urlencoded" {
			return nil, errors.New("oai: POST needs application/x-www-form-urlencoded")
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxFormBody)); err != nil {
			return nil, err
		}
		return url.ParseQuery(buf.String())
	default:
		return nil, errMethod
	}
}

func echo(req *Request, baseURL string) requestXML {
	a := req.Args
	return requestXML{Verb: req.Verb, Identifier: a[argIdentifier], MetadataPrefix: a[argMetadataPrefix], From: a[argFrom],
		Until: a[argUntil], Set: a[argSet], ResumptionToken: a[argResumptionToken], BaseURL: baseURL}
}

// now dates the response to req: for the verbs that list or return records,
// the repository's Clock when it has one, so that the date is a safe point
// to resume from.
func (p *Provider) now(ctx context.Context, req *Request) (string, error) {
	if c, ok := p.repo.(Clock); ok {
		switch req.Verb {
		case VerbListRecords, VerbListIdentifiers, VerbGetRecord:
			t, err := c.Now(ctx)
			if err != nil {
				return "", err
			}
			return FormatDatestamp(t), nil
		}
	}
	return FormatDatestamp(p.opts.Now()), nil
}

// format returns the served format of prefix.
func (p *Provider) format(prefix string) (Format, bool) {
	for _, f := range p.opts.Formats {
		if f.Prefix == prefix {
			return f, true
		}
	}
	return Format{}, false
}

func (p *Provider) write(w http.ResponseWriter, r *http.Request, env *envelope) {
	env.Xmlns, env.XmlnsXSI = NamespaceOAI, namespaceXSI
	env.SchemaLocation = NamespaceOAI + " " + schemaOAI
	if env.ResponseDate == "" {
		env.ResponseDate = FormatDatestamp(p.opts.Now())
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(env); err != nil {
		p.opts.InternalError(w, r, err)
		return
	}
	buf.WriteByte('\n')
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// answer fills env for a well-formed request. It returns a protocol error, or
// an internal error from the repository.
func (p *Provider) answer(ctx context.Context, req *Request, env *envelope) (*Error, error) {
	if _, ok := p.format(req.MetadataPrefix); req.MetadataPrefix != "" && !ok {
		prefixes := make([]string, len(p.opts.Formats))
		for i, f := range p.opts.Formats {
			prefixes[i] = f.Prefix
		}
		return errorf(CannotDisseminateFormat, "The metadata format %q is not supported by this repository; use one of %s.",
			req.MetadataPrefix, strings.Join(prefixes, ", ")), nil
	}
	switch req.Verb {
	case VerbIdentify:
		id, err := p.repo.Identify(ctx)
		if err != nil {
			return nil, err
		}
		env.Identify = identify(id, p.opts.BaseURL)
	case VerbListMetadataFormats:
		if req.Identifier != "" {
			if _, err := p.repo.Get(ctx, req.Identifier, ""); errors.Is(err, ErrNotFound) {
				return errorf(IDDoesNotExist, "No item has the identifier %q.", req.Identifier), nil
			} else if err != nil {
				return nil, err
			}
		}
		out := &metadataFormatsXML{}
		for _, f := range p.opts.Formats {
			out.Formats = append(out.Formats, metadataFormatXML(f))
		}
		env.ListMetadataFormats = out
	case VerbListSets:
		return p.listSets(ctx, req, env)
	case VerbGetRecord:
		rec, err := p.repo.Get(ctx, req.Identifier, req.MetadataPrefix)
		if errors.Is(err, ErrNotFound) {
			return errorf(IDDoesNotExist, "No item has the identifier %q.", req.Identifier), nil
		} else if err != nil {
			return nil, err
		}
		env.GetRecord = &getRecordXML{Record: recordToXML(rec)}
	case VerbListIdentifiers, VerbListRecords:
		return p.list(ctx, req, env)
	}
	return nil, nil
}

func identify(id *Identity, baseURL string) *identifyXML {
	out := &identifyXML{RepositoryName: id.Name, BaseURL: baseURL, ProtocolVersion: "2.0", AdminEmail: id.AdminEmails,
		EarliestDatestamp: FormatDatestamp(id.Earliest), DeletedRecord: id.DeletedRecord, Granularity: "YYYY-MM-DDThh:mm:ssZ"}
	if out.DeletedRecord == "" {
		out.DeletedRecord = DeletedNo
	}
	if id.RepositoryIdentifier != "" {
		out.Description = append(out.Description, descriptionXML{Identifier: &oaiIdentifierXML{
			Xmlns: namespaceID, XmlnsXSI: namespaceXSI, SchemaLocation: namespaceID + " " + schemaID,
			Scheme: "oai", RepositoryIdentifier: id.RepositoryIdentifier, Delimiter: ":", SampleIdentifier: id.SampleIdentifier}})
	}
	return out
}

func (p *Provider) listSets(ctx context.Context, req *Request, env *envelope) (*Error, error) {
	sets, err := p.repo.Sets(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(sets, func(a, b Set) int { return strings.Compare(a.Spec, b.Spec) })
	start, cursor := 0, 0
	if t := req.Token; t != nil {
		start, _ = slices.BinarySearchFunc(sets, t.AfterSet, func(s Set, spec string) int { return strings.Compare(s.Spec, spec) })
		for start < len(sets) && sets[start].Spec <= t.AfterSet {
			start++
		}
		cursor = t.Cursor
	}
	end := min(start+p.opts.SetsPageSize, len(sets))
	out := &listSetsXML{}
	for _, s := range sets[start:end] {
		out.Sets = append(out.Sets, setXML(s))
	}
	if len(out.Sets) == 0 {
		if req.Token != nil {
			return errorf(BadResumptionToken, "The resumption token no longer matches the list of sets."), nil
		}
		return errorf(NoSetHierarchy, "This repository has no sets."), nil
	}
	total := len(sets)
	switch {
	case end < len(sets):
		next := &Token{Kind: tokenSets, AfterSet: sets[end-1].Spec, Cursor: cursor + (end - start)}
		out.Token = &tokenXML{Value: next.Encode(), Cursor: cursor, CompleteListSize: &total}
	case req.Token != nil:
		out.Token = &tokenXML{Cursor: cursor, CompleteListSize: &total}
	}
	env.ListSets = out
	return nil, nil
}

func (p *Provider) list(ctx context.Context, req *Request, env *envelope) (*Error, error) {
	q := Query{MetadataPrefix: req.MetadataPrefix, Set: req.Set, From: req.From, Until: req.Until, Limit: p.opts.PageSize + 1}
	cursor := 0
	if t := req.Token; t != nil {
		after := t.After
		q.After, cursor = &after, t.Cursor
	}
	recs, err := p.repo.List(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return errorf(NoRecordsMatch, "No record matches the arguments."), nil
	}
	var token *tokenXML
	if len(recs) > p.opts.PageSize || req.Token != nil {
		q.After = nil
		total, err := p.repo.Count(ctx, q)
		if err != nil {
			return nil, err
		}
		token = &tokenXML{Cursor: cursor, CompleteListSize: &total}
		if len(recs) > p.opts.PageSize {
			recs = recs[:p.opts.PageSize]
			next := &Token{Kind: tokenRecords, MetadataPrefix: req.MetadataPrefix, Set: req.Set, From: req.From, Until: req.Until,
				After: recs[len(recs)-1].Position, Cursor: cursor + len(recs)}
			token.Value = next.Encode()
		}
	}
	if req.Verb == VerbListIdentifiers {
		out := &listIdentifiersXML{Token: token}
		for i := range recs {
			out.Headers = append(out.Headers, headerToXML(recs[i].Header))
		}
		env.ListIdentifiers = out
		return nil, nil
	}
	out := &listRecordsXML{Token: token}
	for i := range recs {
		out.Records = append(out.Records, recordToXML(&recs[i]))
	}
	env.ListRecords = out
	return nil, nil
}
