package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// Following a territory or a theme: one button on its page leads to
// /suivre, where the frequency is chosen; an anonymous visitor's choice
// goes through the login form in its safe next (/suivre?territory=…&
// frequency=…), and the login, once the password is checked, does the
// follow and goes back to the territory's or theme's page
// (followAfterSignIn).

// followTarget reads what to follow from q: a territory code or a theme
// slug that exists, its name and its page; ok false otherwise.
func (s *Server) followTarget(ctx context.Context, q url.Values) (in service.SubscriptionInput, name, back string, ok bool) {
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return in, "", "", false
	}
	in.Territory, in.Theme, in.Frequency = q.Get("territory"), q.Get("theme"), q.Get("frequency")
	switch {
	case in.Territory != "" && in.Theme == "":
		t := snap.Tree().Get(in.Territory)
		if t == nil {
			return in, "", "", false
		}
		return in, t.Name, "/territoires/" + url.PathEscape(t.Code), true
	case in.Theme != "" && in.Territory == "":
		th := snap.Theme(in.Theme)
		if th == nil {
			return in, "", "", false
		}
		return in, th.Name, "/themes/" + url.PathEscape(th.Slug), true
	}
	return in, "", "", false
}

// followPage offers to follow a territory or a theme, the frequency to
// choose; to anyone (an anonymous visitor's form goes through the login).
func (s *Server) followPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	in, name, back, ok := s.followTarget(ctx, r.URL.Query())
	if !ok {
		s.errorPage(w, r, passerelle.Errorf(passerelle.ENotFound, "Nothing to follow."))
		return
	}
	u := userFrom(ctx)
	data := &view.FollowData{Territory: in.Territory, Theme: in.Theme, Name: name, Back: back, Frequency: in.Frequency, SignedIn: u != nil}
	if data.Frequency == "" {
		data.Frequency = string(passerelle.FrequencyWeekly)
	}
	if u != nil {
		subs, err := s.svc.Subscriptions(ctx, u)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		for _, sub := range subs {
			if sub.Territory == in.Territory && sub.Theme == in.Theme && sub.Kind == "" {
				data.Following = string(sub.Frequency)
			}
		}
	}
	s.render(w, r, http.StatusOK, "follow", &view.Page{Title: followTitle(s.tr(r), data), Data: data})
}

// followPost follows what the form names at the chosen frequency
// (service.Subscribe) and goes back to its page; an anonymous visitor goes
// to the login form first, the follow kept in next.
func (s *Server) followPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	in, name, back, ok := s.followTarget(ctx, r.PostForm)
	if !ok {
		s.errorPage(w, r, passerelle.Errorf(passerelle.ENotFound, "Nothing to follow."))
		return
	}
	u := userFrom(ctx)
	if u == nil {
		q := url.Values{"frequency": {in.Frequency}}
		if in.Territory != "" {
			q.Set("territory", in.Territory)
		} else {
			q.Set("theme", in.Theme)
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape("/suivre?"+q.Encode()), http.StatusSeeOther)
		return
	}
	flash, err := s.follow(ctx, u, in)
	switch errorCode(err) {
	case "":
		s.redirectWithFlash(w, r, back, flash)
	case passerelle.EValidation:
		tr := s.tr(r)
		data := &view.FollowData{Territory: in.Territory, Theme: in.Theme, Name: name, Back: back, Frequency: in.Frequency, SignedIn: true,
			Errors: []view.FormError{{Field: "frequency", Message: tr.T("subscriptions.error.frequency")}}}
		s.render(w, r, http.StatusBadRequest, "follow", &view.Page{Title: followTitle(tr, data), Data: data})
	default:
		s.errorPage(w, r, err)
	}
}

// follow subscribes u; following it already is no error. It returns the
// flash to show.
func (s *Server) follow(ctx context.Context, u *passerelle.User, in service.SubscriptionInput) (string, error) {
	_, err := s.svc.Subscribe(ctx, u, in)
	if errorCode(err) == passerelle.EConflict {
		return "already_following", nil
	}
	return "followed", err
}

// followAfterSignIn does the follow an anonymous visitor asked for before
// signing in (next is /suivre with what and how often, see followPost) and
// returns the page to go back to with its flash; ok false when next asks
// for no follow, or a follow that cannot be done (then the visitor goes to
// next, the form, to see why).
func (s *Server) followAfterSignIn(ctx context.Context, u *passerelle.User, next string) (to, flash string, ok bool) {
	n, err := url.Parse(next)
	if err != nil || n.Path != "/suivre" || n.Query().Get("frequency") == "" {
		return "", "", false
	}
	in, _, back, found := s.followTarget(ctx, n.Query())
	if !found {
		return "", "", false
	}
	flash, err = s.follow(ctx, u, in)
	if err != nil {
		return "", "", false
	}
	return back, flash, true
}

// followTitle is the title of the follow page, its heading.
func followTitle(tr *view.Translator, d *view.FollowData) string {
	if d.Territory != "" {
		return tr.T("desk.follow.heading_territory", "name", d.Name)
	}
	return tr.T("desk.follow.heading_theme", "name", d.Name)
}
