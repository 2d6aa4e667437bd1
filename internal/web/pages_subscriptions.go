package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

func init() {
	flashes = append(flashes, "followed", "unfollowed", "preferences", "read_one")
}

var bypassUnsubscribe sync.Once

// The pages of subscriptions, e-mail preferences, one-click unsubscribing,
// themes and marking one notification read.

func (s *Server) subscriptionsData(r *http.Request, u *passerelle.User) (*view.SubscriptionsData, error) {
	ctx := r.Context()
	subs, err := s.svc.Subscriptions(ctx, u)
	if err != nil {
		return nil, err
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	data := &view.SubscriptionsData{}
	data.Form.Frequency = string(passerelle.FrequencyInstant)
	tree := snap.Tree()
	for _, sub := range subs {
		it := view.SubscriptionItem{ID: idString(sub.ID), Kind: string(sub.Kind), Frequency: string(sub.Frequency)}
		if t := tree.Get(sub.Territory); t != nil {
			it.Territory, it.TerritoryURL = t.Name, "/territoires/"+url.PathEscape(t.Code)
		}
		if th := snap.Theme(sub.Theme); th != nil {
			it.Theme, it.ThemeURL = th.Name, themeURL(th.Slug)
		}
		data.Items = append(data.Items, it)
	}
	tree.Walk(func(t *passerelle.Territory, _ int) bool {
		data.Territories = append(data.Territories, view.Territory{Code: t.Code, Name: t.Name, Level: string(t.Level)})
		return true
	})
	for _, th := range snap.Themes() {
		data.Themes = append(data.Themes, view.Theme{Slug: th.Slug, Name: th.Name})
	}
	return data, nil
}

// subscriptionsPage is "Mes abonnements": the user's subscriptions, each with
// a button to remove it, and a form to add one.
func (s *Server) subscriptionsPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	data, err := s.subscriptionsData(r, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "subscriptions", &view.Page{Title: s.tr(r).T("subscriptions.heading"), Data: data})
}

// subscribePage adds a subscription from the "Suivre" buttons or the form of
// "Mes abonnements"; errors come back on that page, with what was chosen.
func (s *Server) subscribePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	if err := parseForm(w, r, 8<<10); err != nil {
		s.errorPage(w, r, err)
		return
	}
	in := service.SubscriptionInput{Territory: r.PostForm.Get("territory"), Theme: r.PostForm.Get("theme"),
		Kind: r.PostForm.Get("kind"), Frequency: r.PostForm.Get("frequency")}
	_, err := s.svc.Subscribe(r.Context(), u, in)
	if err == nil {
		s.redirectWithFlash(w, r, "/abonnements", "followed")
		return
	}
	code := errorCode(err)
	if code != passerelle.EValidation && code != passerelle.EConflict {
		s.errorPage(w, r, err)
		return
	}
	data, derr := s.subscriptionsData(r, u)
	if derr != nil {
		s.errorPage(w, r, derr)
		return
	}
	data.Form.Territory, data.Form.Theme, data.Form.Kind, data.Form.Frequency = in.Territory, in.Theme, in.Kind, in.Frequency
	tr := s.tr(r)
	if code == passerelle.EConflict {
		data.Errors = []view.FormError{{Message: tr.T("subscriptions.error.duplicate")}}
	} else {
		for _, f := range []string{"territory", "theme", "kind", "frequency"} {
			if _, ok := err.(*passerelle.Error).Fields[f]; ok {
				data.Errors = append(data.Errors, view.FormError{Field: f, Message: tr.T("subscriptions.error." + f)})
			}
		}
	}
	s.render(w, r, http.StatusBadRequest, "subscriptions", &view.Page{Title: tr.T("subscriptions.heading"), Data: data})
}

func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := notifyID(r, "Subscription")
	if err == nil {
		err = s.svc.DeleteSubscription(r.Context(), u, id)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, "/abonnements", "unfollowed")
}

// preferencesPage shows which e-mails the user receives, and their language.
func (s *Server) preferencesPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	set, err := s.svc.EmailSettings(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.PreferencesData{Lang: set.Lang}
	for _, c := range passerelle.EmailCategories {
		data.Categories = append(data.Categories, view.EmailCategory{Name: string(c), On: set.Preferences.Wants(c)})
	}
	s.render(w, r, http.StatusOK, "preferences", &view.Page{Title: s.tr(r).T("preferences.heading"), Data: data})
}

func (s *Server) savePreferencesPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	if err := parseForm(w, r, 8<<10); err != nil {
		s.errorPage(w, r, err)
		return
	}
	on := r.PostForm["email"]
	set := service.EmailSettings{Lang: r.PostForm.Get("lang"), Preferences: passerelle.EmailPreferences{Off: map[passerelle.EmailCategory]bool{}}}
	for _, c := range passerelle.EmailCategories {
		set.Preferences.Off[c] = !slices.Contains(on, string(c))
	}
	if err := s.svc.SetEmailSettings(r.Context(), u, set); err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, "/preferences", "preferences")
}

func (s *Server) unsubscribeData(r *http.Request, token string, done bool) (*view.UnsubscribeData, error) {
	data := &view.UnsubscribeData{Token: token}
	var req *service.UnsubscribeRequest
	var err error
	if done {
		req, err = s.svc.Unsubscribe(r.Context(), token)
	} else {
		req, err = s.svc.CheckUnsubscribe(r.Context(), token)
	}
	if errorCode(err) == passerelle.ENotFound {
		return data, nil
	} else if err != nil {
		return nil, err
	}
	data.Valid, data.Done, data.Email, data.Category = true, done, req.User.Email, string(req.Category)
	return data, nil
}

// unsubscribeConfirmPage shows what the link of an e-mail would stop, with a
// button; opening the link changes nothing (mail scanners open links).
func (s *Server) unsubscribeConfirmPage(w http.ResponseWriter, r *http.Request) {
	s.unsubscribeAnswer(w, r, r.URL.Query().Get("token"), false)
}

// unsubscribeDonePage stops the e-mails of the token: from the button of the
// confirmation page, or in one click from the mail client (RFC 8058), which
// posts "List-Unsubscribe=One-Click" to the URL holding the token.
func (s *Server) unsubscribeDonePage(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, 4<<10); err != nil {
		s.errorPage(w, r, err)
		return
	}
	token := r.PostForm.Get("token")
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	s.unsubscribeAnswer(w, r, token, true)
}

func (s *Server) unsubscribeAnswer(w http.ResponseWriter, r *http.Request, token string, done bool) {
	data, err := s.unsubscribeData(r, token, done)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	status := http.StatusOK
	if !data.Valid {
		status = http.StatusBadRequest
	}
	w.Header().Set("Referrer-Policy", "no-referrer") // the token stays out of Referer
	s.render(w, r, status, "unsubscribe", &view.Page{Title: s.tr(r).T("unsubscribe.heading"), Data: data})
}

func themeURL(slug string) string { return "/themes/" + url.PathEscape(slug) }

// themePage lists the published practices of a theme, with a "Suivre" form.
func (s *Server) themePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	th := snap.Theme(chi.URLParam(r, "slug"))
	if th == nil {
		s.errorPage(w, r, passerelle.Errorf(passerelle.ENotFound, "Theme not found."))
		return
	}
	list, err := s.svc.Published(ctx, service.ListQuery{Theme: th.Slug, Page: r.URL.Query().Get("page")}, false)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.ThemeData{Theme: view.Theme{Slug: th.Slug, Name: th.Name}, Practices: cards(snap, list.Items),
		Pagination: view.Pagination{Page: list.Page, PerPage: list.PerPage, Total: list.Total}}
	pageURL := func(n int) string { return themeURL(th.Slug) + "?page=" + strconv.Itoa(n) }
	if list.Page > 1 {
		data.Pagination.PrevURL = pageURL(min(list.Page-1, data.Pagination.Pages()))
	}
	if list.Page < data.Pagination.Pages() {
		data.Pagination.NextURL = pageURL(list.Page + 1)
	}
	s.render(w, r, http.StatusOK, "theme", &view.Page{Title: th.Name, Data: data, Exports: s.pageExports(r, th.Name, "", th.Slug, "")})
}

func (s *Server) markOneReadPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := notifyID(r, "Notification")
	if err == nil {
		err = s.svc.MarkOneRead(r.Context(), u, id)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, "/notifications", "read_one")
}
