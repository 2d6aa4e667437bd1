// Package ical writes network meetings as iCalendar (RFC 5545) with
// github.com/arran4/golang-ical: one meeting to download or subscribe to
// (METHOD:PUBLISH), the invitations e-mailed to registrants (RFC 5546:
// METHOD:REQUEST, CANCEL), and the calendar feed of upcoming meetings.
//
// Times are written in Europe/Paris local time with their TZID, and the
// calendar carries the Europe/Paris VTIMEZONE, so that a calendar program
// shows the right hour on both sides of a daylight-saving change. Every
// meeting has one UID for its whole life (UID); its SEQUENCE is the
// meeting's, bumped by the service on every change calendars must take in.
package ical

import (
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// TZID is the time zone meetings are written in.
const TZID = "Europe/Paris"

// ContentType is the media type of the files, without the method parameter
// that invitations add (see MediaType).
const ContentType = "text/calendar; charset=utf-8"

// MediaType returns the content type of an iCalendar object with method,
// as e-mail parts declare it (RFC 6047).
func MediaType(method passerelle.ICalMethod) string {
	if method == passerelle.NoInvitation {
		return ContentType
	}
	return "text/calendar; charset=utf-8; method=" + string(method)
}

// Site says where the meetings live: the public base URL (for the pages
// and the UIDs' domain) and the name of the platform.
type Site struct {
	BaseURL string // without a trailing slash
	Name    string // "Passerelle"
	// Organizer is the address calendar programs show as the organiser's
	// and answer to: the platform's sender address.
	OrganizerEmail string
}

// host returns the domain of the UIDs: the base URL's host.
func (s Site) host() string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "localhost"
}

// MeetingURL returns the page of a meeting.
func (s Site) MeetingURL(id int64) string {
	return strings.TrimRight(s.BaseURL, "/") + "/rencontres/" + strconv.FormatInt(id, 10)
}

// UID returns the stable identifier of a meeting in every calendar:
// "rencontre-<id>@<host of the base URL>".
func (s Site) UID(id int64) string {
	return "rencontre-" + strconv.FormatInt(id, 10) + "@" + s.host()
}

// Attendee is the recipient of an invitation.
type Attendee struct {
	Name, Email string
}

// Names names what the documents say in words, in the reader's language:
// theme names by slug, and the words of the description.
type Names struct {
	Themes       map[string]string // slug → name
	OnlineLabel  string            // "En ligne : " before the link in the description
	PageLabel    string            // "Page de la rencontre : "
	CancelPrefix string            // "Annulée : " before the title of a cancelled meeting
}

func newCalendar(site Site, method passerelle.ICalMethod) *ics.Calendar {
	cal := ics.NewCalendarFor(site.Name)
	cal.SetProductId("-//" + site.Name + "//Rencontres//FR")
	cal.SetCalscale("GREGORIAN")
	if method == passerelle.NoInvitation {
		cal.SetMethod(ics.MethodPublish)
	} else {
		cal.SetMethod(ics.Method(method))
	}
	cal.AddVTimezone(parisTimezone())
	return cal
}

// parisTimezone is the VTIMEZONE of Europe/Paris: central European time,
// summer time from the last Sunday of March at 02:00 to the last Sunday of
// October at 03:00 (the European rule since 1996; the tests check it
// against Go's zone database year by year).
func parisTimezone() *ics.VTimezone {
	tz := ics.NewTimezone(TZID)
	tz.SetProperty(ics.ComponentProperty("X-LIC-LOCATION"), TZID)
	summer := &ics.Daylight{}
	summer.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0100")
	summer.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0200")
	summer.SetProperty(ics.ComponentProperty(ics.PropertyTzname), "CEST")
	summer.SetProperty(ics.ComponentPropertyDtStart, "19700329T020000")
	summer.SetProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	winter := &ics.Standard{}
	winter.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0200")
	winter.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0100")
	winter.SetProperty(ics.ComponentProperty(ics.PropertyTzname), "CET")
	winter.SetProperty(ics.ComponentPropertyDtStart, "19701025T030000")
	winter.SetProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	tz.Components = append(tz.Components, summer, winter)
	return tz
}

// local formats an instant as a Europe/Paris local date-time, for a
// property with TZID=Europe/Paris.
func local(t time.Time) string { return t.In(passerelle.MeetingZone).Format("20060102T150405") }

// utc formats an instant as an iCalendar UTC date-time.
func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// paramText makes a parameter value (a common name) safe: RFC 5545 wants
// ":", ";" and "," quoted, which the library escapes instead, so they are
// replaced, and a straight apostrophe becomes a typographic one.
var paramText = strings.NewReplacer(`"`, "", ";", " ", ":", " ", ",", " ", `\`, " ", "'", "’", "\r", " ", "\n", " ")

// addEvent writes one meeting as a VEVENT.
func addEvent(cal *ics.Calendar, site Site, names Names, m *passerelle.Meeting, method passerelle.ICalMethod, to *Attendee) {
	e := cal.AddEvent(site.UID(m.ID))
	e.SetProperty(ics.ComponentPropertyDtstamp, utc(m.UpdatedAt))
	e.SetProperty(ics.ComponentPropertyCreated, utc(m.CreatedAt))
	e.SetProperty(ics.ComponentPropertyLastModified, utc(m.UpdatedAt))
	e.SetSequence(m.Sequence)
	e.SetProperty(ics.ComponentPropertyDtStart, local(m.StartsAt), ics.WithTZID(TZID))
	e.SetProperty(ics.ComponentPropertyDtEnd, local(m.EndsAt), ics.WithTZID(TZID))
	title := m.Title
	if m.Status == passerelle.MeetingCancelled && names.CancelPrefix != "" {
		title = names.CancelPrefix + title
	}
	e.SetSummary(title)
	page := site.MeetingURL(m.ID)
	e.SetURL(page)
	var desc []string
	if m.Description != "" {
		desc = append(desc, m.Description)
	}
	if m.OnlineURL != "" {
		desc = append(desc, names.OnlineLabel+m.OnlineURL)
	}
	desc = append(desc, names.PageLabel+page)
	e.SetDescription(strings.Join(desc, "\n\n"))
	switch {
	case m.Place != "":
		e.SetLocation(m.Place)
	case m.OnlineURL != "":
		e.SetLocation(m.OnlineURL)
	}
	if m.OnlineURL != "" {
		// RFC 7986: the link to join, for programs that offer a button.
		e.AddProperty(ics.ComponentProperty("CONFERENCE"), m.OnlineURL,
			ics.WithValue(string(ics.ValueDataTypeUri)), &ics.KeyValues{Key: "FEATURE", Value: []string{"VIDEO"}})
	}
	for _, slug := range m.Themes {
		name := slug
		if n := names.Themes[slug]; n != "" {
			name = n
		}
		e.AddCategory(name)
	}
	if m.Status == passerelle.MeetingCancelled || method == passerelle.InvitationCancel {
		e.SetStatus(ics.ObjectStatusCancelled)
	} else {
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	e.SetTimeTransparency(ics.TransparencyOpaque)
	if site.OrganizerEmail != "" {
		e.SetOrganizer("mailto:"+site.OrganizerEmail, ics.WithCN(paramText.Replace(m.OrganizerName)))
	}
	if to != nil {
		partstat := ics.ParticipationStatusAccepted
		if method == passerelle.InvitationCancel {
			partstat = ics.ParticipationStatusDeclined
		}
		e.AddAttendee("mailto:"+to.Email, ics.WithCN(paramText.Replace(to.Name)), ics.CalendarUserTypeIndividual,
			ics.ParticipationRoleReqParticipant, partstat, ics.WithRSVP(false))
	}
}

// WriteMeeting writes one meeting as a calendar to add (METHOD:PUBLISH),
// the file of /rencontres/{id}.ics.
func WriteMeeting(w io.Writer, site Site, names Names, m *passerelle.Meeting) error {
	cal := newCalendar(site, passerelle.NoInvitation)
	addEvent(cal, site, names, m, passerelle.NoInvitation, nil)
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

// WriteInvitation writes the invitation of one registrant (RFC 5546):
// REQUEST adds or updates the meeting in their calendar (a higher SEQUENCE
// replaces what an earlier one said), CANCEL removes it.
func WriteInvitation(w io.Writer, site Site, names Names, m *passerelle.Meeting, method passerelle.ICalMethod, to Attendee) error {
	cal := newCalendar(site, method)
	addEvent(cal, site, names, m, method, &to)
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

// Feed describes a calendar feed.
type Feed struct {
	Name        string // X-WR-CALNAME and NAME
	Description string
	URL         string
}

// WriteFeed writes a calendar of meetings that programs subscribe to
// (METHOD:PUBLISH): each meeting keeps its UID, so a program updates what
// it holds rather than adding twice; cancelled ones stay, marked
// CANCELLED, so that subscribers see them called off.
func WriteFeed(w io.Writer, site Site, names Names, feed Feed, ms []*passerelle.Meeting) error {
	cal := newCalendar(site, passerelle.NoInvitation)
	cal.SetName(feed.Name)
	cal.SetXWRCalName(feed.Name)
	if feed.Description != "" {
		cal.SetDescription(feed.Description)
		cal.SetXWRCalDesc(feed.Description)
	}
	cal.SetXWRTimezone(TZID)
	cal.SetRefreshInterval("PT1H", ics.WithValue(string(ics.ValueDataTypeDuration)))
	cal.SetXPublishedTTL("PT1H")
	if feed.URL != "" {
		cal.SetUrl(feed.URL, ics.WithValue(string(ics.ValueDataTypeUri)))
	}
	for _, m := range ms {
		addEvent(cal, site, names, m, passerelle.NoInvitation, nil)
	}
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}
