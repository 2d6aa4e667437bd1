package view

// sampleBookmarks returns the sample of "Mes favoris" (models_readers.go).
func sampleBookmarks() struct {
	page *Page
	h1   map[string]string
} {
	items := samplePractices()
	return struct {
		page *Page
		h1   map[string]string
	}{&Page{Title: "Mes favoris", Path: "/mes-favoris", User: sampleUser, Data: &BookmarksData{Items: []BookmarkView{
		{PracticeCard: items[0], Note: "À présenter au conseil citoyen en janvier."}, {PracticeCard: items[1]}}}},
		map[string]string{"fr": "Mes favoris", "en": "My bookmarks"}}
}
