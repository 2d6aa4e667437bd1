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
		Held:         []DeskItem{item(0, 3*24*time.Hour, &ClaimView{ModeratorName: "Awa Diallo", Mine: true, Since: refNow.Add(-time.Hour)}, false)},
		Waiting:      []DeskItem{old, item(1, 2*time.Hour, nil, false)},
		HeldByOthers: nil,
		Overdue:      []DeskItem{old},
		OverdueAfter: "7 jours",
		ToRefresh:    []DeskRefresh{{PracticeCard: items[0], VerifiedAt: &old.SubmittedAt, AskedAt: refNow.Add(-5 * 24 * time.Hour)}},
		Total:        3,
	}
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
