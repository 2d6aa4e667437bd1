package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/opendata/jsonld"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/view"
)

// Discovery pages: the territory tree, the themes, the search page and the
// tool catalogue ("outilthèque"), all plain GET pages whose every filtered
// view is a URL; and the form recording that a practice travelled
// ("essaimage"), whose lists the practice and territory pages show.

func init() {
	flashes = append(flashes, "reused")
}

// bigTree is the size from which the territory tree page leaves out the
// territories below the departments that hold no practice.
const bigTree = 1500

// robotsTxt lets every crawler in and points it to the sitemap.
func (s *Server) robotsTxt(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", publicMaxAge)
	_, _ = w.Write([]byte("User-agent: *\nAllow: /\n\nSitemap: " + strings.TrimRight(s.opts.BaseURL, "/") + "/sitemap.xml\n"))
}

// territoriesPage shows the whole territory tree, from the regions down to
// the priority neighbourhoods, each with its count of published practices.
func (s *Server) territoriesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	counts, err := s.svc.CountsByTerritory(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	tree := snap.Tree()
	data := &view.TerritoriesData{Pruned: tree.Len() > bigTree, Map: networkMap(snap, counts)}
	var walk func(codes []string, depth int) []view.TerritoryNode
	walk = func(codes []string, depth int) []view.TerritoryNode {
		var out []view.TerritoryNode
		for _, c := range codes {
			if data.Pruned && depth >= 2 && counts[c] == 0 {
				continue
			}
			out = append(out, view.TerritoryNode{Territory: territoryView(tree.Get(c), counts), Children: walk(tree.Children(c), depth+1)})
		}
		return out
	}
	data.Roots = walk(tree.Roots(), 0)
	s.render(w, r, http.StatusOK, "territories", &view.Page{Title: s.tr(r).T("discover.territories.heading"), Data: data})
}

// themesPage lists the themes with their counts of published practices.
func (s *Server) themesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	all, err := s.svc.Published(ctx, service.ListQuery{}, true)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	counts := map[string]int{}
	for _, f := range all.Facets["theme"] {
		counts[f.Value] = f.Count
	}
	data := &view.ThemesData{}
	for _, th := range snap.Themes() {
		data.Themes = append(data.Themes, view.ThemeCount{Theme: view.Theme{Slug: th.Slug, Name: th.Name}, URL: themeURL(th.Slug), Count: counts[th.Slug]})
	}
	s.render(w, r, http.StatusOK, "themes", &view.Page{Title: s.tr(r).T("discover.themes.heading"), Data: data})
}

// searchPage is the search page: French search text and every filter, with
// highlighted extracts and the facets as links.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	s.discover(w, r, "search", "/recherche", "discover.search.heading")
}

// toolsPage is the tool catalogue: the search page restricted to teaching
// tools, with their format and audience.
func (s *Server) toolsPage(w http.ResponseWriter, r *http.Request) {
	s.discover(w, r, "tools", "/outils", "discover.tools.heading")
}

// searchParams are the parameters of the search page, in the order of its
// URLs.
var searchParams = []string{"q", "territory", "theme", "kind", "format", "audience", "year", "sort"}

// discover renders the search page or the tool catalogue (page "tools",
// where kind is always tool). Unknown or malformed filter values give an
// empty result and a message naming them, never an error page.
func (s *Server) discover(w http.ResponseWriter, r *http.Request, page, path, titleKey string) {
	ctx := r.Context()
	tr := s.tr(r)
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	tools := page == "tools"
	q := r.URL.Query()
	form := view.SearchForm{Q: q.Get("q"), Territory: q.Get("territory"), Theme: q.Get("theme"), Kind: q.Get("kind"),
		Format: q.Get("format"), Audience: q.Get("audience"), Year: q.Get("year"), Sort: q.Get("sort")}
	if tools {
		form.Kind = ""
	}
	lq := service.ListQuery{Territory: form.Territory, Theme: form.Theme, Kind: form.Kind, Format: form.Format,
		Audience: form.Audience, Year: form.Year, Q: form.Q, Sort: form.Sort, Page: q.Get("page")}
	if tools {
		lq.Kind = string(passerelle.KindTool)
	}
	values := url.Values{}
	for _, name := range searchParams {
		if v := formValue(form, name); v != "" {
			values.Set(name, v)
		}
	}
	data := &view.SearchData{Form: form, Searched: len(values) > 0, ClearURL: path}
	list, err := s.svc.Published(ctx, lq, true)
	var e *passerelle.Error
	switch {
	case err == nil:
	case errors.As(err, &e) && e.Code == passerelle.EValidation:
		for _, name := range append(slices.Clone(searchParams), "page") {
			if _, bad := e.Fields[name]; bad {
				data.Invalid = append(data.Invalid, filterLabel(tr, name))
			}
		}
	case errors.As(err, &e) && e.Code == passerelle.EInvalid:
		data.TooLong = true
	default:
		s.errorPage(w, r, err)
		return
	}
	if list != nil {
		data.Total, data.Ignored = list.Total, list.Ignored
		for _, p := range list.Items {
			data.Results = append(data.Results, view.SearchResult{PracticeCard: card(snap, p), Snippet: template.HTML(list.Snippets[p.ID])}) //nolint:gosec // escaped by search.Highlight
		}
		data.Facets = facetGroups(tr, snap, form, values, path, list.Facets, tools)
		data.Pagination = view.Pagination{Page: list.Page, PerPage: list.PerPage, Total: list.Total}
		pageURL := func(n int) string {
			v := cloneValues(values)
			v.Set("page", strconv.Itoa(n))
			return path + "?" + v.Encode()
		}
		if list.Page > 1 {
			data.Pagination.PrevURL = pageURL(min(list.Page-1, data.Pagination.Pages()))
		}
		if list.Page < data.Pagination.Pages() {
			data.Pagination.NextURL = pageURL(list.Page + 1)
		}
	}
	if !tools && strings.TrimSpace(form.Q) != "" && len(data.Invalid) == 0 {
		if data.Meetings, err = s.searchMeetings(r, snap, form); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	data.Territories = territoryOptions(snap, form.Territory)
	for _, th := range snap.Themes() {
		data.Themes = append(data.Themes, view.Option{Value: th.Slug, Label: th.Name})
	}
	for _, k := range view.Kinds {
		data.Kinds = append(data.Kinds, view.Option{Value: k, Label: tr.Enum("kind", k)})
	}
	if len(data.Invalid) == 0 && !data.TooLong {
		feed := url.Values{}
		for _, name := range []string{"territory", "theme", "kind"} {
			if v := values.Get(name); v != "" {
				feed.Set(name, v)
			}
		}
		if tools {
			feed.Set("kind", string(passerelle.KindTool))
		}
		data.FeedURL = "/feeds/practices.atom"
		if len(feed) > 0 {
			data.FeedURL += "?" + feed.Encode()
		}
	}
	var exports *view.Exports
	if data.FeedURL != "" {
		exports = s.pageExports(r, tr.T(titleKey), values.Get("territory"), values.Get("theme"), values.Get("kind"))
		if tools {
			exports = s.pageExports(r, tr.T(titleKey), values.Get("territory"), values.Get("theme"), string(passerelle.KindTool))
		}
	}
	s.render(w, r, http.StatusOK, page, &view.Page{Title: tr.T(titleKey), Data: data, Exports: exports})
}

func formValue(f view.SearchForm, name string) string {
	switch name {
	case "q":
		return strings.TrimSpace(f.Q)
	case "territory":
		return f.Territory
	case "theme":
		return f.Theme
	case "kind":
		return f.Kind
	case "format":
		return f.Format
	case "audience":
		return strings.TrimSpace(f.Audience)
	case "year":
		return f.Year
	case "sort":
		return f.Sort
	}
	return ""
}

// filterLabel names a filter of the search page for the reader.
func filterLabel(tr *view.Translator, name string) string {
	switch name {
	case "q":
		return tr.T("discover.filter.q")
	case "sort":
		return tr.T("readers.search.sort")
	case "territory":
		return tr.T("discover.filter.territory")
	case "theme":
		return tr.T("discover.filter.theme")
	case "kind":
		return tr.T("discover.filter.kind")
	case "format":
		return tr.T("discover.filter.format")
	case "audience":
		return tr.T("discover.filter.audience")
	case "year":
		return tr.T("discover.filter.year")
	}
	return tr.T("discover.filter.page")
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// facetGroups turns the counts of the store into links: each value links to
// the same search filtered by it; a chosen value links to the search
// without it. Territories are shown one level at a time: below the chosen
// territory (or the regions), each with everything below it.
func facetGroups(tr *view.Translator, snap *authz.Snapshot, form view.SearchForm, values url.Values, path string,
	facets map[string][]store.Facet, tools bool) []view.FacetGroup {
	link := func(name, value, label string, count int) view.FacetLink {
		v := cloneValues(values)
		cur := v.Get(name) == value
		if cur {
			v.Del(name)
		} else {
			v.Set(name, value)
		}
		u := path
		if len(v) > 0 {
			u += "?" + v.Encode()
		}
		return view.FacetLink{Value: value, Label: label, URL: u, Count: count, Current: cur}
	}
	var groups []view.FacetGroup

	tree := snap.Tree()
	rolled := map[string]int{}
	for _, f := range facets["territory"] {
		for _, c := range tree.Chain(f.Value) {
			rolled[c] += f.Count
		}
	}
	ter := view.FacetGroup{Name: filterLabel(tr, "territory")}
	level := tree.Roots()
	if t := tree.Get(form.Territory); t != nil {
		ter.Links = append(ter.Links, link("territory", t.Code, t.Name, rolled[t.Code]))
		level = tree.Children(t.Code)
	}
	for _, c := range level {
		if rolled[c] > 0 {
			ter.Links = append(ter.Links, link("territory", c, tree.Get(c).Name, rolled[c]))
		}
	}
	groups = append(groups, ter)

	theme := view.FacetGroup{Name: filterLabel(tr, "theme")}
	for _, f := range facets["theme"] {
		name := f.Value
		if th := snap.Theme(f.Value); th != nil {
			name = th.Name
		}
		theme.Links = append(theme.Links, link("theme", f.Value, name, f.Count))
	}
	groups = append(groups, theme)

	if !tools {
		kind := view.FacetGroup{Name: filterLabel(tr, "kind")}
		for _, f := range facets["kind"] {
			kind.Links = append(kind.Links, link("kind", f.Value, tr.Enum("kind", f.Value), f.Count))
		}
		groups = append(groups, kind)
	}
	format := view.FacetGroup{Name: filterLabel(tr, "format")}
	for _, f := range facets["format"] {
		format.Links = append(format.Links, link("format", f.Value, tr.Enum("format", f.Value), f.Count))
	}
	groups = append(groups, format)

	year := view.FacetGroup{Name: filterLabel(tr, "year")}
	for _, f := range facets["year"] {
		year.Links = append(year.Links, link("year", f.Value, f.Value, f.Count))
	}
	groups = append(groups, year)
	return slices.DeleteFunc(groups, func(g view.FacetGroup) bool { return len(g.Links) == 0 })
}

// territoryOptions returns the choices of the territory filter, in the
// order of the tree, indented by depth. A large tree offers the levels down
// to the departments only, plus the chosen territory.
func territoryOptions(snap *authz.Snapshot, chosen string) []view.Option {
	tree := snap.Tree()
	big := tree.Len() > bigTree
	var out []view.Option
	var walk func(codes []string, depth int)
	walk = func(codes []string, depth int) {
		for _, c := range codes {
			if big && depth >= 2 && c != chosen {
				continue
			}
			t := tree.Get(c)
			out = append(out, view.Option{Value: c, Label: strings.Repeat("\u00a0\u00a0", depth) + t.Name})
			walk(tree.Children(c), depth+1)
		}
	}
	walk(tree.Roots(), 0)
	return out
}

// reuseView returns the view of a reuse.
func reuseView(snap *authz.Snapshot, re passerelle.Reuse) view.ReuseView {
	tree := snap.Tree()
	return view.ReuseView{Territory: territoryView(tree.Get(re.TerritoryCode), nil), From: territoryView(tree.Get(re.PracticeTerritory), nil),
		PracticeTitle: re.PracticeTitle, PracticeURL: practiceURL(re.PracticeID), UserName: re.UserName, Note: re.Note, At: re.CreatedAt}
}

// practiceDiscovery fills the parts of a practice's page that discovery
// adds: where it has travelled, the form to record a reuse, and its
// schema.org JSON-LD when it is published.
func (s *Server) practiceDiscovery(ctx context.Context, actor *passerelle.User, p *passerelle.Practice, data *view.PracticeData) error {
	if !p.Published() {
		return nil
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return err
	}
	reuses, err := s.svc.Reuses(ctx, actor, p.ID)
	if err != nil {
		return err
	}
	base := strings.TrimRight(s.opts.BaseURL, "/")
	data.Readers.Base, data.Readers.Address = base, base+practiceURL(p.ID)
	data.Readers.PDFURL = practiceURL(p.ID) + ".pdf"
	data.Readers.CanContact = s.svc.MayContact(actor, p)
	data.Readers.CanBookmark, data.Readers.NoteMax = actor != nil, passerelle.MaxBookmarkNote
	if b, err := s.svc.Bookmark(ctx, actor, p.ID); err != nil {
		return err
	} else if b != nil {
		data.Readers.Bookmarked = true
		if data.Readers.Note == "" {
			data.Readers.Note = b.Note
		}
	}
	data.Readers.ContactMax = passerelle.MaxContactLength
	if actor == nil {
		data.Readers.SignIn = "/login?next=" + url.QueryEscape(practiceURL(p.ID)+"#contact")
	}
	similar, err := s.svc.Similar(ctx, p)
	if err != nil {
		return err
	}
	for _, o := range similar {
		data.Readers.Similar = append(data.Readers.Similar, card(snap, o))
	}
	data.Travel.Reuses = data.Travel.Reuses[:0]
	for _, re := range reuses {
		data.Travel.Reuses = append(data.Travel.Reuses, reuseView(snap, re))
	}
	choices, err := s.svc.ReuseChoices(ctx, actor, p)
	if err != nil {
		return err
	}
	for _, c := range choices {
		data.Travel.Choices = append(data.Travel.Choices, territoryView(snap.Tree().Get(c), nil))
	}
	data.Travel.NoteLimit = passerelle.MaxReuseNote
	var themes []passerelle.Theme
	for _, slug := range p.Themes {
		if th := snap.Theme(slug); th != nil {
			themes = append(themes, *th)
		}
	}
	name := ""
	if t := snap.Tree().Get(p.TerritoryCode); t != nil {
		name = t.Name
	}
	doc, err := jsonld.Practice(p, s.opts.BaseURL, name, themes)
	if err != nil {
		// The page is still worth showing without its description.
		s.logger.ErrorContext(ctx, "practice JSON-LD", slog.Int64("practice", p.ID), slog.Any("err", err))
		return nil
	}
	data.JSONLD = template.JS(doc) //nolint:gosec // encoding/json escapes <, > and &: safe in a script element
	return nil
}

// territoryTravel returns what a territory borrowed and lent.
func (s *Server) territoryTravel(ctx context.Context, snap *authz.Snapshot, code string) (view.TerritoryTravel, error) {
	t, err := s.svc.Travel(ctx, code)
	if err != nil {
		return view.TerritoryTravel{}, err
	}
	out := view.TerritoryTravel{BorrowedTotal: t.BorrowedTotal, LentTotal: t.LentTotal}
	for _, re := range t.Borrowed {
		out.Borrowed = append(out.Borrowed, reuseView(snap, re))
	}
	for _, re := range t.Lent {
		out.Lent = append(out.Lent, reuseView(snap, re))
	}
	return out, nil
}

// reusePage records, from the practice's page, that it was reused in one
// of the contributor's territories. A refusal shows the page again with
// the reason and what was typed.
func (s *Server) reusePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	in := service.ReuseInput{Territory: r.PostForm.Get("reuse-territory"), Note: r.PostForm.Get("reuse-note")}
	_, err = s.svc.RecordReuse(r.Context(), u, id, in)
	code := errorCode(err)
	switch code {
	case "":
		s.redirectWithFlash(w, r, practiceURL(id)+"#essaimage", "reused")
		return
	case passerelle.EValidation, passerelle.EConflict, passerelle.EForbidden:
	default:
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	var errs []view.FormError
	var e *passerelle.Error
	switch {
	case code == passerelle.EConflict:
		errs = append(errs, view.FormError{Field: "reuse-territory", Message: tr.T("discover.reuse.error.duplicate")})
	case code == passerelle.EForbidden:
		errs = append(errs, view.FormError{Field: "reuse-territory", Message: tr.T("discover.reuse.error.forbidden")})
	case errors.As(err, &e):
		if reason, ok := e.Fields["territory"]; ok {
			msg := tr.T("discover.reuse.error.territory")
			if reason == passerelle.FieldInvalid {
				msg = tr.T("discover.reuse.error.own")
			}
			errs = append(errs, view.FormError{Field: "reuse-territory", Message: msg})
		}
		if _, ok := e.Fields["note"]; ok {
			errs = append(errs, view.FormError{Field: "reuse-note", Message: tr.T("discover.reuse.error.note", "max", passerelle.MaxReuseNote)})
		}
	}
	s.showPractice(w, r, statusOf[code], id, &view.PracticeData{Errors: errs,
		Travel: view.PracticeTravel{Territory: in.Territory, Note: in.Note}})
}
