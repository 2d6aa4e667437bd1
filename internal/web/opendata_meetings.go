package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/ical"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/markdown"
	"github.com/passerelle/passerelle/internal/opendata"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// The meetings in open formats: the iCalendar of one meeting
// (/rencontres/{id}.ics), the calendar feed that calendar programs
// subscribe to, and the Atom feed. Public, like the meetings.

// Bounds of the meetings' feeds.
const (
	// calendarPast is how long a meeting stays in the calendar feed once
	// over, so that subscribers keep the recent ones.
	calendarPast = 90 * 24 * time.Hour
	// calendarSize bounds the calendar feed.
	calendarSize = 500
)

// meetingFeedParams reads the filters of a meetings' feed: territory and
// theme, each at most once.
func meetingFeedParams(r *http.Request) (territory, theme string, err error) {
	q, perr := url.ParseQuery(r.URL.RawQuery)
	if perr != nil {
		return "", "", passerelle.Errorf(passerelle.EInvalid, "Malformed query string.")
	}
	v := passerelle.Validation{}
	for name, vals := range q {
		switch {
		case name != "territory" && name != "theme":
			v.Add(name, passerelle.FieldUnknown)
		case len(vals) > 1:
			v.Add(name, passerelle.FieldInvalid)
		}
	}
	return q.Get("territory"), q.Get("theme"), v.Err()
}

// writeCached answers body with a strong ETag, 304 when the client has it.
func writeCached(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", publicMaxAge)
	h.Set("Access-Control-Allow-Origin", "*")
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// feedTitle names a selection: the site, then the territory and theme.
func (s *Server) feedTitle(r *http.Request, base, territory, theme string) string {
	title := []string{base}
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		return base
	}
	if t := snap.Tree().Get(territory); t != nil {
		title = append(title, t.Name)
	}
	if th := snap.Theme(theme); th != nil {
		title = append(title, th.Name)
	}
	return strings.Join(title, " — ")
}

func (s *Server) icalSite() ical.Site { return jobs.ICalSite(s.opts.BaseURL, s.svc.MailFrom) }

// meetingsCalendar serves the calendar feed: the meetings still to come and
// those of the last 90 days, of a territory (and below) or a theme, as
// iCalendar, in French.
func (s *Server) meetingsCalendar(w http.ResponseWriter, r *http.Request) {
	territory, theme, err := meetingFeedParams(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.svc.Meetings(r.Context(), service.MeetingQuery{Territory: territory, Theme: theme, When: "upcoming",
		EndedAfter: time.Now().Add(-calendarPast), PerPage: calendarSize})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	tr := s.view.Catalog().Translator("fr")
	feed := ical.Feed{Name: s.feedTitle(r, tr.T("meetings.feed.title"), territory, theme), Description: tr.T("meetings.feed.description"),
		URL: strings.TrimRight(s.opts.BaseURL, "/") + "/feeds/rencontres.ics" + canonicalQuery(territory, theme, "")}
	var buf bytes.Buffer
	if err := ical.WriteFeed(&buf, s.icalSite(), jobs.IcalNames(snap, "fr"), feed, list.Items); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeCached(w, r, ical.ContentType, buf.Bytes())
}

// meetingsAtom serves the Atom feed of meetings: the 50 latest changed (a
// meeting announced, moved, cancelled, its record published).
func (s *Server) meetingsAtom(site *opendata.Site) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		territory, theme, err := meetingFeedParams(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		list, err := s.svc.Meetings(r.Context(), service.MeetingQuery{Territory: territory, Theme: theme, ByUpdate: true, PerPage: feedSize})
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		snap, err := s.svc.Snapshot(r.Context())
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		tr := s.view.Catalog().Translator(site.Lang)
		alternate := site.URL("/rencontres" + canonicalQuery(territory, theme, ""))
		f := opendata.MeetingFeed{SelfURL: site.URL("/feeds/rencontres.atom" + canonicalQuery(territory, theme, "")),
			AlternateURL: alternate, Title: s.feedTitle(r, tr.T("meetings.feed.title"), territory, theme), Entries: list.Items,
			When:        func(m *passerelle.Meeting) string { return jobs.MeetingWhen(site.Lang, m) },
			RecordLabel: tr.T("meetings.feed.record"), CancelledLabel: tr.T("meetings.feed.cancelled"),
			Content: func(m *passerelle.Meeting) string {
				html := string(markdown.Render(m.Description))
				if m.RecordPublished() {
					html += "<h2>" + tr.T("meetings.record.heading") + "</h2>" + string(markdown.Render(m.Record))
				}
				return html
			}}
		var buf bytes.Buffer
		if err := site.WriteMeetingsAtom(&buf, snap, f); err != nil {
			s.apiError(w, r, err)
			return
		}
		writeCached(w, r, "application/atom+xml; charset=utf-8", buf.Bytes())
	}
}

// meetingICS serves one meeting as iCalendar, to add to a calendar: the
// page /rencontres/{id}.ics.
func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	m, err := s.svc.Meeting(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := ical.WriteMeeting(&buf, s.icalSite(), jobs.IcalNames(snap, s.lang(r)), m); err != nil {
		s.errorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="rencontre-`+idString(m.ID)+`.ics"`)
	writeCached(w, r, ical.ContentType, buf.Bytes())
}

// sitemapMeetingsMax bounds the meetings' pages in the sitemap: the most
// recent ones, far more than a network holds in years.
const sitemapMeetingsMax = 5000

// sitemapMeetings returns the meetings whose pages the sitemap lists.
func (s *Server) sitemapMeetings(r *http.Request) ([]*passerelle.Meeting, error) {
	list, err := s.svc.Meetings(r.Context(), service.MeetingQuery{PerPage: sitemapMeetingsMax})
	if err != nil {
		return nil, err
	}
	return list.Items, nil
}
