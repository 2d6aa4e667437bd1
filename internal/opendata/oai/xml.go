package oai

import (
	"encoding/xml"
	"time"
)

// Namespaces and schemas of the responses.
const (
	NamespaceOAI   = "http://www.openarchives.org/OAI/2.0/"
	NamespaceOAIDC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
	NamespaceDC    = "http://purl.org/dc/elements/1.1/"
	namespaceXSI   = "http://www.w3.org/2001/XMLSchema-instance"
	namespaceID    = "http://www.openarchives.org/OAI/2.0/oai-identifier"
	schemaOAI      = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
	schemaOAIDC    = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
	schemaID       = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
)

// DC is a simple Dublin Core description (oai_dc): every element may repeat.
type DC struct {
	Title, Creator, Subject, Description, Publisher, Contributor, Date, Type,
	Format, Identifier, Source, Language, Relation, Coverage, Rights []string
}

// Header is the header of a record.
type Header struct {
	Identifier string
	Datestamp  time.Time
	SetSpecs   []string
}

// Record is an item's header and its Dublin Core description.
type Record struct {
	Header   Header
	Metadata DC
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
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	SetSpecs   []string `xml:"setSpec"`
}

type recordXML struct {
	Header   headerXML   `xml:"header"`
	Metadata metadataXML `xml:"metadata"`
}

type metadataXML struct {
	DC dcXML `xml:"oai_dc:dc"`
}

type dcXML struct {
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
	return headerXML{Identifier: h.Identifier, Datestamp: FormatDatestamp(h.Datestamp), SetSpecs: h.SetSpecs}
}

func recordToXML(r *Record) recordXML {
	m := r.Metadata
	return recordXML{Header: headerToXML(r.Header), Metadata: metadataXML{DC: dcXML{
		XmlnsOAIDC: NamespaceOAIDC, XmlnsDC: NamespaceDC, XmlnsXSI: namespaceXSI,
		SchemaLocation: NamespaceOAIDC + " " + schemaOAIDC,
		Title:          m.Title, Creator: m.Creator, Subject: m.Subject, Description: m.Description,
		Publisher: m.Publisher, Contributor: m.Contributor, Date: m.Date, Type: m.Type, Format: m.Format,
		Identifier: m.Identifier, Source: m.Source, Language: m.Language, Relation: m.Relation,
		Coverage: m.Coverage, Rights: m.Rights,
	}}}
}
