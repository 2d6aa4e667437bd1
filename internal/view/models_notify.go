package view

// SubscriptionItem is one subscription on the "Mes abonnements" page.
// Territory and Theme are display names (empty when not a criterion); Kind is
// "experience", "tool" or empty; Frequency is instant, daily or weekly.
type SubscriptionItem struct {
	ID                      string
	Territory, TerritoryURL string
	Theme, ThemeURL         string
	Kind, Frequency         string
}

// SubscriptionsData is the "Mes abonnements" page: the user's subscriptions
// and a form to add one, with the territories and themes to choose from.
type SubscriptionsData struct {
	Items       []SubscriptionItem
	Territories []Territory
	Themes      []Theme
	Errors      []FormError
	// Form holds what was typed when the form comes back with errors.
	Form struct{ Territory, Theme, Kind, Frequency string }
}

// EmailCategory is one kind of e-mail on the preferences page; Name is one
// of reviews, decisions, new_practices, digests.
type EmailCategory struct {
	Name string
	On   bool
}

// PreferencesData is the e-mail preferences page.
type PreferencesData struct {
	Categories []EmailCategory
	Lang       string // "fr" or "en"
}

// UnsubscribeData is the unsubscribe page. Valid is false for a forged or
// expired link; Done is true once the user clicked.
type UnsubscribeData struct {
	Valid, Done bool
	Token       string
	Email       string
	Category    string // one of the EmailCategory names
}

// ThemeData is a theme's page: its published practices.
type ThemeData struct {
	Theme      Theme
	Practices  []PracticeCard
	Pagination Pagination
}

// JobsData is the job dashboard's page when River UI cannot be shown.
type JobsData struct {
	Reason string // already translated
}
