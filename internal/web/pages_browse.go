package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// homePage shows the latest published practices and the way into the
// territories: every top-level territory with the ones directly below it.
func (s *Server) homePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	latest, err := s.svc.Published(ctx, service.ListQuery{}, false)
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
	data := &view.HomeData{Latest: cards(snap, latest.Items), Map: networkMap(snap, counts)}
	story, err := s.svc.NetworkStory(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	for _, f := range story.Themes {
		if th := snap.Theme(f.Value); th != nil {
			data.Story.Themes = append(data.Story.Themes, view.Territory{Code: th.Slug, Name: th.Name, URL: "/themes/" + th.Slug, Count: f.Count})
		}
	}
	for _, tr := range story.Travelled {
		data.Story.Travelled = append(data.Story.Travelled, view.TravelledCard{PracticeCard: card(snap, tr.Practice), Reuses: tr.Count})
	}
	if story.Next != nil {
		next := s.meetingCard(snap, s.lang(r), story.Next, nil)
		data.Story.Next = &next
	}
	for _, code := range tree.Roots() {
		node := view.TerritoryNode{Territory: territoryView(tree.Get(code), counts)}
		for _, child := range tree.Children(code) {
			node.Children = append(node.Children, view.TerritoryNode{Territory: territoryView(tree.Get(child), counts)})
		}
		data.Regions = append(data.Regions, node)
	}
	s.render(w, r, http.StatusOK, "home", &view.Page{Title: s.tr(r).T("nav.home"), Data: data, Exports: s.pageExports(r, "", "", "", "")})
}

// territoryPage shows a territory: where it sits, what lies below it, and
// the published practices of it and everything below it, a page at a time
// (?page=).
func (s *Server) territoryPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	tree := snap.Tree()
	t := tree.Get(chi.URLParam(r, "code"))
	if t == nil {
		s.errorPage(w, r, passerelle.Errorf(passerelle.ENotFound, "Territory not found."))
		return
	}
	list, err := s.svc.Published(ctx, service.ListQuery{Territory: t.Code, Page: r.URL.Query().Get("page")}, false)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	counts, err := s.svc.CountsByTerritory(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.TerritoryData{
		Territory:  territoryView(t, counts),
		Practices:  cards(snap, list.Items),
		Pagination: view.Pagination{Page: list.Page, PerPage: list.PerPage, Total: list.Total},
	}
	if data.Travel, err = s.territoryTravel(ctx, snap, t.Code); err != nil { // pages_discover.go
		s.errorPage(w, r, err)
		return
	}
	for _, a := range tree.Ancestors(t.Code) {
		data.Ancestors = append(data.Ancestors, territoryView(&a, counts))
	}
	for _, c := range tree.Children(t.Code) {
		data.Children = append(data.Children, territoryView(tree.Get(c), counts))
	}
	if dept := departmentOf(tree, t); dept != "" {
		current := t.Code
		if dept == t.Code {
			current = ""
		}
		if m, ok := departmentMap(tree, counts, dept, current); ok {
			data.Map = &m
		}
	}
	pageURL := func(n int) string { return territoryURL(t.Code) + "?page=" + strconv.Itoa(n) }
	if list.Page > 1 {
		data.Pagination.PrevURL = pageURL(min(list.Page-1, data.Pagination.Pages()))
	}
	if list.Page < data.Pagination.Pages() {
		data.Pagination.NextURL = pageURL(list.Page + 1)
	}
	s.render(w, r, http.StatusOK, "territory", &view.Page{Title: t.Name, Data: data, Exports: s.pageExports(r, t.Name, t.Code, "", "")})
}

func territoryURL(code string) string { return "/territoires/" + url.PathEscape(code) }

func practiceURL(id int64) string { return "/fiches/" + idString(id) }

// territoryView returns the view of t with its count of published practices
// (counts may be nil); a nil territory gives the zero view.
// territoryChoices lists the territories of codes in the tree's order (a
// parent before its children, siblings by name), for a form's choices.
func territoryChoices(tree *passerelle.Tree, codes map[string]bool) []view.Territory {
	var out []view.Territory
	tree.Walk(func(t *passerelle.Territory, _ int) bool {
		if codes[t.Code] {
			out = append(out, territoryView(t, nil))
		}
		return true
	})
	return out
}

func territoryView(t *passerelle.Territory, counts map[string]int) view.Territory {
	if t == nil {
		return view.Territory{}
	}
	return view.Territory{Code: t.Code, Name: t.Name, Level: string(t.Level), URL: territoryURL(t.Code), Count: counts[t.Code]}
}

// card returns the summary of p shown in lists.
func card(snap *authz.Snapshot, p *passerelle.Practice) view.PracticeCard {
	c := view.PracticeCard{
		ID: idString(p.ID), URL: practiceURL(p.ID), Kind: string(p.Kind), Title: p.Title, Summary: p.Summary,
		Status: string(p.Status), Territory: territoryView(snap.Tree().Get(p.TerritoryCode), nil),
		AuthorName: p.AuthorName, UpdatedAt: p.UpdatedAt, ReviewDue: p.ReviewDue(), Cover: coverView(p),
	}
	if p.PublishedAt != nil {
		c.PublishedAt = *p.PublishedAt
	}
	if p.IsUpdate() {
		c.UpdateOf = idString(p.UpdateOf)
	}
	for _, slug := range p.Themes {
		name := slug
		if th := snap.Theme(slug); th != nil {
			name = th.Name
		}
		c.Themes = append(c.Themes, view.Theme{Slug: slug, Name: name})
	}
	return c
}

func cards(snap *authz.Snapshot, items []*passerelle.Practice) []view.PracticeCard {
	out := make([]view.PracticeCard, len(items))
	for i, p := range items {
		out[i] = card(snap, p)
	}
	return out
}
