package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/apognu/gocal"
	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/passerelle/passerelle/internal/ical"
	"github.com/passerelle/passerelle/internal/passerelle"
)

// The files are written with github.com/arran4/golang-ical and read back
// here with two other libraries, github.com/emersion/go-ical (strict RFC 5545
// decoder) and github.com/apognu/gocal, so that what is checked is what a
// calendar program would read, not what our writer meant.

var site = ical.Site{BaseURL: "https://passerelle.example.org", Name: "Passerelle", OrganizerEmail: "noreply@passerelle.example.org"}

var names = ical.Names{Themes: map[string]string{"lutte-contre-les-discriminations": "Lutte contre les discriminations"},
	OnlineLabel: "En ligne : ", PageLabel: "Page de la rencontre : ", CancelPrefix: "Annulée : "}

func paris(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, passerelle.MeetingZone)
}

// meeting is held at 09:30 Paris time on the given day, for two hours and a
// half.
func meeting(id int64, day time.Time) *passerelle.Meeting {
	return &passerelle.Meeting{ID: id, Title: "Rencontre de réseau : égalité, accès aux droits; « discriminations »",
		TerritoryCode: "32", Themes: []string{"lutte-contre-les-discriminations"},
		Description: "Un long texte qui dépasse soixante-quinze octets, avec des accents — éèàç — et des virgules, pour plier les lignes.",
		StartsAt:    day.UTC(), EndsAt: day.Add(150 * time.Minute).UTC(), Place: "Centre de ressources, 12 rue de l'Égalité, Lille",
		OnlineURL: "https://visio.example.org/reseau", Capacity: 30, Status: passerelle.MeetingPlanned,
		OrganizerName: "Nora d'Hautmont, Nord", Sequence: 2,
		CreatedAt: time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)}
}

// decode parses an iCalendar object with emersion/go-ical and checks its
// shape: CRLF line ends, lines of at most 75 octets.
func decode(t *testing.T, b []byte) *goical.Calendar {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if strings.Contains(line, "\n") {
			t.Fatalf("line %d ends with LF alone: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Fatalf("line %d has %d octets: %q", i+1, len(line), line)
		}
	}
	cal, err := goical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("emersion/go-ical cannot parse it: %v\n%s", err, b)
	}
	return cal
}

func text(t *testing.T, props goical.Props, name string) string {
	t.Helper()
	p := props.Get(name)
	if p == nil {
		t.Fatalf("no %s", name)
	}
	v, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func TestFeedLocalTimesAcrossDaylightSaving(t *testing.T) {
	// Summer time starts on Sunday 28 March 2027 and ends on Sunday 31
	// October 2027: the same 09:30 in Paris is 08:30 UTC before, 07:30
	// UTC during, 08:30 UTC after.
	days := []time.Time{paris(2027, 3, 26, 9, 30), paris(2027, 3, 30, 9, 30), paris(2027, 10, 29, 9, 30), paris(2027, 11, 2, 9, 30)}
	wantUTC := []string{"2027-03-26T08:30:00Z", "2027-03-30T07:30:00Z", "2027-10-29T07:30:00Z", "2027-11-02T08:30:00Z"}
	var ms []*passerelle.Meeting
	for i, d := range days {
		ms = append(ms, meeting(int64(i+1), d))
	}
	ms[3].Status = passerelle.MeetingCancelled
	var buf bytes.Buffer
	if err := ical.WriteFeed(&buf, site, names, ical.Feed{Name: "Rencontres — Passerelle", URL: "https://passerelle.example.org/feeds/rencontres.ics"}, ms); err != nil {
		t.Fatal(err)
	}
	cal := decode(t, buf.Bytes())
	if m := text(t, cal.Props, goical.PropMethod); m != "PUBLISH" {
		t.Errorf("METHOD = %q", m)
	}
	if n := text(t, cal.Props, "X-WR-CALNAME"); n != "Rencontres — Passerelle" {
		t.Errorf("X-WR-CALNAME = %q", n)
	}
	events := cal.Events()
	if len(events) != 4 {
		t.Fatalf("%d events", len(events))
	}
	for i, e := range events {
		if uid := text(t, e.Props, goical.PropUID); uid != site.UID(int64(i+1)) {
			t.Errorf("event %d: UID %q", i, uid)
		}
		start, err := e.DateTimeStart(nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := start.UTC().Format(time.RFC3339); got != wantUTC[i] {
			t.Errorf("event %d starts at %s UTC, want %s", i, got, wantUTC[i])
		}
		if got := start.In(passerelle.MeetingZone).Format("15:04"); got != "09:30" {
			t.Errorf("event %d starts at %s in Paris", i, got)
		}
		if tz := e.Props.Get(goical.PropDateTimeStart).Params.Get(goical.ParamTimezoneID); tz != "Europe/Paris" {
			t.Errorf("event %d: TZID %q", i, tz)
		}
		end, _ := e.DateTimeEnd(nil)
		if end.Sub(start) != 150*time.Minute {
			t.Errorf("event %d lasts %s", i, end.Sub(start))
		}
		if s := text(t, e.Props, goical.PropSummary); !strings.Contains(s, "égalité, accès aux droits; « discriminations »") {
			t.Errorf("summary %q", s)
		}
		if d := text(t, e.Props, goical.PropDescription); !strings.Contains(d, "éèàç — et des virgules") || !strings.Contains(d, "https://passerelle.example.org/rencontres/") {
			t.Errorf("description %q", d)
		}
		if c := text(t, e.Props, goical.PropCategories); c != "Lutte contre les discriminations" {
			t.Errorf("categories %q", c)
		}
		if seq, _ := e.Props.Get(goical.PropSequence).Int(); seq != 2 {
			t.Errorf("sequence %d", seq)
		}
	}
	if st, _ := events[3].Status(); st != goical.EventCancelled {
		t.Errorf("cancelled meeting has status %q", st)
	}
	if s := text(t, events[3].Props, goical.PropSummary); !strings.HasPrefix(s, "Annulée : ") {
		t.Errorf("cancelled meeting's summary %q", s)
	}

	// gocal, another parser, reads the same instants.
	from, to := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
	g := gocal.NewParser(bytes.NewReader(buf.Bytes()))
	g.Start, g.End = &from, &to
	if err := g.Parse(); err != nil {
		t.Fatalf("gocal cannot parse it: %v", err)
	}
	if len(g.Events) != 4 {
		t.Fatalf("gocal: %d events", len(g.Events))
	}
	for i, e := range g.Events {
		if got := e.Start.UTC().Format(time.RFC3339); got != wantUTC[i] {
			t.Errorf("gocal: event %d starts at %s", i, got)
		}
		if e.Uid != site.UID(int64(i+1)) {
			t.Errorf("gocal: event %d UID %q", i, e.Uid)
		}
	}
}

// TestTimezoneMatchesZoneDatabase checks the VTIMEZONE written for
// Europe/Paris against Go's zone database: its rules, evaluated with an
// independent RRULE library, give the changes of every year from 2000 to
// 2040, with the right offsets.
func TestTimezoneMatchesZoneDatabase(t *testing.T) {
	var buf bytes.Buffer
	if err := ical.WriteMeeting(&buf, site, names, meeting(7, paris(2027, 6, 1, 9, 30))); err != nil {
		t.Fatal(err)
	}
	cal := decode(t, buf.Bytes())
	var tz *goical.Component
	for _, c := range cal.Children {
		if c.Name == goical.CompTimezone {
			tz = c
		}
	}
	if tz == nil || text(t, tz.Props, goical.PropTimezoneID) != "Europe/Paris" {
		t.Fatalf("no Europe/Paris VTIMEZONE:\n%s", buf.String())
	}
	for _, sub := range tz.Children {
		from := sub.Props.Get(goical.PropTimezoneOffsetFrom).Value
		to := sub.Props.Get(goical.PropTimezoneOffsetTo).Value
		start := sub.Props.Get(goical.PropDateTimeStart).Value
		rule, err := rrule.StrToRRule(sub.Props.Get(goical.PropRecurrenceRule).Value)
		if err != nil {
			t.Fatal(err)
		}
		local, err := time.ParseInLocation("20060102T150405", start, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		rule.DTStart(local)
		offFrom := offset(t, from)
		for _, at := range rule.Between(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2041, 1, 1, 0, 0, 0, 0, time.UTC), true) {
			// The local wall time of the change, in the offset before it.
			instant := at.Add(-offFrom)
			before, after := instant.Add(-time.Minute).In(passerelle.MeetingZone), instant.In(passerelle.MeetingZone)
			_, ob := before.Zone()
			_, oa := after.Zone()
			if time.Duration(ob)*time.Second != offFrom || time.Duration(oa)*time.Second != offset(t, to) {
				t.Errorf("%s %s at %s: Go's zone database says %d → %d", sub.Name, from+"→"+to, instant, ob, oa)
			}
		}
	}
	if !strings.Contains(buf.String(), "METHOD:PUBLISH") {
		t.Error("a meeting to add is published")
	}
}

func offset(t *testing.T, s string) time.Duration {
	t.Helper()
	tt, err := time.Parse("-0700", s)
	if err != nil {
		t.Fatal(err)
	}
	_, off := tt.Zone()
	return time.Duration(off) * time.Second
}

func TestInvitationRequestAndCancel(t *testing.T) {
	m := meeting(42, paris(2027, 3, 29, 14, 0))
	to := ical.Attendee{Name: "Lila L'Hôte; Lille", Email: "lila@example.org"}
	for _, tc := range []struct {
		name     string
		method   passerelle.ICalMethod
		sequence int
		status   goical.EventStatus
		partstat string
	}{
		{"request", passerelle.InvitationRequest, 0, goical.EventConfirmed, "ACCEPTED"},
		{"update", passerelle.InvitationRequest, 3, goical.EventConfirmed, "ACCEPTED"},
		{"cancel", passerelle.InvitationCancel, 4, goical.EventCancelled, "DECLINED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m.Sequence = tc.sequence
			var buf bytes.Buffer
			if err := ical.WriteInvitation(&buf, site, names, m, tc.method, to); err != nil {
				t.Fatal(err)
			}
			cal := decode(t, buf.Bytes())
			if got := text(t, cal.Props, goical.PropMethod); got != string(tc.method) {
				t.Errorf("METHOD %q", got)
			}
			e := cal.Events()[0]
			if uid := text(t, e.Props, goical.PropUID); uid != "rencontre-42@passerelle.example.org" {
				t.Errorf("UID %q", uid)
			}
			if seq, _ := e.Props.Get(goical.PropSequence).Int(); seq != tc.sequence {
				t.Errorf("SEQUENCE %d", seq)
			}
			if st, _ := e.Status(); st != tc.status {
				t.Errorf("STATUS %q", st)
			}
			start, _ := e.DateTimeStart(nil)
			if start.UTC().Format(time.RFC3339) != "2027-03-29T12:00:00Z" {
				t.Errorf("starts %s", start.UTC())
			}
			att := e.Props.Get(goical.PropAttendee)
			if att == nil || att.Value != "mailto:lila@example.org" || att.Params.Get(goical.ParamParticipationStatus) != tc.partstat {
				t.Fatalf("attendee %+v", att)
			}
			if cn := att.Params.Get(goical.ParamCommonName); cn != "Lila L’Hôte  Lille" {
				t.Errorf("attendee CN %q", cn)
			}
			org := e.Props.Get(goical.PropOrganizer)
			if org == nil || org.Value != "mailto:noreply@passerelle.example.org" || org.Params.Get(goical.ParamCommonName) != "Nora d’Hautmont  Nord" {
				t.Errorf("organizer %+v", org)
			}
			if conf := e.Props.Get("CONFERENCE"); conf == nil || conf.Value != "https://visio.example.org/reseau" {
				t.Errorf("conference %+v", conf)
			}
		})
	}
}
