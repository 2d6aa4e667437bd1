package jsonld

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
)

// eventDocument is a meeting as a schema.org Event; the order of its
// fields is the order of the output.
type eventDocument struct {
	Context             string          `json:"@context,omitempty"`
	Type                string          `json:"@type"`
	ID                  string          `json:"@id,omitempty"`
	URL                 string          `json:"url,omitempty"`
	Name                string          `json:"name"`
	Description         string          `json:"description,omitempty"`
	InLanguage          string          `json:"inLanguage,omitempty"`
	StartDate           string          `json:"startDate,omitempty"`
	EndDate             string          `json:"endDate,omitempty"`
	EventStatus         string          `json:"eventStatus,omitempty"`
	AttendanceMode      string          `json:"eventAttendanceMode,omitempty"`
	Location            []any           `json:"location,omitempty"`
	Organizer           *thing          `json:"organizer,omitempty"`
	Performer           *thing          `json:"performer,omitempty"`
	MaxCapacity         int             `json:"maximumAttendeeCapacity,omitempty"`
	RemainingCapacity   *int            `json:"remainingAttendeeCapacity,omitempty"`
	IsAccessibleForFree bool            `json:"isAccessibleForFree,omitempty"`
	About               []term          `json:"about,omitempty"`
	SpatialCoverage     *place          `json:"spatialCoverage,omitempty"`
	WorkFeatured        []thing         `json:"workFeatured,omitempty"`
	SubEvent            []eventDocument `json:"subEvent,omitempty"`
	Recording           *thing          `json:"recordedIn,omitempty"`
}

// MeetingItem is an item of a meeting's agenda as the JSON-LD shows it: a
// published practice presented, by a speaker, at a time.
type MeetingItem struct {
	PracticeID    int64
	PracticeTitle string
	PracticeKind  passerelle.Kind
	Speaker       string
	StartsAt      *time.Time
}

// Meeting returns the schema.org Event of a meeting: its times (with their
// Paris offset), status, place and online link, organiser, capacity, themes
// and territory; each practice of its agenda as a subEvent whose
// workFeatured is the practice (an Article or a LearningResource), and the
// practices together as the meeting's workFeatured; its published record as
// recordedIn. items are the accepted items of the agenda, in order.
func Meeting(m *passerelle.Meeting, baseURL, territoryName string, themes []passerelle.Theme, items []MeetingItem) ([]byte, error) {
	if m == nil {
		return nil, errors.New("jsonld: no meeting")
	}
	base := strings.TrimRight(baseURL, "/")
	url := jobs.MeetingURL(base, m.ID)
	d := eventDocument{Context: "https://schema.org", Type: "Event", ID: url, URL: url, Name: m.Title, InLanguage: Lang,
		StartDate: m.StartsAt.In(passerelle.MeetingZone).Format(time.RFC3339), EndDate: m.EndsAt.In(passerelle.MeetingZone).Format(time.RFC3339),
		IsAccessibleForFree: true, MaxCapacity: m.Capacity}
	if desc := []rune(m.Description); len(desc) > 500 {
		d.Description = strings.TrimSpace(string(desc[:499])) + "…"
	} else {
		d.Description = m.Description
	}
	switch m.Status {
	case passerelle.MeetingCancelled:
		d.EventStatus = "https://schema.org/EventCancelled"
	default:
		d.EventStatus = "https://schema.org/EventScheduled"
	}
	switch {
	case m.Place != "" && m.OnlineURL != "":
		d.AttendanceMode = "https://schema.org/MixedEventAttendanceMode"
	case m.OnlineURL != "":
		d.AttendanceMode = "https://schema.org/OnlineEventAttendanceMode"
	default:
		d.AttendanceMode = "https://schema.org/OfflineEventAttendanceMode"
	}
	if m.Place != "" {
		d.Location = append(d.Location, thing{Type: "Place", Name: m.Place})
	}
	if m.OnlineURL != "" {
		d.Location = append(d.Location, thing{Type: "VirtualLocation", Name: m.Title, URL: m.OnlineURL})
	}
	if m.Capacity > 0 && m.Status == passerelle.MeetingPlanned {
		left := max(0, m.Capacity-m.Registered)
		d.RemainingCapacity = &left
	}
	if m.OrganizerName != "" {
		d.Organizer = &thing{Type: "Person", Name: m.OrganizerName}
	}
	if m.TerritoryCode != "" {
		name := territoryName
		if name == "" {
			name = m.TerritoryCode
		}
		d.SpatialCoverage = &place{Type: "Place", Name: name, Identifier: m.TerritoryCode, URL: base + "/territoires/" + m.TerritoryCode}
	}
	for _, t := range themes {
		d.About = append(d.About, term{Type: "DefinedTerm", Name: t.Name, TermCode: t.Slug})
	}
	for _, it := range items {
		work := thing{Type: "Article", Name: it.PracticeTitle, URL: jobs.PracticeURL(base, it.PracticeID)}
		if it.PracticeKind == passerelle.KindTool {
			work.Type = "LearningResource"
		}
		d.WorkFeatured = append(d.WorkFeatured, work)
		sub := eventDocument{Type: "Event", Name: it.PracticeTitle, WorkFeatured: []thing{work}}
		if it.StartsAt != nil {
			sub.StartDate = it.StartsAt.In(passerelle.MeetingZone).Format(time.RFC3339)
		}
		if it.Speaker != "" {
			sub.Performer = &thing{Type: "Person", Name: it.Speaker}
		}
		d.SubEvent = append(d.SubEvent, sub)
	}
	if m.RecordPublished() {
		d.Recording = &thing{Type: "CreativeWork", Name: "Compte rendu — " + m.Title, URL: url + "#compte-rendu"}
	}
	return json.Marshal(d)
}
