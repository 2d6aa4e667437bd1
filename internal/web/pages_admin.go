package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// The administration pages, under /admin: for administrators only (403 for
// anyone else, the login form for an anonymous visitor) — except the
// invitation form, which moderators use to invite contributors on the
// territories they moderate. Every change goes through the same service
// methods as the API and the command line, which write the audit log.

// adminOnly lets administrators through; it sends an anonymous visitor to
// the login form and answers anyone else with the 403 page.
func (s *Server) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := s.signedIn(w, r)
		if u == nil {
			return
		}
		if !u.IsAdmin() {
			s.errorPage(w, r, passerelle.Errorf(passerelle.EForbidden, "Administrators only."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// treeOrder returns the territories of tree, each followed by those below
// it, with their depth.
func treeOrder(tree *passerelle.Tree) []view.TerritoryRow {
	var rows []view.TerritoryRow
	tree.Walk(func(t *passerelle.Territory, depth int) bool {
		row := view.TerritoryRow{Territory: territoryView(t, nil), Depth: depth, EditURL: "/admin/territoires/" + url.PathEscape(t.Code)}
		if p := tree.Get(t.ParentCode); p != nil {
			row.ParentName = p.Name
		}
		rows = append(rows, row)
		return true
	})
	return rows
}

func territoriesOf(rows []view.TerritoryRow) []view.Territory {
	out := make([]view.Territory, len(rows))
	for i, r := range rows {
		out[i] = r.Territory
	}
	return out
}

func (s *Server) adminHomePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actor := userFrom(ctx)
	users, err := s.svc.Users(ctx, actor)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	invitations, err := s.svc.Invitations(ctx, actor)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.AdminHomeData{Users: len(users), Territories: snap.Tree().Len(), Themes: len(snap.Themes())}
	for _, inv := range invitations {
		if inv.State(time.Now()) == passerelle.InvitationPending {
			data.OpenInvitations++
		}
	}
	s.render(w, r, http.StatusOK, "admin_home", &view.Page{Title: s.tr(r).T("admin.home.heading"), Data: data})
}

func (s *Server) adminUsersPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actor := userFrom(ctx)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	users, err := s.svc.SearchUsers(ctx, actor, q)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	grants, err := s.svc.GrantsOfUsers(ctx, actor, users)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	methods, err := s.svc.SignInMethods(ctx, actor, users)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.AdminUsersData{Q: q, Truncated: len(users) >= service.MaxUserResults}
	for _, u := range users {
		au := adminUser(snap, u, grants[u.ID])
		au.SignIn = s.signInView(methods[u.ID])
		data.Users = append(data.Users, au)
	}
	s.render(w, r, http.StatusOK, "admin_users", &view.Page{Title: s.tr(r).T("admin.users.heading"), Data: data})
}

func adminUser(snap *authz.Snapshot, u *passerelle.User, grants []passerelle.Grant) view.AdminUser {
	out := view.AdminUser{ID: idString(u.ID), Name: u.Name, Email: u.Email, URL: "/admin/utilisateurs/" + idString(u.ID),
		Admin: u.Admin, Disabled: u.Disabled(), CreatedAt: u.CreatedAt}
	for _, g := range grants {
		out.Roles = append(out.Roles, view.RoleView{Role: string(g.Role), Territory: territoryOf(snap.Tree(), g.Territory)})
	}
	return out
}

// adminUserData loads the page of the account of the route's {id}.
func (s *Server) adminUserData(r *http.Request) (*passerelle.User, *view.AdminUserData, error) {
	ctx := r.Context()
	actor := userFrom(ctx)
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return nil, nil, passerelle.Errorf(passerelle.ENotFound, "No such account.")
	}
	u, grants, err := s.svc.User(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	data := &view.AdminUserData{User: adminUser(snap, u, grants), IsSelf: u.ID == actor.ID, Roles: view.Roles,
		Territories: territoriesOf(treeOrder(snap.Tree())), Form: view.GrantForm{Role: string(passerelle.RoleContributor)}}
	methods, err := s.svc.SignInMethods(ctx, actor, []*passerelle.User{u})
	if err != nil {
		return nil, nil, err
	}
	data.User.SignIn = s.signInView(methods[u.ID])
	return u, data, nil
}

func (s *Server) adminUserPage(w http.ResponseWriter, r *http.Request) {
	u, data, err := s.adminUserData(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_user", &view.Page{Title: u.Name, Data: data})
}

// adminMessage returns the translated message of a refusal without fields
// on the administration pages, by what it is about.
func adminMessage(tr *view.Translator, err error, conflictKey string) []view.FormError {
	switch errorCode(err) {
	case passerelle.EConflict:
		if conflictKey != "" {
			return []view.FormError{{Message: tr.T(conflictKey)}}
		}
	case passerelle.ENotFound:
		if conflictKey == "admin.error.role_not_held" {
			return []view.FormError{{Message: tr.T(conflictKey)}}
		}
	}
	return errorsFor(tr, err, accountFields)
}

// adminRolePage grants or takes back a role of the route's account.
func (s *Server) adminRolePage(grant bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := parseForm(w, r, maxSmallForm); err != nil {
			s.errorPage(w, r, err)
			return
		}
		u, data, err := s.adminUserData(r)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		ctx := r.Context()
		in := service.GrantInput{Email: u.Email, Role: r.PostForm.Get("role"), Territory: r.PostForm.Get("territory")}
		flash := "granted"
		if grant {
			err = s.svc.Grant(ctx, userFrom(ctx), in)
		} else {
			err, flash = s.svc.Revoke(ctx, userFrom(ctx), in), "revoked"
		}
		switch code := errorCode(err); code {
		case "":
			s.redirectWithFlash(w, r, data.User.URL, flash)
		case passerelle.EValidation, passerelle.ENotFound, passerelle.EConflict:
			if grant {
				data.Form = view.GrantForm{Role: in.Role, Territory: in.Territory}
			}
			data.Errors = adminMessage(s.tr(r), err, "admin.error.role_not_held")
			s.render(w, r, statusOf[code], "admin_user", &view.Page{Title: u.Name, Data: data})
		default:
			s.errorPage(w, r, err)
		}
	}
}

// adminUserStatePage disables or enables the route's account.
func (s *Server) adminUserStatePage(enable bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, data, err := s.adminUserData(r)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		ctx := r.Context()
		flash := "enabled"
		if enable {
			err = s.svc.EnableUser(ctx, userFrom(ctx), u.Email)
		} else {
			err, flash = s.svc.DisableUser(ctx, userFrom(ctx), u.Email), "disabled"
		}
		switch code := errorCode(err); code {
		case "":
			if !enable && data.IsSelf {
				// One's own sessions are gone with the account.
				s.clearSessionCookie(w)
				s.redirectWithFlash(w, r, "/", "logout")
				return
			}
			s.redirectWithFlash(w, r, data.User.URL, flash)
		case passerelle.EConflict:
			data.Errors = adminMessage(s.tr(r), err, "admin.error.last_admin")
			s.render(w, r, http.StatusConflict, "admin_user", &view.Page{Title: u.Name, Data: data})
		default:
			s.errorPage(w, r, err)
		}
	}
}

// invitationsData fills the invitation page for the actor: an administrator
// invites to any role anywhere, a moderator contributors on what they
// moderate. It fails with forbidden for anyone else.
func (s *Server) invitationsData(r *http.Request) (*view.AdminInvitationsData, error) {
	ctx := r.Context()
	actor := userFrom(ctx)
	list, err := s.svc.Invitations(ctx, actor)
	if err != nil {
		return nil, err
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	rows := treeOrder(snap.Tree())
	data := &view.AdminInvitationsData{Roles: view.Roles, Form: view.InviteForm{Role: string(passerelle.RoleContributor)}}
	if actor.IsAdmin() {
		data.Territories = territoriesOf(rows)
	} else {
		data.Roles = []string{string(passerelle.RoleContributor)}
		scope := snap.Scopes(actor, passerelle.PermInvite)
		for _, row := range rows {
			if slices.Contains(scope, row.Code) {
				data.Territories = append(data.Territories, row.Territory)
			}
		}
	}
	now := time.Now()
	for _, inv := range list {
		data.Invitations = append(data.Invitations, view.InvitationRow{ID: idString(inv.ID), Email: inv.Email, Name: inv.Name,
			Role: string(inv.Role), Status: string(inv.State(now)), InvitedBy: inv.InvitedByName,
			Territory: territoryOf(snap.Tree(), inv.Territory), CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt})
	}
	return data, nil
}

func (s *Server) adminInvitationsPage(w http.ResponseWriter, r *http.Request) {
	if s.signedIn(w, r) == nil {
		return
	}
	data, err := s.invitationsData(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_invitations", &view.Page{Title: s.tr(r).T("admin.invitations.heading"), Data: data})
}

func (s *Server) adminInvitePage(w http.ResponseWriter, r *http.Request) {
	actor := s.signedIn(w, r)
	if actor == nil {
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	data, err := s.invitationsData(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	f := view.InviteForm{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Role: r.PostForm.Get("role"), Territory: r.PostForm.Get("territory")}
	_, err = s.svc.Invite(r.Context(), actor, service.InvitationInput{Email: f.Email, Name: f.Name, Role: f.Role, Territory: f.Territory, Lang: s.lang(r)})
	switch code := errorCode(err); code {
	case "":
		s.redirectWithFlash(w, r, "/admin/invitations", "invited")
		return
	case passerelle.EForbidden:
		data.Errors = []view.FormError{{Message: tr.T("admin.error.forbidden_invite")}}
	case passerelle.EValidation, passerelle.EConflict:
		data.Errors = errorsFor(tr, err, accountFields)
	default:
		s.errorPage(w, r, err)
		return
	}
	data.Form = f
	s.render(w, r, statusFor(err), "admin_invitations", &view.Page{Title: tr.T("admin.invitations.heading"), Data: data})
}

func (s *Server) adminRevokeInvitationPage(w http.ResponseWriter, r *http.Request) {
	actor := s.signedIn(w, r)
	if actor == nil {
		return
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		s.errorPage(w, r, passerelle.Errorf(passerelle.ENotFound, "Invitation not found."))
		return
	}
	err = s.svc.RevokeInvitation(r.Context(), actor, id)
	switch errorCode(err) {
	case "":
		s.redirectWithFlash(w, r, "/admin/invitations", "invitation_revoked")
	case passerelle.EConflict:
		data, derr := s.invitationsData(r)
		if derr != nil {
			s.errorPage(w, r, derr)
			return
		}
		data.Errors = adminMessage(s.tr(r), err, "admin.error.invitation_closed")
		s.render(w, r, http.StatusConflict, "admin_invitations", &view.Page{Title: s.tr(r).T("admin.invitations.heading"), Data: data})
	default:
		s.errorPage(w, r, err)
	}
}

// territoriesData fills the territories page.
func (s *Server) territoriesData(r *http.Request) (*view.AdminTerritoriesData, error) {
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	return &view.AdminTerritoriesData{Rows: treeOrder(snap.Tree()), Levels: view.Levels}, nil
}

func (s *Server) adminTerritoriesPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.territoriesData(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_territories", &view.Page{Title: s.tr(r).T("admin.territories.heading"), Data: data})
}

func (s *Server) adminAddTerritoryPage(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	f := view.TerritoryForm{Code: r.PostForm.Get("code"), Name: r.PostForm.Get("name"),
		Level: r.PostForm.Get("level"), Parent: r.PostForm.Get("parent")}
	t := passerelle.Territory{Code: f.Code, Name: f.Name, Level: passerelle.Level(f.Level), ParentCode: f.Parent}
	err := s.svc.AddTerritory(r.Context(), userFrom(r.Context()), t)
	f.Code = t.Normalize().Code // as stored
	code := errorCode(err)
	if code == "" {
		s.redirectWithFlash(w, r, "/admin/territoires/"+url.PathEscape(f.Code), "territory_created")
		return
	}
	if code != passerelle.EValidation && code != passerelle.EConflict {
		s.errorPage(w, r, err)
		return
	}
	data, derr := s.territoriesData(r)
	if derr != nil {
		s.errorPage(w, r, derr)
		return
	}
	data.Form, data.Errors = f, adminMessage(s.tr(r), err, "admin.error.territory_taken")
	s.render(w, r, statusOf[code], "admin_territories", &view.Page{Title: s.tr(r).T("admin.territories.heading"), Data: data})
}

// adminImportPage imports the uploaded territory file: all or nothing.
func (s *Server) adminImportPage(w http.ResponseWriter, r *http.Request) {
	tr := s.tr(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxImport)
	var file multipart.File
	var name string
	err := r.ParseMultipartForm(maxImport)
	if err == nil {
		var h *multipart.FileHeader
		if file, h, err = r.FormFile("file"); err == nil {
			defer func() { _ = file.Close() }()
			name = h.Filename
			err = headerValueProblem("file", name)
		}
	}
	data, derr := s.territoriesData(r)
	if derr != nil {
		s.errorPage(w, r, derr)
		return
	}
	page := &view.Page{Title: tr.T("admin.territories.heading"), Data: data}
	if err != nil {
		ferr := importFormError(err)
		if errorCode(ferr) == passerelle.ETooLarge {
			s.errorPage(w, r, ferr)
			return
		}
		reason := passerelle.FieldRequired
		if e := (*passerelle.Error)(nil); errors.As(ferr, &e) && e.Fields["file"] == passerelle.FieldCharacters {
			reason = passerelle.FieldCharacters
		}
		data.ImportErrors = []view.FormError{inputError(tr, "file", reason)}
		s.render(w, r, http.StatusBadRequest, "admin_territories", page)
		return
	}
	res, err := s.svc.ImportTerritories(r.Context(), userFrom(r.Context()), name, io.Reader(file))
	var ie *passerelle.ImportError
	switch {
	case err == nil:
		if data, derr = s.territoriesData(r); derr != nil {
			s.errorPage(w, r, derr)
			return
		}
		data.Imported = &view.ImportSummary{Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged}
		s.render(w, r, http.StatusOK, "admin_territories", &view.Page{Title: page.Title, Data: data})
	case errors.As(err, &ie):
		msg := tr.T("admin.territories.import.reason."+ie.Reason, "value", ie.Value)
		if ie.Line > 0 {
			msg = tr.T("admin.territories.import.line", "line", strconv.Itoa(ie.Line)) + msg
		}
		data.ImportErrors = []view.FormError{{Field: "file", Message: tr.T("admin.territories.import.error", "message", msg)}}
		s.render(w, r, http.StatusBadRequest, "admin_territories", page)
	default:
		s.errorPage(w, r, err)
	}
}

// territoryData fills the page of the route's territory.
func (s *Server) territoryData(r *http.Request) (*view.AdminTerritoryData, error) {
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	tree := snap.Tree()
	t := tree.Get(chi.URLParam(r, "code"))
	if t == nil {
		return nil, passerelle.Errorf(passerelle.ENotFound, "Territory not found.")
	}
	data := &view.AdminTerritoryData{Levels: view.Levels, Territory: territoryView(t, nil),
		Form: view.TerritoryForm{Code: t.Code, Name: t.Name, Level: string(t.Level), Parent: t.ParentCode}}
	for _, a := range tree.Ancestors(t.Code) {
		data.Ancestors = append(data.Ancestors, territoryView(&a, nil))
	}
	below := tree.Subtree(t.Code)
	for _, row := range treeOrder(tree) {
		if !slices.Contains(below, row.Code) {
			data.Parents = append(data.Parents, row.Territory)
		}
	}
	return data, nil
}

func (s *Server) adminTerritoryPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.territoryData(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_territory", &view.Page{Title: data.Territory.Name, Data: data})
}

// adminUpdateTerritoryPage renames, re-levels or moves the territory.
func (s *Server) adminUpdateTerritoryPage(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	data, err := s.territoryData(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f := view.TerritoryForm{Code: data.Territory.Code, Name: r.PostForm.Get("name"), Level: r.PostForm.Get("level"), Parent: r.PostForm.Get("parent")}
	_, err = s.svc.UpdateTerritory(r.Context(), userFrom(r.Context()), f.Code,
		service.TerritoryUpdate{Name: &f.Name, Level: &f.Level, Parent: &f.Parent})
	switch code := errorCode(err); code {
	case "":
		s.redirectWithFlash(w, r, "/admin/territoires/"+url.PathEscape(f.Code), "territory_saved")
	case passerelle.EValidation:
		data.Form, data.Errors = f, errorsFor(s.tr(r), err, accountFields)
		s.render(w, r, http.StatusBadRequest, "admin_territory", &view.Page{Title: data.Territory.Name, Data: data})
	default:
		s.errorPage(w, r, err)
	}
}

// themesData fills the themes page.
func (s *Server) themesData(r *http.Request) (*view.AdminThemesData, error) {
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	data := &view.AdminThemesData{}
	for _, t := range snap.Themes() {
		data.Themes = append(data.Themes, view.ThemeRow{Slug: t.Slug, Name: t.Name})
	}
	return data, nil
}

func (s *Server) adminThemesPage(w http.ResponseWriter, r *http.Request) {
	data, err := s.themesData(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_themes", &view.Page{Title: s.tr(r).T("admin.themes.heading"), Data: data})
}

func (s *Server) adminAddThemePage(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	t := passerelle.Theme{Slug: r.PostForm.Get("slug"), Name: r.PostForm.Get("name")}
	err := s.svc.AddTheme(r.Context(), userFrom(r.Context()), t)
	code := errorCode(err)
	if code == "" {
		s.redirectWithFlash(w, r, "/admin/themes", "theme_created")
		return
	}
	if code != passerelle.EValidation && code != passerelle.EConflict {
		s.errorPage(w, r, err)
		return
	}
	data, derr := s.themesData(r)
	if derr != nil {
		s.errorPage(w, r, derr)
		return
	}
	data.Form = view.Theme{Slug: t.Slug, Name: t.Name}
	data.Errors = adminMessage(s.tr(r), err, "admin.error.theme_taken")
	s.render(w, r, statusOf[code], "admin_themes", &view.Page{Title: s.tr(r).T("admin.themes.heading"), Data: data})
}

func (s *Server) adminRenameThemePage(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	slug, name := chi.URLParam(r, "slug"), r.PostForm.Get("name")
	err := s.svc.RenameTheme(r.Context(), userFrom(r.Context()), slug, name)
	switch code := errorCode(err); code {
	case "":
		s.redirectWithFlash(w, r, "/admin/themes", "theme_saved")
	case passerelle.EValidation:
		data, derr := s.themesData(r)
		if derr != nil {
			s.errorPage(w, r, derr)
			return
		}
		tr := s.tr(r)
		for i := range data.Themes {
			if data.Themes[i].Slug == slug {
				data.Themes[i].Typed = name
			}
		}
		field := formField{"name", "name-" + slug, "admin.themes.name"}
		data.Errors = errorsFor(tr, err, []formField{field})
		s.render(w, r, http.StatusBadRequest, "admin_themes", &view.Page{Title: tr.T("admin.themes.heading"), Data: data})
	default:
		s.errorPage(w, r, err)
	}
}

func (s *Server) adminJournalPage(w http.ResponseWriter, r *http.Request) {
	tr := s.tr(r)
	q := r.URL.Query()
	f := view.JournalFilters{Actor: q.Get("actor"), Action: q.Get("action"), From: q.Get("from"), To: q.Get("to"), Target: q.Get("target")}
	data := &view.AdminJournalData{Filters: f}
	for _, a := range passerelle.AuditActions {
		data.Actions = append(data.Actions, string(a))
	}
	j, err := s.svc.Journal(r.Context(), userFrom(r.Context()), service.JournalQuery{Actor: f.Actor, Action: f.Action,
		From: f.From, To: f.To, Target: f.Target, Page: q.Get("page")})
	if err != nil {
		if errorCode(err) != passerelle.EInvalid {
			s.errorPage(w, r, err)
			return
		}
		data.Errors = errorsFor(tr, err, accountFields)
		s.render(w, r, http.StatusBadRequest, "admin_journal", &view.Page{Title: tr.T("admin.journal.heading"), Data: data})
		return
	}
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	for _, e := range j.Entries {
		data.Entries = append(data.Entries, journalRow(tr, snap, e))
	}
	data.Pagination = view.Pagination{Page: j.Page, PerPage: j.PerPage, Total: j.Total}
	link := func(page int) string {
		v := url.Values{}
		for k, val := range map[string]string{"actor": f.Actor, "action": f.Action, "from": f.From, "to": f.To, "target": f.Target} {
			if val != "" {
				v.Set(k, val)
			}
		}
		v.Set("page", strconv.Itoa(page))
		return "/admin/journal?" + v.Encode()
	}
	if j.Page > 1 {
		data.Pagination.PrevURL = link(j.Page - 1)
	}
	if j.Page*j.PerPage < j.Total {
		data.Pagination.NextURL = link(j.Page + 1)
	}
	s.render(w, r, http.StatusOK, "admin_journal", &view.Page{Title: tr.T("admin.journal.heading"), Data: data})
}
