package jobs

import (
	"fmt"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// meetingWords is what the notifications and e-mails of meetings say in
// one language.
type meetingWords struct {
	// inApp and subjects, by notification type: %[1]s the meeting's
	// title, %[2]s when it takes place, %[3]s the practice of an agenda
	// notice.
	inApp, subjects map[string]string
	// The words of the details of an e-mail and of the iCalendar files.
	when, where, online, page, cancelled, reason string
	months, days                                 []string
	sameDay, span                                string // formats of the dates: see meetingWhen
}

var meetingTexts = map[string]meetingWords{
	"fr": {
		inApp: map[string]string{
			passerelle.NotifyMeetingNew:          "Nouvelle rencontre\u00a0: «\u00a0%[1]s\u00a0», %[2]s.",
			passerelle.NotifyMeetingRegistered:   "Votre inscription à «\u00a0%[1]s\u00a0» est confirmée\u00a0: rendez-vous %[2]s.",
			passerelle.NotifyMeetingWaiting:      "«\u00a0%[1]s\u00a0» est complète\u00a0: vous êtes sur la liste d’attente et serez prévenu·e dès qu’une place se libère.",
			passerelle.NotifyMeetingPromoted:     "Une place s’est libérée\u00a0: votre inscription à «\u00a0%[1]s\u00a0» est confirmée, rendez-vous %[2]s.",
			passerelle.NotifyMeetingUnregistered: "Votre désinscription de «\u00a0%[1]s\u00a0» est enregistrée.",
			passerelle.NotifyMeetingUpdated:      "La rencontre «\u00a0%[1]s\u00a0» a changé\u00a0: elle a lieu %[2]s.",
			passerelle.NotifyMeetingCancelled:    "La rencontre «\u00a0%[1]s\u00a0» prévue %[2]s est annulée.",
			passerelle.NotifyMeetingReminder:     "Rappel\u00a0: la rencontre «\u00a0%[1]s\u00a0» a lieu %[2]s.",
			passerelle.NotifyMeetingRecord:       "Le compte rendu de la rencontre «\u00a0%[1]s\u00a0» est publié.",
			passerelle.NotifyAgendaProposed:      "La fiche «\u00a0%[3]s\u00a0» est proposée pour le programme de «\u00a0%[1]s\u00a0».",
			passerelle.NotifyAgendaAccepted:      "Votre fiche «\u00a0%[3]s\u00a0» est retenue au programme de «\u00a0%[1]s\u00a0».",
			passerelle.NotifyAgendaDeclined:      "Votre fiche «\u00a0%[3]s\u00a0» n’est pas retenue au programme de «\u00a0%[1]s\u00a0».",
		},
		subjects: map[string]string{
			passerelle.NotifyMeetingNew:          "Nouvelle rencontre\u00a0: «\u00a0%s\u00a0»",
			passerelle.NotifyMeetingRegistered:   "Inscription confirmée\u00a0: «\u00a0%s\u00a0»",
			passerelle.NotifyMeetingWaiting:      "Liste d’attente\u00a0: «\u00a0%s\u00a0»",
			passerelle.NotifyMeetingPromoted:     "Une place pour vous\u00a0: «\u00a0%s\u00a0»",
			passerelle.NotifyMeetingUnregistered: "Désinscription\u00a0: «\u00a0%s\u00a0»",
			passerelle.NotifyMeetingUpdated:      "Rencontre modifiée\u00a0: «\u00a0%s\u00a0»",
			passerelle.NotifyMeetingCancelled:    "Rencontre annulée\u00a0: «\u00a0%s\u00a0»",
			passerelle.NotifyMeetingReminder:     "Rappel\u00a0: «\u00a0%s\u00a0» dans deux jours",
			passerelle.NotifyMeetingRecord:       "Compte rendu\u00a0: «\u00a0%s\u00a0»",
			passerelle.NotifyAgendaProposed:      "Proposition pour le programme de «\u00a0%s\u00a0»",
			passerelle.NotifyAgendaAccepted:      "Fiche retenue pour «\u00a0%s\u00a0»",
			passerelle.NotifyAgendaDeclined:      "Fiche non retenue pour «\u00a0%s\u00a0»",
		},
		when: "Quand\u00a0:", where: "Où\u00a0:", online: "En ligne\u00a0: ", page: "Page de la rencontre\u00a0: ",
		cancelled: "Annulée\u00a0: ", reason: "Motif de l’annulation\u00a0:",
		months: []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		days:   []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		// le jeudi 26 novembre 2026 de 9 h 30 à 12 h 00
		sameDay: "le %[1]s de %[2]s à %[3]s", span: "du %[1]s, %[2]s, au %[3]s, %[4]s",
	},
	"en": {
		inApp: map[string]string{
			passerelle.NotifyMeetingNew:          "New meeting: “%[1]s”, %[2]s.",
			passerelle.NotifyMeetingRegistered:   "Your registration to “%[1]s” is confirmed: see you %[2]s.",
			passerelle.NotifyMeetingWaiting:      "“%[1]s” is full: you are on the waiting list and will be told as soon as a seat is free.",
			passerelle.NotifyMeetingPromoted:     "A seat is free: your registration to “%[1]s” is confirmed, see you %[2]s.",
			passerelle.NotifyMeetingUnregistered: "You are no longer registered to “%[1]s”.",
			passerelle.NotifyMeetingUpdated:      "The meeting “%[1]s” changed: it takes place %[2]s.",
			passerelle.NotifyMeetingCancelled:    "The meeting “%[1]s” planned %[2]s is cancelled.",
			passerelle.NotifyMeetingReminder:     "Reminder: the meeting “%[1]s” takes place %[2]s.",
			passerelle.NotifyMeetingRecord:       "The record of the meeting “%[1]s” is published.",
			passerelle.NotifyAgendaProposed:      "The practice “%[3]s” is proposed for the agenda of “%[1]s”.",
			passerelle.NotifyAgendaAccepted:      "Your practice “%[3]s” is on the agenda of “%[1]s”.",
			passerelle.NotifyAgendaDeclined:      "Your practice “%[3]s” was not retained for the agenda of “%[1]s”.",
		},
		subjects: map[string]string{
			passerelle.NotifyMeetingNew:          "New meeting: “%s”",
			passerelle.NotifyMeetingRegistered:   "Registration confirmed: “%s”",
			passerelle.NotifyMeetingWaiting:      "Waiting list: “%s”",
			passerelle.NotifyMeetingPromoted:     "A seat for you: “%s”",
			passerelle.NotifyMeetingUnregistered: "Registration cancelled: “%s”",
			passerelle.NotifyMeetingUpdated:      "Meeting changed: “%s”",
			passerelle.NotifyMeetingCancelled:    "Meeting cancelled: “%s”",
			passerelle.NotifyMeetingReminder:     "Reminder: “%s” in two days",
			passerelle.NotifyMeetingRecord:       "Record: “%s”",
			passerelle.NotifyAgendaProposed:      "Proposal for the agenda of “%s”",
			passerelle.NotifyAgendaAccepted:      "Practice retained for “%s”",
			passerelle.NotifyAgendaDeclined:      "Practice not retained for “%s”",
		},
		when: "When:", where: "Where:", online: "Online: ", page: "Meeting page: ", cancelled: "Cancelled: ",
		reason: "Reason for the cancellation:",
		months: []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		days:   []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		// on Thursday 26 November 2026 from 09:30 to 12:00 (Paris time)
		sameDay: "on %[1]s from %[2]s to %[3]s (Paris time)", span: "from %[1]s, %[2]s, to %[3]s, %[4]s (Paris time)",
	},
}

func init() {
	emailTexts["fr"]["meeting_link"] = "Voir la rencontre"
	emailTexts["en"]["meeting_link"] = "See the meeting"
	emailTexts["fr"]["digest_meetings"] = "Rencontres du réseau\u00a0:"
	emailTexts["en"]["digest_meetings"] = "Network meetings:"
	emailTexts["fr"]["digest_record"] = "compte rendu publié"
	emailTexts["en"]["digest_record"] = "record published"
	emailTexts["fr"]["digest_subject_meetings"] = "[Passerelle] Récapitulatif : rencontres du réseau"
	emailTexts["en"]["digest_subject_meetings"] = "[Passerelle] Digest: network meetings"
}

func meetingWordsFor(lang string) meetingWords {
	if w, ok := meetingTexts[lang]; ok {
		return w
	}
	return meetingTexts["fr"]
}

// meetingDay writes a day in words: "jeudi 26 novembre 2026".
func (w meetingWords) meetingDay(t time.Time) string {
	return fmt.Sprintf("%s %d %s %d", w.days[t.Weekday()], t.Day(), w.months[t.Month()-1], t.Year())
}

// meetingHour writes a time of day: "9 h 30" in French, "09:30" in English.
func (w meetingWords) meetingHour(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("15:04")
	}
	return fmt.Sprintf("%d\u00a0h\u00a0%02d", t.Hour(), t.Minute())
}

// MeetingWhen says when a meeting takes place, in Paris time, in lang:
// "le jeudi 26 novembre 2026 de 9 h 30 à 12 h 00".
func MeetingWhen(lang string, m *passerelle.Meeting) string {
	if lang != "en" {
		lang = "fr"
	}
	w := meetingWordsFor(lang)
	start, end := m.StartsAt.In(passerelle.MeetingZone), m.EndsAt.In(passerelle.MeetingZone)
	if start.Year() == end.Year() && start.YearDay() == end.YearDay() {
		return fmt.Sprintf(w.sameDay, w.meetingDay(start), w.meetingHour(lang, start), w.meetingHour(lang, end))
	}
	return fmt.Sprintf(w.span, w.meetingDay(start), w.meetingHour(lang, start), w.meetingDay(end), w.meetingHour(lang, end))
}

// MeetingMessage returns the in-app message of a notice about m in lang;
// extra is the practice of an agenda notice.
func MeetingMessage(lang, typ string, m *passerelle.Meeting, extra string) string {
	f, ok := meetingWordsFor(lang).inApp[typ]
	if !ok {
		return m.Title
	}
	return fmt.Sprintf(f, m.Title, MeetingWhen(lang, m), extra)
}

// meetingDetails lists, for an e-mail, when and where the meeting takes
// place (and why it was cancelled).
func meetingDetails(lang string, m *passerelle.Meeting) string {
	w := meetingWordsFor(lang)
	lines := []string{w.when + " " + MeetingWhen(lang, m)}
	if m.Place != "" {
		lines = append(lines, w.where+" "+m.Place)
	}
	if m.OnlineURL != "" {
		lines = append(lines, strings.TrimSpace(w.online)+" "+m.OnlineURL)
	}
	if m.Status == passerelle.MeetingCancelled && m.CancelReason != "" {
		lines = append(lines, w.reason+" "+m.CancelReason)
	}
	return strings.Join(lines, "\n")
}
