package jobs

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

// meetingDay writes a day in words: "jeudi 26 novembre 2026".
func meetingDay(tr *view.Translator, t time.Time) string {
	return tr.T("mail.meeting.weekday."+strconv.Itoa(int(t.Weekday()))) + " " + strconv.Itoa(t.Day()) + " " +
		tr.T("date.month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// meetingHour writes a time of day: "9 h 30" in French, "09:30" in English.
func meetingHour(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("15:04")
	}
	return fmt.Sprintf("%d\u00a0h\u00a0%02d", t.Hour(), t.Minute())
}

// MeetingWhen says when a meeting takes place, in Paris time, in lang:
// "le jeudi 26 novembre 2026 de 9 h 30 à 12 h 00".
func MeetingWhen(lang string, m *passerelle.Meeting) string {
	tr := words(lang)
	lang = tr.Lang()
	start, end := m.StartsAt.In(passerelle.MeetingZone), m.EndsAt.In(passerelle.MeetingZone)
	if start.Year() == end.Year() && start.YearDay() == end.YearDay() {
		return tr.T("mail.meeting.same_day", "day", meetingDay(tr, start), "start", meetingHour(lang, start), "end", meetingHour(lang, end))
	}
	return tr.T("mail.meeting.span", "start_day", meetingDay(tr, start), "start", meetingHour(lang, start),
		"end_day", meetingDay(tr, end), "end", meetingHour(lang, end))
}

// MeetingMessage returns the in-app message of a notice about m in lang;
// extra is the practice of an agenda notice.
func MeetingMessage(lang, typ string, m *passerelle.Meeting, extra string) string {
	tr, key := words(lang), "mail."+typ+".in_app"
	if !tr.Has(key) {
		return m.Title
	}
	return tr.T(key, "title", m.Title, "when", MeetingWhen(lang, m), "practice", extra)
}

// meetingDetails lists, for an e-mail, when and where the meeting takes
// place (and why it was cancelled).
func meetingDetails(lang string, m *passerelle.Meeting) string {
	tr := words(lang)
	lines := []string{tr.T("mail.meeting.when") + " " + MeetingWhen(lang, m)}
	if m.Place != "" {
		lines = append(lines, tr.T("mail.meeting.where")+" "+m.Place)
	}
	if m.OnlineURL != "" {
		lines = append(lines, strings.TrimSpace(tr.T("mail.meeting.online"))+" "+m.OnlineURL)
	}
	if m.Status == passerelle.MeetingCancelled && m.CancelReason != "" {
		lines = append(lines, tr.T("mail.meeting.reason")+" "+m.CancelReason)
	}
	return strings.Join(lines, "\n")
}
