package view

import "time"

// sampleDesk returns the sample of the moderator's desk (models_desk.go).
func sampleDesk() struct {
	page *Page
	h1   map[string]string
} {
	items := samplePractices()
	item := func(i int, waited time.Duration, claim *ClaimView, overdue bool) DeskItem {
		c := items[i%len(items)]
		return DeskItem{QueueItem: QueueItem{PracticeCard: c, Territory: c.Territory, SubmittedAt: refNow.Add(-waited), Claim: claim},
			Waiting: "3 jours", Overdue: overdue}
	}
	old := item(2, 9*24*time.Hour, nil, true)
	d := &DeskData{
		Held:    []DeskItem{item(0, 3*24*time.Hour, &ClaimView{ModeratorName: "Awa Diallo", Mine: true, Since: refNow.Add(-time.Hour)}, false)},
		Waiting: []DeskItem{old, item(1, 2*time.Hour, nil, false)},
		HeldByOthers: []DeskItem{{QueueItem: QueueItem{PracticeCard: items[1], Territory: items[1].Territory, SubmittedAt: refNow.Add(-time.Hour)},
			Waiting: "1 heure", ReturnedTo: "Jean Martin"}},
		Overdue:      []DeskItem{old},
		OverdueAfter: "7 jours",
		Charts:       sampleCharts(),
		ToRefresh:    []DeskRefresh{{PracticeCard: items[0], VerifiedAt: &old.SubmittedAt, AskedAt: refNow.Add(-5 * 24 * time.Hour)}},
		Total:        3,
	}
	d.Held[0].ReturnedMine, d.Held[0].ReturnedTo = true, "Awa Diallo"
	return struct {
		page *Page
		h1   map[string]string
	}{&Page{Title: "Mon bureau de modération", Path: "/bureau", User: sampleMod, Waiting: 3, Data: d},
		map[string]string{"fr": "Mon bureau", "en": "My moderation desk"}}
}

// sampleFollow returns the sample of the follow page (models_desk.go).
func sampleFollow() struct {
	page *Page
	h1   map[string]string
} {
	d := &FollowData{Territory: dept93.Code, Name: dept93.Name, Back: dept93.URL, Frequency: "weekly", Following: "daily", SignedIn: true}
	return struct {
		page *Page
		h1   map[string]string
	}{&Page{Title: "Suivre Seine-Saint-Denis", Path: "/suivre", User: sampleUser, Data: d},
		map[string]string{"fr": "Suivre le territoire", "en": "Follow the territory"}}
}

// sampleCharts are two charts as internal/web draws them.
func sampleCharts() []ChartView {
	return []ChartView{
		{ID: "chart-months", Title: "Soumissions et publications par mois", SVG: `<svg role="img" aria-labelledby="a-title a-desc"><title id="a-title">Soumissions</title><desc id="a-desc">Sur douze mois.</desc></svg>`,
			Caption: "Soumissions et publications par mois", LabelColumn: "Mois", Columns: []string{"Soumises", "Publiées"},
			Rows: []ChartRow{{Label: "janvier 26", Values: []string{"3", "1"}}}},
		{ID: "chart-levels", Title: "Fiches publiées par niveau", Caption: "Fiches publiées par niveau", LabelColumn: "Niveau", Columns: []string{"Publiées"}},
	}
}

// sampleFigures returns the sample of the administrators' figures page.
func sampleFigures() struct {
	page *Page
	h1   map[string]string
} {
	return struct {
		page *Page
		h1   map[string]string
	}{&Page{Title: "Chiffres de la plateforme", Path: "/admin/chiffres", User: &User{ID: "u3", Name: "Alice Admin", IsAdmin: true, IsModerator: true}, Data: &FiguresData{Charts: sampleCharts()}},
		map[string]string{"fr": "Chiffres de la plateforme", "en": "Figures of the platform"}}
}
