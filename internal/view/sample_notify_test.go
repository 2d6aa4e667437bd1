package view

// sampleNotify returns the sample of a page of subscriptions and
// notifications (models_notify.go).
func sampleNotify(name string) struct {
	page *Page
	h1   map[string]string
} {
	type entry = struct {
		page *Page
		h1   map[string]string
	}
	switch name {
	case "subscriptions":
		d := &SubscriptionsData{
			Items: []SubscriptionItem{
				{ID: "1", Territory: dept93.Name, TerritoryURL: dept93.URL, Frequency: "instant"},
				{ID: "2", Theme: themeEmploi.Name, ThemeURL: "/themes/emploi", Kind: "tool", Frequency: "weekly"},
			},
			Territories: []Territory{regionIDF, dept93, communeSD},
			Themes:      []Theme{themeEmploi, themeEduc},
			Errors:      []FormError{{Field: "territory", Message: "Choisissez au moins un critère."}},
		}
		d.Form.Frequency = "daily"
		return entry{&Page{Title: "Mes abonnements", Path: "/abonnements", User: sampleUser, Data: d},
			map[string]string{"fr": "Mes abonnements", "en": "My subscriptions"}}
	case "preferences":
		return entry{&Page{Title: "Préférences", Path: "/preferences", User: sampleUser, Data: &PreferencesData{Lang: "fr",
			Categories: []EmailCategory{{Name: "reviews", On: true}, {Name: "decisions", On: true}, {Name: "new_practices"}, {Name: "digests", On: true}}}},
			map[string]string{"fr": "Mes préférences de messages", "en": "My message preferences"}}
	case "unsubscribe":
		return entry{&Page{Title: "Se désabonner", Path: "/unsubscribe", Data: &UnsubscribeData{Valid: true, Token: "abc.def",
			Email: "awa.diallo@example.org", Category: "new_practices"}},
			map[string]string{"fr": "Se désabonner", "en": "Unsubscribe"}}
	case "theme":
		return entry{&Page{Title: themeEmploi.Name, Path: "/themes/emploi", Data: &ThemeData{Theme: themeEmploi, Practices: samplePractices(),
			Pagination: Pagination{Page: 1, PerPage: 20, Total: 3}}},
			map[string]string{"fr": themeEmploi.Name, "en": themeEmploi.Name}}
	default:
		return entry{&Page{Title: "Tâches de fond", Path: "/admin/jobs", User: sampleUser, Data: &JobsData{Reason: "River UI indisponible."}},
			map[string]string{"fr": "Tâches de fond", "en": "Background jobs"}}
	}
}
