package view

import (
	"html/template"
	"time"
)

// Sample data shared by the tests: realistic content for every page.

var (
	refNow = time.Date(2026, time.November, 28, 15, 30, 0, 0, time.UTC)

	regionIDF = Territory{Code: "11", Name: "Île-de-France", Level: "region", URL: "/territoires/11", Count: 1234}
	dept93    = Territory{Code: "93", Name: "Seine-Saint-Denis", Level: "department", URL: "/territoires/93", Count: 312}
	epciPC    = Territory{Code: "200057875", Name: "Plaine Commune", Level: "epci", URL: "/territoires/200057875", Count: 87}
	communeSD = Territory{Code: "93066", Name: "Saint-Denis", Level: "commune", URL: "/territoires/93066", Count: 41}
	qpvFrancs = Territory{Code: "QN09312M", Name: "Franc-Moisin – Bel-Air", Level: "qpv", URL: "/territoires/QN09312M", Count: 9}

	themeEmploi = Theme{Slug: "emploi", Name: "Emploi et insertion"}
	themeEduc   = Theme{Slug: "education", Name: "Éducation"}
	themeSante  = Theme{Slug: "sante", Name: "Santé"}

	sampleUser = &User{ID: "u1", Name: "Awa Diallo", Email: "awa.diallo@example.org", IsContributor: true}
	sampleMod  = &User{ID: "u2", Name: "Jean Martin", Email: "jean.martin@example.org", IsModerator: true, IsContributor: true}
)

func sampleCard(id, kind, title, status string, terr Territory, days int) PracticeCard {
	at := refNow.Add(-time.Duration(days) * 24 * time.Hour)
	c := PracticeCard{
		ID: id, URL: "/fiches/" + id, Kind: kind, Title: title, Status: status,
		Summary:    "Des habitantes et habitants du quartier accompagnés vers l’emploi grâce à des permanences au pied des immeubles, avec la mission locale et les bailleurs.",
		Territory:  terr,
		Themes:     []Theme{themeEmploi, themeEduc},
		AuthorName: "Awa Diallo",
		UpdatedAt:  at,
	}
	if status == "published" {
		c.PublishedAt = at
	}
	return c
}

func samplePractice(canDecide bool) *PracticeData {
	published := refNow.Add(-40 * 24 * time.Hour)
	started := time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC)
	d := &PracticeData{
		Practice: PracticeDetail{
			PracticeCard: sampleCard("b3f1", "experience", "Permanences emploi au pied des immeubles", "published", qpvFrancs, 3),
			BodyHTML:     template.HTML("<p>Chaque mardi, une <strong>permanence mobile</strong> s’installe dans le hall.</p><ul><li>Accueil sans rendez-vous</li><li>Orientation vers la mission locale</li></ul>"),
			Revision:     4,
			CreatedAt:    refNow.Add(-90 * 24 * time.Hour),
			PublishedAt:  &published,
			Experience: &ExperienceView{
				Context:   "Quartier de 8 000 habitants, taux de chômage des jeunes de 38 %.\nPeu de fréquentation des structures de droit commun.",
				Actions:   "Permanences hebdomadaires, porte-à-porte avec les adultes-relais.",
				Results:   "142 personnes reçues, 37 entrées en formation ou en emploi.",
				Lessons:   "Associer les gardiens d’immeuble dès le départ.",
				Partners:  []string{"Mission locale", "Plaine Commune Habitat", "France Travail"},
				StartedOn: &started,
			},
			History: []HistoryEntry{
				{At: refNow.Add(-90 * 24 * time.Hour), ActorName: "Awa Diallo", Action: "create", To: "draft"},
				{At: refNow.Add(-60 * 24 * time.Hour), ActorName: "Awa Diallo", Action: "submit", From: "draft", To: "submitted"},
				{At: refNow.Add(-50 * 24 * time.Hour), ActorName: "Jean Martin", Action: "request_changes", From: "submitted", To: "changes_requested", Comment: "Merci de préciser les partenaires financeurs."},
				{At: refNow.Add(-40 * 24 * time.Hour), ActorName: "Jean Martin", Action: "approve", From: "submitted", To: "published"},
			},
			CanEdit:     true,
			CanSubmit:   true,
			CanDecide:   canDecide,
			LastComment: "Merci de préciser les partenaires financeurs.",
		},
	}
	if canDecide {
		d.Errors = []FormError{{Field: "comment", Message: "Un commentaire est obligatoire pour demander des modifications."}}
		d.Decision = "request_changes"
		d.Comment = ""
	}
	return d
}

func sampleTool() *PracticeData {
	d := &PracticeData{Practice: PracticeDetail{
		PracticeCard: sampleCard("c9a2", "tool", "Jeu de plateau « Mon quartier demain »", "submitted", communeSD, 1),
		BodyHTML:     template.HTML("<p>Un jeu coopératif pour imaginer le quartier.</p>"),
		Revision:     1,
		CreatedAt:    refNow.Add(-2 * 24 * time.Hour),
		Tool: &ToolView{
			Audience:  []string{"Conseils citoyens", "Collégiens"},
			Format:    "game",
			Duration:  "2 heures",
			License:   "CC-BY-SA-4.0",
			Languages: []string{"français", "arabe"},
		},
	}}
	return d
}

func samplePractices() []PracticeCard {
	return []PracticeCard{
		sampleCard("b3f1", "experience", "Permanences emploi au pied des immeubles", "published", qpvFrancs, 3),
		sampleCard("c9a2", "tool", "Jeu de plateau « Mon quartier demain »", "published", communeSD, 12),
		sampleCard("d0e4", "experience", "Une fabrique à projets pour les jeunes", "published", epciPC, 30),
	}
}

// samplePages returns, for every page of Pages, realistic data and the text
// its h1 must contain (per language).
func samplePages() map[string]struct {
	page *Page
	h1   map[string]string
} {
	type entry = struct {
		page *Page
		h1   map[string]string
	}
	mine := samplePractices()
	mine[1].Status = "changes_requested"
	mine[2].Status = "draft"
	return map[string]entry{
		"home": {&Page{Title: "Accueil", Path: "/", Flash: "Vous êtes connecté·e.", User: sampleUser, Unread: 3, Data: &HomeData{
			Latest: samplePractices(),
			Regions: []TerritoryNode{
				{Territory: regionIDF, Children: []TerritoryNode{{Territory: dept93}, {Territory: Territory{Code: "94", Name: "Val-de-Marne", Level: "department", URL: "/territoires/94", Count: 1}}}},
				{Territory: Territory{Code: "84", Name: "Auvergne-Rhône-Alpes", Level: "region", URL: "/territoires/84"}},
			},
		}}, map[string]string{"fr": "Partager ce qui marche", "en": "Share what works"}},
		"territory": {&Page{Title: "Seine-Saint-Denis", Path: "/territoires/93", Data: &TerritoryData{
			Territory:  dept93,
			Ancestors:  []Territory{regionIDF},
			Children:   []Territory{epciPC, {Code: "200054781", Name: "Est Ensemble", Level: "epci", URL: "/territoires/200054781", Count: 1}},
			Practices:  samplePractices(),
			Pagination: Pagination{Page: 2, PerPage: 3, Total: 312, PrevURL: "/territoires/93?page=1", NextURL: "/territoires/93?page=3"},
		}}, map[string]string{"fr": "Seine-Saint-Denis", "en": "Seine-Saint-Denis"}},
		"practice": {&Page{Title: "Permanences emploi au pied des immeubles", Path: "/fiches/b3f1", User: sampleMod, Data: samplePractice(true)},
			map[string]string{"fr": "Permanences emploi", "en": "Permanences emploi"}},
		"login": {&Page{Title: "Se connecter", Path: "/login", Data: &LoginData{Email: "awa@example.org", Next: "/mes-fiches",
			Errors: []FormError{{Message: "Adresse ou mot de passe incorrect."}, {Field: "password", Message: "Saisissez votre mot de passe."}}}},
			map[string]string{"fr": "Se connecter", "en": "Sign in"}},
		"practice_form": {&Page{Title: "Nouvelle fiche", Path: "/fiches/nouvelle", User: sampleUser, Data: &PracticeFormData{
			Version: 0,
			Form: PracticeForm{Kind: "experience", Title: "Café des parents <au collège>", Summary: "", Body: "## Contexte\n\n- un\n- deux",
				Territory: "93066", Themes: []string{"education"}, StartedOn: "2025-09-01", Partners: "Collège Garcia-Lorca\nCentre social", License: "CC-BY-4.0", Format: "guide"},
			Territories: []Territory{dept93, communeSD, qpvFrancs},
			Themes:      []Theme{themeEmploi, themeEduc, themeSante},
			Errors: []FormError{
				{Field: "summary", Message: "Le résumé est obligatoire."},
				{Field: "themes", Message: "Choisissez au moins un thème."},
				{Field: "ended_on", Message: "La date de fin doit suivre la date de début."},
			},
			Writing: WritingAids{Required: map[string]bool{"title": true, "summary": true, "body": true, "territory": true,
				"themes": true, "context": true, "actions": true, "results": true, "audience": true, "format": true, "license": true},
				Checklist: []ChecklistItem{{Input: "title", Label: "Titre", Done: true}, {Input: "summary", Label: "Résumé"},
					{Input: "audience", Label: "Public visé", Kind: "tool", Hidden: true}},
				Missing: "Résumé"},
		}}, map[string]string{"fr": "Nouvelle fiche", "en": "New practice"}},
		"my_practices": {&Page{Title: "Mes fiches", Path: "/mes-fiches", User: sampleUser, Data: &MyPracticesData{
			Practices: mine,
			Comments:  map[string]string{"c9a2": "Ajoutez la durée d’une partie."},
		}}, map[string]string{"fr": "Mes fiches", "en": "My practices"}},
		"queue": {&Page{Title: "File de relecture", Path: "/relecture", User: sampleMod, Data: &QueueData{Items: []QueueItem{
			{PracticeCard: sampleCard("e1", "tool", "Mallette « Budget participatif »", "submitted", dept93, 0), SubmittedAt: refNow.Add(-2 * time.Hour), Territory: dept93},
			{PracticeCard: sampleCard("e2", "experience", "Chantier éducatif d’été", "submitted", communeSD, 0), SubmittedAt: refNow.Add(-9 * 24 * time.Hour), Territory: communeSD},
		}}}, map[string]string{"fr": "File de relecture", "en": "Review queue"}},
		"notifications": {&Page{Title: "Notifications", Path: "/notifications", User: sampleUser, Unread: 1, Data: &NotificationsData{Unread: 1, Items: []NotificationItem{
			{ID: "n1", Type: "changes_requested", Message: "Des modifications sont demandées sur « Jeu de plateau ».", URL: "/fiches/c9a2", CreatedAt: refNow.Add(-3 * time.Hour)},
			{ID: "n2", Type: "published", Message: "Votre fiche a été publiée.", URL: "/fiches/b3f1", Read: true, CreatedAt: refNow.Add(-40 * 24 * time.Hour)},
		}}}, map[string]string{"fr": "Notifications", "en": "Notifications"}},
		"error": {&Page{Title: "Page introuvable", Path: "/nulle-part", Data: &ErrorData{Status: 404, Message: "Cette page n’existe pas ou a été déplacée."}},
			map[string]string{"fr": "Erreur 404", "en": "Error 404"}},
		// Subscriptions and notifications: sample_notify_test.go.
		"subscriptions": sampleNotify("subscriptions"), "preferences": sampleNotify("preferences"),
		"unsubscribe": sampleNotify("unsubscribe"), "theme": sampleNotify("theme"), "jobs_unavailable": sampleNotify("jobs_unavailable"),
		// Accounts and administration: sample_accounts_test.go.
		"invitation": sampleAccount("invitation"), "password_forgot": sampleAccount("password_forgot"),
		"password_reset": sampleAccount("password_reset"), "account": sampleAccount("account"), "tokens": sampleAccount("tokens"),
		"admin_home": sampleAccount("admin_home"), "admin_users": sampleAccount("admin_users"), "admin_user": sampleAccount("admin_user"),
		"admin_invitations": sampleAccount("admin_invitations"), "admin_territories": sampleAccount("admin_territories"),
		"admin_territory": sampleAccount("admin_territory"), "admin_themes": sampleAccount("admin_themes"),
		"admin_journal": sampleAccount("admin_journal"),
		// Discovery: sample_discover_test.go.
		"search": sampleDiscover("search"), "tools": sampleDiscover("tools"), "themes": sampleDiscover("themes"),
		"territories": sampleDiscover("territories"),
		// Network meetings: sample_meetings_test.go.
		"meetings": sampleMeeting("meetings"), "meeting": sampleMeeting("meeting"), "meeting_form": sampleMeeting("meeting_form"),
		"meeting_attendance": sampleMeeting("meeting_attendance"), "meeting_record": sampleMeeting("meeting_record"),
		// The moderator's desk: sample_desk_test.go.
		"desk": sampleDesk(), "follow": sampleFollow(), "figures": sampleFigures(),
		// Bookmarks: sample_readers_test.go.
		"bookmarks": sampleBookmarks(),
	}
}
