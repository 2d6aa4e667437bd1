package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/opendata"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
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

// adminEmail is the contact declared to harvesters: the site's own domain.
func adminEmail(baseURL string) string {
	host := "localhost"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "contact@" + host
}

// filterParams reads the filters of a feed or an export. Unknown parameters
// and repeated ones are validation errors naming them.
func filterParams(r *http.Request) (territory, theme, kind string, err error) {
	v := passerelle.Validation{}
	q, perr := url.ParseQuery(r.URL.RawQuery)
	if perr != nil {
		return "", "", "", passerelle.Errorf(passerelle.EInvalid, "Malformed query string.")
	}
	for name, vals := range q {
		switch {
		case name != "territory" && name != "theme" && name != "kind":
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

func (s *Server) feed(site *opendata.Site) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		territory, theme, kind, err := filterParams(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		page, err := s.svc.Harvest(ctx, service.HarvestQuery{Territory: territory, Theme: theme, Kind: kind, NewestFirst: true, Limit: feedSize})
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
		alternate := site.URL("/")
		if territory != "" {
			title = append(title, snap.Tree().Get(territory).Name)
			alternate = site.TerritoryURL(territory)
		}
		if theme != "" {
			title = append(title, snap.Theme(theme).Name)
		}
		if kind != "" {
			title = append(title, site.Label("kind."+kind, kind))
		}
		f := opendata.Feed{SelfURL: site.URL("/feeds/practices.atom" + canonicalQuery(territory, theme, kind)),
			AlternateURL: alternate, Title: strings.Join(title, " — "), Entries: page.Items}
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
		if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", "application/atom+xml; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		_, _ = w.Write(buf.Bytes())
	}
}

func (s *Server) exportCSV(site *opendata.Site) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		territory, theme, kind, err := filterParams(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		q := service.HarvestQuery{Territory: territory, Theme: theme, Kind: kind, NewestFirst: true, Limit: exportPage}
		// The first page is read before anything is written, so that bad
		// filters and a failing database still get a proper status.
		page, err := s.svc.Harvest(ctx, q)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		snap, err := s.svc.Snapshot(ctx)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		name := "passerelle-fiches"
		for _, v := range []string{territory, theme, kind} {
			if v != "" {
				name += "-" + v
			}
		}
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
		h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		h.Set("Cache-Control", publicMaxAge)
		h.Set("Access-Control-Allow-Origin", "*")
		cw, err := site.NewCSVWriter(w, snap)
		if err != nil {
			return // the client went away
		}
		rows := 0
		for {
			for _, p := range page.Items {
				if err := cw.Write(p); err != nil {
					return
				}
			}
			rows += len(page.Items)
			if page.Next == nil || rows >= maxExportRows {
				break
			}
			q.After = page.Next
			if page, err = s.svc.Harvest(ctx, q); err != nil {
				// Too late for a status: cut the response short so that
				// the client sees a failed download, not a complete-looking
				// file.
				s.logger.ErrorContext(ctx, "CSV export", slog.Any("err", err))
				panic(http.ErrAbortHandler)
			}
		}
		if err := cw.Flush(); err != nil {
			s.logger.DebugContext(ctx, "CSV export: write", slog.Any("err", err)) // the client went away
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
	var walk func(codes []string) error
	walk = func(codes []string) error {
		for _, c := range codes {
			if err := sw.URL(opendata.SitemapURL{Loc: site.TerritoryURL(c)}); err != nil {
				return err
			}
			if err := walk(tree.Children(c)); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(tree.Roots())
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
