package view

import "time"

// sampleAccount returns the sample of a page of accounts and administration
// (models_accounts.go).
func sampleAccount(name string) struct {
	page *Page
	h1   map[string]string
} {
	type entry = struct {
		page *Page
		h1   map[string]string
	}
	admin := &User{ID: "u9", Name: "Camille Lefebvre", Email: "admin@example.org", IsAdmin: true}
	errs := []FormError{{Field: "email", Message: "Un compte ou une invitation en attente existe déjà pour cette adresse."}}
	user := AdminUser{ID: "u1", Name: "Awa Diallo", Email: "awa.diallo@example.org", URL: "/admin/utilisateurs/u1",
		Roles: []RoleView{{Role: "contributor", Territory: communeSD}}, CreatedAt: refNow.Add(-30 * 24 * time.Hour)}
	rows := []TerritoryRow{{Territory: regionIDF, EditURL: "/admin/territoires/11"},
		{Territory: dept93, Depth: 1, ParentName: regionIDF.Name, EditURL: "/admin/territoires/93"},
		{Territory: communeSD, Depth: 2, ParentName: dept93.Name, EditURL: "/admin/territoires/93066"}}
	switch name {
	case "invitation":
		return entry{&Page{Title: "Rejoindre Passerelle", Path: "/invitations/inv_x", Data: &InvitationData{Token: "inv_x",
			Email: "awa.diallo@example.org", Name: "Awa Diallo", Role: "contributor", Territory: communeSD, InvitedBy: "Jean Martin",
			ExpiresAt: refNow.Add(6 * 24 * time.Hour), Errors: []FormError{{Field: "password", Message: "Le mot de passe doit compter au moins 12 caractères."}}}},
			map[string]string{"fr": "Rejoindre Passerelle", "en": "Join Passerelle"}}
	case "password_forgot":
		return entry{&Page{Title: "Mot de passe oublié", Path: "/mot-de-passe/oublie", Data: &PasswordForgotData{Email: "awa@example.org"}},
			map[string]string{"fr": "Mot de passe oublié", "en": "Forgot your password"}}
	case "password_reset":
		return entry{&Page{Title: "Choisir un nouveau mot de passe", Path: "/mot-de-passe/reinitialiser/x", Data: &PasswordResetData{Token: "x"}},
			map[string]string{"fr": "Choisir un nouveau mot de passe", "en": "Choose a new password"}}
	case "account":
		return entry{&Page{Title: "Mon compte", Path: "/compte", User: sampleMod, Data: &AccountData{Name: sampleMod.Name, Email: sampleMod.Email,
			Roles: []RoleView{{Role: "moderator", Territory: dept93}}}},
			map[string]string{"fr": "Mon compte", "en": "My account"}}
	case "tokens":
		revoked := refNow.Add(-time.Hour)
		return entry{&Page{Title: "Mes jetons", Path: "/compte/jetons", User: sampleUser, Data: &TokensData{
			Tokens: []TokenView{{ID: "2", Name: "export mensuel", CreatedAt: refNow, ExpiresAt: refNow.Add(30 * 24 * time.Hour), Active: true},
				{ID: "1", CreatedAt: refNow.Add(-40 * 24 * time.Hour), ExpiresAt: refNow.Add(-10 * 24 * time.Hour), RevokedAt: &revoked}},
			NewToken: "psl_abc", NewTokenName: "export mensuel"}},
			map[string]string{"fr": "Mes jetons", "en": "My tokens"}}
	case "admin_home":
		return entry{&Page{Title: "Administration", Path: "/admin", User: admin, Data: &AdminHomeData{Users: 12, Territories: 40, Themes: 13, OpenInvitations: 1}},
			map[string]string{"fr": "Administration", "en": "Administration"}}
	case "admin_users":
		return entry{&Page{Title: "Comptes", Path: "/admin/utilisateurs", User: admin, Data: &AdminUsersData{Q: "awa",
			Users: []AdminUser{user, {ID: "u9", Name: "Camille Lefebvre", Email: "admin@example.org", URL: "/admin/utilisateurs/u9", Admin: true},
				{ID: "u3", Name: "Thomas Vasseur", Email: "t@example.org", URL: "/admin/utilisateurs/u3", Disabled: true}}}},
			map[string]string{"fr": "Comptes", "en": "Accounts"}}
	case "admin_user":
		return entry{&Page{Title: user.Name, Path: "/admin/utilisateurs/u1", User: admin, Data: &AdminUserData{User: user, Roles: Roles,
			Territories: []Territory{regionIDF, dept93, communeSD}, Form: GrantForm{Role: "moderator", Territory: "93"},
			Errors: []FormError{{Field: "territory", Message: "Choisissez un territoire dans la liste."}}}},
			map[string]string{"fr": user.Name, "en": user.Name}}
	case "admin_invitations":
		return entry{&Page{Title: "Invitations", Path: "/admin/invitations", User: sampleMod, Data: &AdminInvitationsData{
			Form:  InviteForm{Email: "awa.diallo@example.org", Name: "Awa Diallo", Role: "contributor", Territory: "93066"},
			Roles: []string{"contributor"}, Territories: []Territory{dept93, communeSD}, Errors: errs,
			Invitations: []InvitationRow{{ID: "1", Email: "awa.diallo@example.org", Name: "Awa Diallo", Role: "contributor", Status: "pending",
				InvitedBy: "Jean Martin", Territory: communeSD, CreatedAt: refNow, ExpiresAt: refNow.Add(7 * 24 * time.Hour)},
				{ID: "2", Email: "b@example.org", Name: "Bruno", Role: "moderator", Status: "accepted", Territory: dept93, CreatedAt: refNow, ExpiresAt: refNow}}}},
			map[string]string{"fr": "Invitations", "en": "Invitations"}}
	case "admin_territories":
		return entry{&Page{Title: "Territoires", Path: "/admin/territoires", User: admin, Data: &AdminTerritoriesData{Rows: rows, Levels: Levels,
			Form: TerritoryForm{Code: "93048", Name: "Montreuil", Level: "commune", Parent: "93"}, Imported: &ImportSummary{Created: 3, Updated: 1, Unchanged: 36},
			ImportErrors: []FormError{{Field: "file", Message: "Fichier refusé, rien n’a été importé : ligne 7 : le niveau « ville » est inconnu."}}}},
			map[string]string{"fr": "Territoires", "en": "Territories"}}
	case "admin_territory":
		return entry{&Page{Title: communeSD.Name, Path: "/admin/territoires/93066", User: admin, Data: &AdminTerritoryData{Levels: Levels,
			Territory: communeSD, Ancestors: []Territory{regionIDF, dept93}, Form: TerritoryForm{Code: "93066", Name: "Saint-Denis", Level: "commune", Parent: "93"},
			Parents: []Territory{regionIDF, dept93}}},
			map[string]string{"fr": communeSD.Name, "en": communeSD.Name}}
	case "admin_themes":
		return entry{&Page{Title: "Thèmes", Path: "/admin/themes", User: admin, Data: &AdminThemesData{
			Themes: []ThemeRow{{Slug: "emploi", Name: "Emploi et insertion"}, {Slug: "sante", Name: "Santé", Typed: ""}},
			Form:   Theme{Slug: "sport", Name: "Sport"},
			Errors: []FormError{{Field: "name-sante", Message: "Renseignez le champ « Nom »."}}}},
			map[string]string{"fr": "Thèmes", "en": "Themes"}}
	default:
		return entry{&Page{Title: "Journal", Path: "/admin/journal", User: admin, Data: &AdminJournalData{
			Filters: JournalFilters{Action: "role.grant"}, Actions: []string{"role.grant", "role.revoke"},
			Entries: []AuditRow{{At: refNow, ActorName: "Camille Lefebvre", ActorEmail: "admin@example.org", Action: "role.grant",
				Target: "awa.diallo@example.org", Details: []DetailView{{Key: "role", Value: "contributor"}, {Key: "territory", Value: "93066"}}},
				{At: refNow.Add(-time.Hour), Action: "territory.import", Target: "territories.csv"}},
			Pagination: Pagination{Page: 1, PerPage: 50, Total: 51, NextURL: "/admin/journal?page=2"}}},
			map[string]string{"fr": "Journal", "en": "journal"}}
	}
}
