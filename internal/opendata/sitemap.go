package opendata

import (
	"encoding/xml"
	"io"
	"time"
)

// NamespaceSitemap is the namespace of the sitemaps protocol
// (https://www.sitemaps.org/protocol.html).
const NamespaceSitemap = "http://www.sitemaps.org/schemas/sitemap/0.9"

// MaxSitemapURLs is the most URLs one sitemap may hold, by the protocol.
const MaxSitemapURLs = 50_000

// SitemapURL is one page of a sitemap.
type SitemapURL struct {
	Loc     string
	LastMod time.Time // zero: unknown
}

type sitemapURLXML struct {
	XMLName xml.Name `xml:"url"`
	Loc     string   `xml:"loc"`
	LastMod string   `xml:"lastmod,omitempty"`
}

type sitemapRefXML struct {
	XMLName xml.Name `xml:"sitemap"`
	Loc     string   `xml:"loc"`
}

// SitemapWriter streams a sitemap (a urlset) or a sitemap index, so that a
// large one never sits in memory.
type SitemapWriter struct {
	enc  *xml.Encoder
	root xml.StartElement
}

func newSitemapWriter(w io.Writer, root string) (*SitemapWriter, error) {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return nil, err
	}
	sw := &SitemapWriter{enc: xml.NewEncoder(w),
		root: xml.StartElement{Name: xml.Name{Local: root}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: NamespaceSitemap}}}}
	sw.enc.Indent("", " ")
	return sw, sw.enc.EncodeToken(sw.root)
}

// NewURLSet starts a sitemap of pages.
func NewURLSet(w io.Writer) (*SitemapWriter, error) { return newSitemapWriter(w, "urlset") }

// NewSitemapIndex starts an index of sitemaps.
func NewSitemapIndex(w io.Writer) (*SitemapWriter, error) { return newSitemapWriter(w, "sitemapindex") }

// URL adds a page to a urlset.
func (sw *SitemapWriter) URL(u SitemapURL) error {
	x := sitemapURLXML{Loc: u.Loc}
	if !u.LastMod.IsZero() {
		x.LastMod = u.LastMod.UTC().Format(time.RFC3339)
	}
	return sw.enc.Encode(x)
}

// Sitemap adds a sitemap to an index.
func (sw *SitemapWriter) Sitemap(loc string) error { return sw.enc.Encode(sitemapRefXML{Loc: loc}) }

// Close ends the document.
func (sw *SitemapWriter) Close() error {
	if err := sw.enc.EncodeToken(sw.root.End()); err != nil {
		return err
	}
	return sw.enc.Close()
}
