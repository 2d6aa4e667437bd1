package view

import (
	"html/template"
	"time"
)

// sampleMeeting returns the sample of a meetings' page (models_meetings.go).
func sampleMeeting(name string) struct {
	page *Page
	h1   map[string]string
} {
	type entry = struct {
		page *Page
		h1   map[string]string
	}
	start := refNow.Add(10 * 24 * time.Hour)
	upcoming := MeetingCard{ID: "7", URL: "/rencontres/7", Title: "Rencontre de réseau : lutte contre les discriminations", Status: "planned",
		Territory: regionIDF, Themes: []Theme{themeEmploi}, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		When: "le jeudi 26 novembre 2026 de 9 h 30 à 12 h 30", Place: "Centre de ressources, Saint-Denis", Capacity: 2, Registered: 2,
		Waiting: 1, Full: true, MyStatus: "waiting", MyRank: 1}
	past := MeetingCard{ID: "3", URL: "/rencontres/3", Title: "Rencontre de novembre", Status: "held", Territory: dept93,
		StartsAt: refNow.Add(-30 * 24 * time.Hour), EndsAt: refNow.Add(-30*24*time.Hour + 3*time.Hour), When: "le 15 novembre",
		Past: true, HasRecord: true, OnlineURL: "https://visio.example.org/r"}
	can := map[string]bool{"update": true, "cancel": true, "roster": true, "record": true, "attach": true, "agenda.add": true,
		"agenda.accept": true, "agenda.remove": true, "unregister": true}
	agenda := []AgendaItemView{{ID: "1", Status: "accepted", PracticeURL: "/fiches/b3f1", Title: "Permanences emploi", Kind: "experience",
		Speaker: "Awa Diallo", Territory: "Saint-Denis", CanRemove: true, RemoveURL: "/rencontres/7/programme/1/retirer"}}
	proposals := []AgendaItemView{{ID: "2", Status: "proposed", PracticeURL: "/fiches/c9a2", Title: "Jeu de plateau", Kind: "tool",
		ProposedBy: "Jean Martin", Comment: "Vingt minutes.", CanDecide: true, DecideURL: "/rencontres/7/programme/2/decision"}}
	switch name {
	case "meetings":
		return entry{&Page{Title: "Rencontres du réseau", Path: "/rencontres", User: sampleMod, Data: &MeetingsData{
			Upcoming: []MeetingCard{upcoming}, Past: []MeetingCard{past}, CanCreate: true,
			PastPagination: Pagination{Page: 1, PerPage: 20, Total: 1}, Territories: []Territory{regionIDF, dept93}, Themes: []Theme{themeEmploi},
			CalendarURL: "https://passerelle.example.org/feeds/rencontres.ics", WebcalURL: "webcal://passerelle.example.org/feeds/rencontres.ics",
			AtomURL: "/feeds/rencontres.atom"}},
			map[string]string{"fr": "Rencontres du réseau", "en": "Network meetings"}}
	case "meeting":
		d := &MeetingData{Meeting: upcoming, DescriptionHTML: template.HTML("<p>Un <strong>temps d’échange</strong>.</p>"),
			Organizer: "Jean Martin", Deadline: start, Agenda: agenda, Proposals: proposals, Can: can,
			Files:  []MeetingFileView{{ID: "1", Name: "programme.pdf", URL: "/rencontres/7/fichiers/1", Type: "PDF", SizeText: "12 ko"}},
			Errors: []FormError{{Field: "practice_id", Message: "Choisissez une fiche publiée."}}}
		d.Form.Practice = "abc"
		return entry{&Page{Title: upcoming.Title, Path: "/rencontres/7", User: sampleMod, Data: d},
			map[string]string{"fr": "Rencontre de réseau", "en": "Rencontre de réseau"}}
	case "meeting_form":
		return entry{&Page{Title: "Organiser une rencontre", Path: "/rencontres/nouvelle", User: sampleMod, Data: &MeetingFormData{
			Form:        MeetingForm{Title: "Rencontre <réseau>", Territory: "11", StartsAt: "2026-11-26T09:30", EndsAt: "2026-11-26T09:00", Capacity: "2", Themes: []string{"emploi"}},
			Territories: []Territory{regionIDF, dept93}, Themes: []Theme{themeEmploi, themeEduc},
			Errors: []FormError{{Field: "ends_at", Message: "La fin doit suivre le début."}, {Field: "place", Message: "Indiquez un lieu ou un lien."}}}},
			map[string]string{"fr": "Organiser une rencontre", "en": "Organise a meeting"}}
	case "meeting_attendance":
		yes := RegistrationView{UserID: "1", Name: "Awa Diallo", Email: "awa@example.org", Status: "registered", Attended: "yes", RegisteredAt: refNow}
		wait := RegistrationView{UserID: "2", Name: "Jean Martin", Email: "jean@example.org", Status: "waiting", Rank: 1, RegisteredAt: refNow}
		return entry{&Page{Title: "Inscrit·es", Path: "/rencontres/3/presences", User: sampleMod, Data: &AttendanceData{Meeting: past,
			Items: []RegistrationView{yes, wait}, CanMark: true, CSVURL: "/rencontres/3/presences.csv"}},
			map[string]string{"fr": "Inscrit·es et présences", "en": "Registrations and attendance"}}
	default:
		return entry{&Page{Title: "Compte rendu", Path: "/rencontres/3/compte-rendu", User: sampleMod, Data: &RecordFormData{Meeting: past,
			Record: "## Échanges\n\nTrois fiches présentées.", Published: true, CanAttach: true, MaxSize: "20 Mo",
			Files:  []MeetingFileView{{ID: "1", Name: "photos.pdf", URL: "/rencontres/3/fichiers/1", Type: "PDF", SizeText: "2 Mo", RemoveURL: "/rencontres/3/fichiers/1/supprimer"}},
			Errors: []FormError{{Field: "file", Message: "Ce type de fichier n’est pas accepté."}}}},
			map[string]string{"fr": "Compte rendu", "en": "Record"}}
	}
}
