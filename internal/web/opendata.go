package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/opendata"
	"github.com/passerelle/passerelle/internal/opendata/oai"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/view"
)

// Open data: the catalogue of published practices for machines — Atom feeds,
// CSV export, sitemaps, OAI-PMH and the OpenAPI description of the API. Every
// route here is public and shows published practices only; bad filter values
// are answered with the contract's JSON error, naming them.

// Bounds of the open-data answers.
const (
	// feedSize is the number of entries of an Atom feed: the latest ones.
	feedSize = 50
	// exportPage is the number of practices read per query while streaming
	// the CSV export.
	exportPage = 500
	// maxExportRows bounds the CSV export, far above the catalogue's
	// expected size.
	maxExportRows = 200_000
	// sitemapChunk is the size of the blocks of ids that split the
	// practices' sitemaps when the catalogue outgrows one sitemap.
	sitemapChunk = 40_000
	// publicMaxAge lets caches and feed readers keep an answer for a while.
	publicMaxAge = "public, max-age=300"
)

// oaiEndpoint is the OAI-PMH endpoint of the site: every practice ever
// published, with the identity the operator configured.
func (s *Server) oaiEndpoint(site *opendata.Site) http.HandlerFunc {
	harvest := &opendata.Harvest{Service: s.svc, Site: site, AdminEmail: s.opts.OAIAdminEmail, RepositoryID: s.opts.OAIRepositoryID}
	if harvest.AdminEmail == "" {
		harvest.AdminEmail = adminEmail(site.BaseURL)
	}
	provider := oai.NewProvider(harvest, oai.Options{BaseURL: site.URL("/oai"), Formats: harvest.Formats(), InternalError: s.apiError})
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		provider.ServeHTTP(w, r)
	}
}

// qdcSchema serves the schema of the qdc records' container.
func qdcSchema(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/xml; charset=utf-8")
	h.Set("Cache-Control", publicMaxAge)
	h.Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(oai.QDCSchema)
}

// openDataSite describes the site for the documents, in the catalogue's
// language (French): its name, description and the labels of its
// vocabulary, from the locale files.
func (s *Server) openDataSite() *opendata.Site {
	site := &opendata.Site{BaseURL: strings.TrimRight(s.opts.BaseURL, "/"), Name: "Passerelle", Lang: "fr", Labels: map[string]string{}}
	if s.view == nil {
		return site
	}
	tr := s.view.Catalog().Translator(site.Lang)
	label := func(key string) string {
		if tr.Has(key) {
			return tr.T(key)
		}
		return ""
	}
	if n := label("site.name"); n != "" {
		site.Name = n
	}
	site.Description = label("site.description")
	for name, key := range map[string]string{"territories": "nav.territories", "themes": "practice.themes", "kinds": "form.kind",
		"kind.experience": "kind.experience", "kind.tool": "kind.tool"} {
		site.Labels[name] = label(key)
	}
	for _, f := range passerelle.Formats {
		site.Labels["format."+f] = label("format." + f)
	}
	return site
}

// adminEmail is the contact declared to harvesters when none is configured
// (the command line always configures one: --oai-admin-email, or the
// address of --mail-from).
func adminEmail(baseURL string) string {
	host := "localhost"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "contact@" + host
}

// filterParams reads the filters of a feed or an export, and the extra
// parameters that route accepts. Unknown parameters and repeated ones are
// validation errors naming them.
func filterParams(r *http.Request, extra ...string) (territory, theme, kind string, err error) {
	v := passerelle.Validation{}
	q, perr := url.ParseQuery(r.URL.RawQuery)
	if perr != nil {
		return "", "", "", passerelle.Errorf(passerelle.EInvalid, "Malformed query string.")
	}
	for name, vals := range q {
		switch {
		case name != "territory" && name != "theme" && name != "kind" && !slices.Contains(extra, name):
			v.Add(name, passerelle.FieldUnknown)
		case len(vals) > 1:
			v.Add(name, passerelle.FieldInvalid)
		}
	}
	return q.Get("territory"), q.Get("theme"), q.Get("kind"), v.Err()
}

// canonicalQuery writes the filters in a fixed order, so that one selection
// has one URL (the feed's id).
func canonicalQuery(territory, theme, kind string) string {
	q := url.Values{}
	for name, v := range map[string]string{"territory": territory, "theme": theme, "kind": kind} {
		if v != "" {
			q.Set(name, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// feedCursor writes a feed page's "before" parameter: the position of the
// last entry of the page before it.
func feedCursor(p *store.Position) string {
	return strconv.FormatInt(p.PublishedAt.UnixMicro(), 10) + "-" + strconv.FormatInt(p.ID, 10)
}

// parseFeedCursor reads a "before" parameter; false for anything else.
func parseFeedCursor(s string) (*store.Position, bool) {
	at, id, ok := strings.Cut(s, "-")
	micro, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 || micro < 0 {
		return nil, false
	}
	return &store.Position{PublishedAt: time.UnixMicro(micro).UTC(), ID: n}, true
}

// selectionPage is the page for people showing what a feed or export
// selects: a territory's or a theme's page, the tool library, or the search
// page with the same filters.
func selectionPage(site *opendata.Site, territory, theme, kind string) string {
	switch {
	case territory != "" && theme == "" && kind == "":
		return site.TerritoryURL(territory)
	case theme != "" && territory == "" && kind == "":
		return site.ThemeURL(theme)
	case kind == string(passerelle.KindTool) && territory == "" && theme == "":
		return site.URL("/outils")
	case territory == "" && theme == "" && kind == "":
		return site.URL("/")
	}
	return site.URL("/recherche" + canonicalQuery(territory, theme, kind))
}

// notModified answers a conditional GET of a feed or an export whose
// selection last changed at changed (RFC 9110, 13.1): If-None-Match when
// the client sends one (etag may be "" for none), else If-Modified-Since. It
// sets Last-Modified either way and reports whether it answered 304.
func notModified(w http.ResponseWriter, r *http.Request, changed time.Time, etag string) bool {
	h := w.Header()
	if !changed.IsZero() {
		h.Set("Last-Modified", changed.UTC().Format(http.TimeFormat))
	}
	if match := r.Header.Get("If-None-Match"); match != "" {
		if etag != "" && (strings.Contains(match, etag) || strings.TrimSpace(match) == "*") {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
		return false
	}
	if since, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !changed.IsZero() &&
		!changed.Truncate(time.Second).After(since) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

func (s *Server) feed(site *opendata.Site) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		territory, theme, kind, err := filterParams(r, "before")
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		q := service.HarvestQuery{Territory: territory, Theme: theme, Kind: kind, NewestFirst: true, Limit: feedSize}
		if b := r.URL.Query().Get("before"); b != "" {
			pos, ok := parseFeedCursor(b)
			if !ok {
				s.apiError(w, r, &passerelle.Error{Code: passerelle.EValidation, Message: "Bad page of the feed.",
					Fields: map[string]string{"before": passerelle.FieldInvalid}})
				return
			}
			q.After = pos
		}
		page, err := s.svc.Harvest(ctx, q)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		changed, _, err := s.svc.LatestChange(ctx, territory, theme, kind)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		snap, err := s.svc.Snapshot(ctx)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		title := []string{site.Name}
		if territory != "" {
			title = append(title, snap.Tree().Get(territory).Name)
		}
		if theme != "" {
			title = append(title, snap.Theme(theme).Name)
		}
		if kind != "" {
			title = append(title, site.Label("kind."+kind, kind))
		}
		self := site.URL("/feeds/practices.atom" + canonicalQuery(territory, theme, kind))
		f := opendata.Feed{SelfURL: self, AlternateURL: selectionPage(site, territory, theme, kind),
			Title: strings.Join(title, " — "), Entries: page.Items}
		if q.After != nil || page.Next != nil {
			// A paged feed (RFC 5005): its first page is the feed itself.
			f.FirstURL = self
			if q.After != nil {
				f.SelfURL = addQuery(self, "before", r.URL.Query().Get("before"))
			}
		}
		if page.Next != nil {
			f.NextURL = addQuery(self, "before", feedCursor(page.Next))
		}
		var buf bytes.Buffer
		if err := site.WriteAtom(&buf, snap, f); err != nil {
			s.apiError(w, r, err)
			return
		}
		sum := sha256.Sum256(buf.Bytes())
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		h := w.Header()
		h.Set("ETag", etag)
		h.Set("Cache-Control", publicMaxAge)
		h.Set("Access-Control-Allow-Origin", "*")
		if notModified(w, r, changed, etag) {
			return
		}
		h.Set("Content-Type", "application/atom+xml; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		if r.Method != http.MethodHead {
			_, _ = w.Write(buf.Bytes())
		}
	}
}

// addQuery adds name=value to the query of u.
func addQuery(u, name, value string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + url.QueryEscape(name) + "=" + url.QueryEscape(value)
}

// exportName is the file name of an export of a selection.
func exportName(territory, theme, kind string) string {
	name := "passerelle-fiches"
	for _, v := range []string{territory, theme, kind} {
		if v != "" {
			name += "-" + v
		}
	}
	return name
}

// exportRows streams every practice of q, page after page, to write.
// The first page is read by the caller before anything is written.
func (s *Server) exportRows(r *http.Request, q service.HarvestQuery, page *service.HarvestPage, write func(*passerelle.Practice) error) error {
	ctx := r.Context()
	rows := 0
	for {
		for _, p := range page.Items {
			if err := write(p); err != nil {
				return err
			}
		}
		rows += len(page.Items)
		if page.Next == nil || rows >= maxExportRows {
			return nil
		}
		q.After = page.Next
		var err error
		if page, err = s.svc.Harvest(ctx, q); err != nil {
			// Too late for a status: cut the response short so that the
			// client sees a failed download, not a complete-looking file.
			s.logger.ErrorContext(ctx, "export", slog.Any("err", err))
			panic(http.ErrAbortHandler)
		}
	}
}

// startExport reads the filters and the first page of an export, and
// answers a conditional request. ok is false when it has answered.
func (s *Server) startExport(w http.ResponseWriter, r *http.Request, extra ...string) (q service.HarvestQuery, page *service.HarvestPage, snap *authz.Snapshot, ok bool) {
	ctx := r.Context()
	territory, theme, kind, err := filterParams(r, extra...)
	if err == nil {
		q = service.HarvestQuery{Territory: territory, Theme: theme, Kind: kind, NewestFirst: true, Limit: exportPage}
		// The first page is read before anything is written, so that bad
		// filters and a failing database still get a proper status.
		page, err = s.svc.Harvest(ctx, q)
	}
	var changed time.Time
	if err == nil {
		changed, _, err = s.svc.LatestChange(ctx, territory, theme, kind)
	}
	if err == nil {
		snap, err = s.svc.Snapshot(ctx)
	}
	if err != nil {
		s.apiError(w, r, err)
		return q, nil, nil, false
	}
	h := w.Header()
	h.Set("Cache-Control", publicMaxAge)
	h.Set("Access-Control-Allow-Origin", "*")
	if notModified(w, r, changed, "") {
		return q, nil, nil, false
	}
	return q, page, snap, true
}

func (s *Server) exportCSV(site *opendata.Site) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		comma := ','
		switch sep := r.URL.Query()["sep"]; {
		case len(sep) == 0 || (len(sep) == 1 && sep[0] == "comma"):
		case len(sep) == 1 && sep[0] == "semicolon":
			comma = ';'
		default:
			s.apiError(w, r, &passerelle.Error{Code: passerelle.EValidation, Message: "The separator is comma or semicolon.",
				Fields: map[string]string{"sep": passerelle.FieldInvalid}})
			return
		}
		q, page, snap, ok := s.startExport(w, r, "sep")
		if !ok {
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
		h.Set("Content-Disposition", `attachment; filename="`+exportName(q.Territory, q.Theme, q.Kind)+`.csv"`)
		if r.Method == http.MethodHead {
			return
		}
		cw, err := site.NewCSVWriter(w, snap, comma)
		if err != nil {
			return // the client went away
		}
		if s.exportRows(r, q, page, cw.Write) != nil {
			return
		}
		if err := cw.Flush(); err != nil {
			s.logger.DebugContext(r.Context(), "CSV export: write", slog.Any("err", err)) // the client went away
		}
	}
}

// xlsxType is the media type of an Office Open XML spreadsheet.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (s *Server) exportXLSX(site *opendata.Site) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, page, snap, ok := s.startExport(w, r)
		if !ok {
			return
		}
		xw, err := site.NewXLSXWriter(snap)
		if err == nil {
			err = s.exportRows(r, q, page, xw.Write)
		}
		// The spreadsheet is built before it is sent (a zip archive ends
		// with its directory), so a failure still gets a proper status.
		var buf bytes.Buffer
		if err == nil {
			_, err = xw.WriteTo(&buf)
		}
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", xlsxType)
		h.Set("Content-Disposition", `attachment; filename="`+exportName(q.Territory, q.Theme, q.Kind)+`.xlsx"`)
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		if r.Method != http.MethodHead {
			_, _ = w.Write(buf.Bytes())
		}
	}
}

// sitemap answers /sitemap.xml: the home page, the territories and every
// published practice in one sitemap while the protocol's 50,000 URLs allow,
// and beyond that an index of smaller sitemaps.
func (s *Server) sitemap(site *opendata.Site) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		snap, err := s.svc.Snapshot(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		practices, err := s.svc.HarvestCount(ctx, service.HarvestQuery{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		meetings, err := s.sitemapMeetings(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pages := 1 + len(opendata.BrowsePages) + snap.Tree().Len() + len(snap.Themes()) + len(meetings)
		if pages+practices > opendata.MaxSitemapURLs {
			chunks, err := s.svc.PublishedIDChunks(ctx, sitemapChunk)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			sitemapHeaders(w)
			sw, err := opendata.NewSitemapIndex(w)
			if err != nil {
				return
			}
			_ = sw.Sitemap(site.URL("/sitemaps/pages.xml"))
			for _, c := range chunks {
				_ = sw.Sitemap(site.URL("/sitemaps/practices-" + strconv.FormatInt(c.N, 10) + ".xml"))
			}
			_ = sw.Close()
			return
		}
		sitemapHeaders(w)
		sw, err := opendata.NewURLSet(w)
		if err != nil {
			return
		}
		if s.writePageURLs(sw, site, snap.Tree(), snap.Themes(), meetings) != nil {
			return
		}
		s.writePracticeURLs(r, sw, site, 0, 0, opendata.MaxSitemapURLs-pages)
	}
}

func sitemapHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", publicMaxAge)
}

// writePageURLs adds the home page, the browsing pages, every theme's page,
// every territory's page and every meeting's page.
func (s *Server) writePageURLs(sw *opendata.SitemapWriter, site *opendata.Site, tree *passerelle.Tree, themes []passerelle.Theme, meetings []*passerelle.Meeting) error {
	if err := sw.URL(opendata.SitemapURL{Loc: site.URL("/")}); err != nil {
		return err
	}
	for _, p := range opendata.BrowsePages {
		if err := sw.URL(opendata.SitemapURL{Loc: site.URL(p)}); err != nil {
			return err
		}
	}
	for _, th := range themes {
		if err := sw.URL(opendata.SitemapURL{Loc: site.ThemeURL(th.Slug)}); err != nil {
			return err
		}
	}
	for _, m := range meetings {
		if err := sw.URL(opendata.SitemapURL{Loc: site.MeetingURL(m.ID), LastMod: m.UpdatedAt}); err != nil {
			return err
		}
	}
	var err error
	tree.Walk(func(t *passerelle.Territory, _ int) bool {
		if err == nil {
			err = sw.URL(opendata.SitemapURL{Loc: site.TerritoryURL(t.Code)})
		}
		return err == nil
	})
	return err
}

// writePracticeURLs adds up to room published practices with ids in
// (afterID, maxID] (no upper bound when maxID is 0), and closes the sitemap.
func (s *Server) writePracticeURLs(r *http.Request, sw *opendata.SitemapWriter, site *opendata.Site, afterID, maxID int64, room int) {
	ctx := r.Context()
	for n := 0; n < room; {
		want := min(service.MaxStubs, room-n)
		stubs, err := s.svc.PublishedStubs(ctx, afterID, maxID, want)
		if err != nil {
			s.logger.ErrorContext(ctx, "sitemap", slog.Any("err", err))
			panic(http.ErrAbortHandler)
		}
		for _, st := range stubs {
			if err := sw.URL(opendata.SitemapURL{Loc: site.PracticeURL(st.ID), LastMod: st.UpdatedAt}); err != nil {
				return
			}
		}
		n += len(stubs)
		if len(stubs) < want {
			break
		}
		afterID = stubs[len(stubs)-1].ID
	}
	_ = sw.Close()
}

func (s *Server) sitemapPages(site *opendata.Site) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		snap, err := s.svc.Snapshot(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		meetings, err := s.sitemapMeetings(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sitemapHeaders(w)
		sw, err := opendata.NewURLSet(w)
		if err != nil || s.writePageURLs(sw, site, snap.Tree(), snap.Themes(), meetings) != nil {
			return
		}
		_ = sw.Close()
	}
}

func (s *Server) sitemapPractices(site *opendata.Site) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(chi.URLParam(r, "chunk"), 10, 64)
		if err != nil || n < 1 || n > (1<<62)/sitemapChunk {
			s.fail(w, r, passerelle.Errorf(passerelle.ENotFound, "No such sitemap."))
			return
		}
		sitemapHeaders(w)
		sw, err := opendata.NewURLSet(w)
		if err != nil {
			return
		}
		s.writePracticeURLs(r, sw, site, (n-1)*sitemapChunk, n*sitemapChunk, sitemapChunk)
	}
}

// pageExports returns the open-data versions of a page's selection of
// practices: its Atom feed, titled after the selection (name), and its
// spreadsheets — the French interface offers the CSV that French Excel opens
// in columns (semicolon-separated), the English one the comma-separated one.
func (s *Server) pageExports(r *http.Request, name, territory, theme, kind string) *view.Exports {
	q := canonicalQuery(territory, theme, kind)
	tr := s.tr(r)
	csv := "/export/practices.csv" + q
	if tr.Lang() == "fr" {
		if q == "" {
			csv += "?sep=semicolon"
		} else {
			csv += "&sep=semicolon"
		}
	}
	title := "Passerelle"
	if name != "" {
		title = tr.T("standards.exports.feed_title", "selection", name)
	}
	return &view.Exports{FeedURL: "/feeds/practices.atom" + q, FeedTitle: title, XLSXURL: "/export/practices.xlsx" + q, CSVURL: csv}
}
