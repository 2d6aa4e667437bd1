package oai

import (
	_ "embed" // QDCSchema
	"encoding/xml"
	"time"
)

// Namespaces and schemas of the responses.
const (
	NamespaceOAI   = "http://www.openarchives.org/OAI/2.0/"
	NamespaceOAIDC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
	NamespaceDC    = "http://purl.org/dc/elements/1.1/"
	// NamespaceDCTerms is the namespace of the DCMI Metadata Terms.
	NamespaceDCTerms = "http://purl.org/dc/terms/"
	// NamespaceQDC is the namespace of the container of a qualified
	// Dublin Core description (the qdc format; schema QDCSchema).
	NamespaceQDC = "urn:passerelle:oai:qdc"
	namespaceXSI = "http://www.w3.org/2001/XMLSchema-instance"
	namespaceID  = "http://www.openarchives.org/OAI/2.0/oai-identifier"
	schemaOAI    = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
	schemaOAIDC  = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
	schemaID     = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
)

// Metadata is the description of an item in one metadata format: DC or
// QDC.
type Metadata interface {
	// element returns what encoding/xml writes as the record's metadata.
	element() any
}

// DC is a simple Dublin Core description (oai_dc): every element may repeat.
type DC struct {
	Title, Creator, Subject, Description, Publisher, Contributor, Date, Type,
	Format, Identifier, Source, Language, Relation, Coverage, Rights []string
}

// Term is one property of the DCMI Metadata Terms in a qualified Dublin
// Core description.
type Term struct {
	Name   string // the term's local name: "title", "abstract", "issued", "spatial", …
	Value  string
	Scheme string // its encoding scheme in dcterms ("W3CDTF", "URI", "RFC5646", "DCMIType", "IMT", "Period"), or ""
	Lang   string // the language of a literal, or ""
}

// QDC is a qualified Dublin Core description (the qdc format): DCMI
// Metadata Terms, in order, each with its encoding scheme.
type QDC struct {
	// SchemaURL is where harvesters find the container's schema (QDCSchema,
	// served by the repository).
	SchemaURL string
	Terms     []Term
}

// Header is the header of a record.
type Header struct {
	Identifier string
	Datestamp  time.Time
	SetSpecs   []string
	// Deleted marks an item the repository no longer disseminates: its
	// record is this header alone, with status="deleted".
	Deleted bool
}

// Record is an item's header and its description in the format asked.
type Record struct {
	Header Header
	// Metadata is nil for a deleted record.
	Metadata Metadata
	// Position places the record in the lists, for resumption: usually
	// its full-precision datestamp and its key.
	Position Position
}

// Set is a set of the repository; sets whose spec has a colon are children of
// the set named by what precedes it.
type Set struct {
	Spec string
	Name string
}

type envelope struct {
	XMLName        xml.Name   `xml:"OAI-PMH"`
	Xmlns          string     `xml:"xmlns,attr"`
	XmlnsXSI       string     `xml:"xmlns:xsi,attr"`
	SchemaLocation string     `xml:"xsi:schemaLocation,attr"`
	ResponseDate   string     `xml:"responseDate"`
	Request        requestXML `xml:"request"`
	Errors         []errorXML `xml:"error,omitempty"`

	Identify            *identifyXML        `xml:"Identify,omitempty"`
	ListMetadataFormats *metadataFormatsXML `xml:"ListMetadataFormats,omitempty"`
	ListSets            *listSetsXML        `xml:"ListSets,omitempty"`
	GetRecord           *getRecordXML       `xml:"GetRecord,omitempty"`
	ListIdentifiers     *listIdentifiersXML `xml:"ListIdentifiers,omitempty"`
	ListRecords         *listRecordsXML     `xml:"ListRecords,omitempty"`
}

type requestXML struct {
	Verb            string `xml:"verb,attr,omitempty"`
	Identifier      string `xml:"identifier,attr,omitempty"`
	MetadataPrefix  string `xml:"metadataPrefix,attr,omitempty"`
	From            string `xml:"from,attr,omitempty"`
	Until           string `xml:"until,attr,omitempty"`
	Set             string `xml:"set,attr,omitempty"`
	ResumptionToken string `xml:"resumptionToken,attr,omitempty"`
	BaseURL         string `xml:",chardata"`
}

type errorXML struct {
	Code    string `xml:"code,attr"`
	Message string `xml:",chardata"`
}

// DeletedRecord values of Identify.
const (
	DeletedNo         = "no"
	DeletedPersistent = "persistent"
	DeletedTransient  = "transient"
)

type identifyXML struct {
	RepositoryName    string           `xml:"repositoryName"`
	BaseURL           string           `xml:"baseURL"`
	ProtocolVersion   string           `xml:"protocolVersion"`
	AdminEmail        []string         `xml:"adminEmail"`
	EarliestDatestamp string           `xml:"earliestDatestamp"`
	DeletedRecord     string           `xml:"deletedRecord"`
	Granularity       string           `xml:"granularity"`
	Description       []descriptionXML `xml:"description,omitempty"`
}

type descriptionXML struct {
	Identifier *oaiIdentifierXML `xml:"oai-identifier"`
}

type oaiIdentifierXML struct {
	Xmlns                string `xml:"xmlns,attr"`
	XmlnsXSI             string `xml:"xmlns:xsi,attr"`
	SchemaLocation       string `xml:"xsi:schemaLocation,attr"`
	Scheme               string `xml:"scheme"`
	RepositoryIdentifier string `xml:"repositoryIdentifier"`
	Delimiter            string `xml:"delimiter"`
	SampleIdentifier     string `xml:"sampleIdentifier"`
}

type metadataFormatsXML struct {
	Formats []metadataFormatXML `xml:"metadataFormat"`
}

type metadataFormatXML struct {
	Prefix    string `xml:"metadataPrefix"`
	Schema    string `xml:"schema"`
	Namespace string `xml:"metadataNamespace"`
}

type listSetsXML struct {
	Sets  []setXML  `xml:"set"`
	Token *tokenXML `xml:"resumptionToken,omitempty"`
}

type setXML struct {
	Spec string `xml:"setSpec"`
	Name string `xml:"setName"`
}

type headerXML struct {
	Status     string   `xml:"status,attr,omitempty"`
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	SetSpecs   []string `xml:"setSpec"`
}

type recordXML struct {
	Header   headerXML    `xml:"header"`
	Metadata *metadataXML `xml:"metadata,omitempty"`
}

type metadataXML struct {
	Value any
}

type dcXML struct {
	XMLName        xml.Name `xml:"oai_dc:dc"`
	XmlnsOAIDC     string   `xml:"xmlns:oai_dc,attr"`
	XmlnsDC        string   `xml:"xmlns:dc,attr"`
	XmlnsXSI       string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
	Title          []string `xml:"dc:title"`
	Creator        []string `xml:"dc:creator"`
	Subject        []string `xml:"dc:subject"`
	Description    []string `xml:"dc:description"`
	Publisher      []string `xml:"dc:publisher"`
	Contributor    []string `xml:"dc:contributor"`
	Date           []string `xml:"dc:date"`
	Type           []string `xml:"dc:type"`
	Format         []string `xml:"dc:format"`
	Identifier     []string `xml:"dc:identifier"`
	Source         []string `xml:"dc:source"`
	Language       []string `xml:"dc:language"`
	Relation       []string `xml:"dc:relation"`
	Coverage       []string `xml:"dc:coverage"`
	Rights         []string `xml:"dc:rights"`
}

type getRecordXML struct {
	Record recordXML `xml:"record"`
}

type listIdentifiersXML struct {
	Headers []headerXML `xml:"header"`
	Token   *tokenXML   `xml:"resumptionToken,omitempty"`
}

type listRecordsXML struct {
	Records []recordXML `xml:"record"`
	Token   *tokenXML   `xml:"resumptionToken,omitempty"`
}

type tokenXML struct {
	CompleteListSize *int   `xml:"completeListSize,attr,omitempty"`
	Cursor           int    `xml:"cursor,attr"`
	Value            string `xml:",chardata"`
}

func headerToXML(h Header) headerXML {
	out := headerXML{Identifier: h.Identifier, Datestamp: FormatDatestamp(h.Datestamp), SetSpecs: h.SetSpecs}
	if h.Deleted {
		out.Status = "deleted"
	}
	return out
}

func recordToXML(r *Record) recordXML {
	out := recordXML{Header: headerToXML(r.Header)}
	if !r.Header.Deleted && r.Metadata != nil {
		out.Metadata = &metadataXML{Value: r.Metadata.element()}
	}
	return out
}

func (m DC) element() any {
	return dcXML{
		XmlnsOAIDC: NamespaceOAIDC, XmlnsDC: NamespaceDC, XmlnsXSI: namespaceXSI,
		SchemaLocation: NamespaceOAIDC + " " + schemaOAIDC,
		Title:          m.Title, Creator: m.Creator, Subject: m.Subject, Description: m.Description,
		Publisher: m.Publisher, Contributor: m.Contributor, Date: m.Date, Type: m.Type, Format: m.Format,
		Identifier: m.Identifier, Source: m.Source, Language: m.Language, Relation: m.Relation,
		Coverage: m.Coverage, Rights: m.Rights,
	}
}

// qdcXML is the container of a qualified Dublin Core description.
type qdcXML struct {
	XMLName        xml.Name `xml:"qdc:qualifieddc"`
	XmlnsQDC       string   `xml:"xmlns:qdc,attr"`
	XmlnsDCTerms   string   `xml:"xmlns:dcterms,attr"`
	XmlnsXSI       string   `xml:"xmlns:xsi,attr"`
	SchemaLocation string   `xml:"xsi:schemaLocation,attr,omitempty"`
	Terms          []termXML
}

type termXML struct {
	XMLName xml.Name
	Type    string `xml:"xsi:type,attr,omitempty"`
	Lang    string `xml:"xml:lang,attr,omitempty"`
	Value   string `xml:",chardata"`
}

func (m QDC) element() any {
	out := qdcXML{XmlnsQDC: NamespaceQDC, XmlnsDCTerms: NamespaceDCTerms, XmlnsXSI: namespaceXSI}
	if m.SchemaURL != "" {
		out.SchemaLocation = NamespaceQDC + " " + m.SchemaURL
	}
	for _, t := range m.Terms {
		x := termXML{XMLName: xml.Name{Local: "dcterms:" + t.Name}, Lang: t.Lang, Value: t.Value}
		if t.Scheme != "" {
			x.Type = "dcterms:" + t.Scheme
		}
		out.Terms = append(out.Terms, x)
	}
	return out
}

// QDCSchema is the XML schema of the container of qualified Dublin Core
// records (NamespaceQDC), which the repository serves so that harvesters can
// validate its qdc records; it imports DCMI's dcterms.xsd.
//
//go:embed qdc.xsd
var QDCSchema []byte
