package e2e

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apognu/gocal"
	goical "github.com/emersion/go-ical"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/testenv"
)

type meetingJSON struct {
	ID         string    `json:"id"`
	URL        string    `json:"url"`
	ICSURL     string    `json:"ics_url"`
	Title      string    `json:"title"`
	Status     string    `json:"status"`
	StartsAt   time.Time `json:"starts_at"`
	Capacity   int       `json:"capacity"`
	Version    int       `json:"version"`
	Sequence   int       `json:"sequence"`
	Registered int       `json:"registered"`
	Waiting    int       `json:"waiting"`
	Agenda     []struct {
		PracticeID string `json:"practice_id"`
		Status     string `json:"status"`
	} `json:"agenda"`
}

type registrationJSON struct {
	User     person `json:"user"`
	Status   string `json:"status"`
	Position *int   `json:"position"`
}

// TestAPIMeetingWaitingList is the story over HTTP against the real
// server, River included: a moderator creates a meeting for 2 seats, three
// contributors register (the third waits, 202), one cancels, and the third
// is promoted and told exactly once; the meeting's .ics and the calendar
// feed parse with two independent iCalendar libraries and give the right
// local times on both sides of a daylight-saving change.
func TestAPIMeetingWaitingList(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		s.seedWorld()
		srv := s.serve()
		anon := srv.client("")
		nord, lille, roubaix, moulins := srv.login("nord.mod@example.org"), srv.login("lille@example.org"),
			srv.login("roubaix@example.org"), srv.login("moulins@example.org")

		// The next change to summer time is on the last Sunday of March;
		// the meeting is the Friday before, 09:30 in Paris.
		y := time.Now().In(passerelle.MeetingZone).Year() + 1
		lastSunday := time.Date(y, time.March, 31, 0, 0, 0, 0, passerelle.MeetingZone)
		for lastSunday.Weekday() != time.Sunday {
			lastSunday = lastSunday.AddDate(0, 0, -1)
		}
		friday := lastSunday.AddDate(0, 0, -2)
		body := map[string]any{"title": "Rencontre de réseau : discriminations", "territory": "59", "themes": []string{"lutte-contre-les-discriminations"},
			"starts_at": friday.Format("2006-01-02") + "T09:30", "ends_at": friday.Format("2006-01-02") + "T12:00",
			"place": "Centre de ressources, Lille", "capacity": 2}

		lille.do(http.MethodPost, "/api/v1/meetings", body).fails(http.StatusForbidden, "forbidden")
		anon.do(http.MethodPost, "/api/v1/meetings", body).fails(http.StatusUnauthorized, "unauthenticated")
		nord.do(http.MethodPost, "/api/v1/meetings", map[string]any{"title": "", "starts_at": "demain", "capacity": -3}).
			failsWithFields(http.StatusBadRequest, "validation_failed", "title", "territory", "starts_at", "capacity", "place")
		var m meetingJSON
		res := nord.do(http.MethodPost, "/api/v1/meetings", body).ok(http.StatusCreated, &m)
		if res.header.Get("ETag") != `"1"` || m.Capacity != 2 || m.Status != "planned" {
			t.Fatalf("created %+v, ETag %s", m, res.header.Get("ETag"))
		}
		if got := m.StartsAt.UTC().Format(time.RFC3339); got != friday.Format("2006-01-02")+"T08:30:00Z" {
			t.Errorf("starts_at %s, want 08:30 UTC (09:30 in Paris, winter time)", got)
		}
		path := "/api/v1/meetings/" + m.ID

		var reg registrationJSON
		lille.do(http.MethodPost, path+"/registrations", nil).ok(http.StatusCreated, &reg)
		roubaix.do(http.MethodPost, path+"/registrations", nil).ok(http.StatusCreated, &reg)
		moulins.do(http.MethodPost, path+"/registrations", nil).ok(http.StatusAccepted, &reg)
		if reg.Status != "waiting" || reg.Position == nil || *reg.Position != 1 {
			t.Fatalf("third registration %+v", reg)
		}
		lille.get(path+"/registrations").fails(http.StatusForbidden, "forbidden")
		var list struct{ Items []registrationJSON }
		nord.get(path+"/registrations").ok(http.StatusOK, &list)
		if len(list.Items) != 3 || list.Items[2].Status != "waiting" {
			t.Fatalf("registrations %+v", list.Items)
		}

		roubaix.do(http.MethodDelete, path+"/registrations/me", nil).ok(http.StatusOK, &reg)
		roubaix.do(http.MethodDelete, path+"/registrations/me", nil).fails(http.StatusNotFound, "not_found")
		waitFor(t, 30*time.Second, "the third person promoted", func() bool {
			nord.get(path+"/registrations").ok(http.StatusOK, &list)
			for _, r := range list.Items {
				if r.User.Name == "Moussa Moulins" {
					return r.Status == "registered"
				}
			}
			return false
		})
		var ns struct {
			Items []struct {
				Type      string `json:"type"`
				MeetingID string `json:"meeting_id"`
			} `json:"items"`
		}
		waitFor(t, 30*time.Second, "Moussa told", func() bool {
			moulins.get("/api/v1/notifications").ok(http.StatusOK, &ns)
			for _, n := range ns.Items {
				if n.Type == "meeting.promoted" {
					return true
				}
			}
			return false
		})
		// Later runs of the promotion (another cancellation, a retry)
		// tell nobody twice.
		lille.do(http.MethodDelete, path+"/registrations/me", nil).ok(http.StatusOK, &reg)
		lille.do(http.MethodPost, path+"/registrations", nil).ok(http.StatusCreated, &reg)
		waitFor(t, 30*time.Second, "Moussa's invitation e-mail", func() bool { return promotedMails(t, s, "moulins@example.org") == 1 })
		moulins.get("/api/v1/notifications").ok(http.StatusOK, &ns)
		promoted := 0
		for _, n := range ns.Items {
			if n.Type == "meeting.promoted" {
				promoted++
				if n.MeetingID != m.ID {
					t.Errorf("notification about meeting %s", n.MeetingID)
				}
			}
		}
		if promoted != 1 {
			t.Errorf("Moussa got %d promotion notifications, want 1", promoted)
		}

		// Edits are versioned like practices.
		// A stale edit answers 409 with the meeting as it is now.
		var stale struct {
			Error   apiError    `json:"error"`
			Current meetingJSON `json:"current"`
		}
		nord.do(http.MethodPatch, path, map[string]any{"title": "Nouveau titre", "version": 99}).ok(http.StatusConflict, &stale)
		if stale.Error.Code != "conflict" || stale.Error.Fields["version"] != "stale" || stale.Current.ID != m.ID {
			t.Errorf("stale edit: %+v", stale)
		}
		var up meetingJSON
		res = nord.do(http.MethodPatch, path, map[string]any{"ends_at": friday.Format("2006-01-02") + "T12:30", "version": m.Version}).ok(http.StatusOK, &up)
		if up.Sequence != m.Sequence+1 || res.header.Get("ETag") != `"2"` {
			t.Errorf("after moving the end: sequence %d, ETag %s", up.Sequence, res.header.Get("ETag"))
		}

		// A second meeting after the change to summer time, same hour.
		monday := lastSunday.AddDate(0, 0, 1)
		body["starts_at"], body["ends_at"] = monday.Format("2006-01-02")+"T09:30", monday.Format("2006-01-02")+"T12:00"
		var m2 meetingJSON
		nord.do(http.MethodPost, "/api/v1/meetings", body).ok(http.StatusCreated, &m2)

		// The meeting's .ics, read by emersion/go-ical.
		ics := anon.get("/rencontres/" + m.ID + ".ics")
		if ics.status != http.StatusOK || !strings.HasPrefix(ics.header.Get("Content-Type"), "text/calendar") {
			t.Fatalf(".ics: %d %s", ics.status, ics.header.Get("Content-Type"))
		}
		cal, err := goical.NewDecoder(bytes.NewReader(ics.body)).Decode()
		if err != nil {
			t.Fatalf(".ics does not parse: %v\n%s", err, ics.body)
		}
		ev := cal.Events()[0]
		start, err := ev.DateTimeStart(nil)
		if err != nil || start.In(passerelle.MeetingZone).Format("15:04") != "09:30" || start.UTC().Hour() != 8 {
			t.Errorf(".ics starts at %s (%v)", start, err)
		}
		if uid := ev.Props.Get(goical.PropUID).Value; uid != "rencontre-"+m.ID+"@127.0.0.1" {
			t.Errorf("UID %s", uid)
		}

		// The calendar feed of the Nord, read by gocal: both meetings, at
		// 09:30 in Paris, 08:30 UTC before the change and 07:30 after.
		feed := anon.get("/feeds/rencontres.ics?territory=59")
		from, to := time.Now().Add(-24*time.Hour), time.Now().AddDate(2, 0, 0)
		g := gocal.NewParser(bytes.NewReader(feed.body))
		g.Start, g.End = &from, &to
		if err := g.Parse(); err != nil {
			t.Fatalf("feed does not parse with gocal: %v", err)
		}
		hours := map[string]int{}
		for _, e := range g.Events {
			hours[e.Uid] = e.Start.UTC().Hour()
			if e.Start.In(passerelle.MeetingZone).Format("15:04") != "09:30" {
				t.Errorf("feed: %s starts at %s in Paris", e.Uid, e.Start.In(passerelle.MeetingZone))
			}
		}
		if hours["rencontre-"+m.ID+"@127.0.0.1"] != 8 || hours["rencontre-"+m2.ID+"@127.0.0.1"] != 7 {
			t.Errorf("feed hours (UTC) %v", hours)
		}
		anon.get("/feeds/rencontres.ics?territory=nowhere").failsWithFields(http.StatusBadRequest, "invalid_request", "territory")
		if atom := anon.get("/feeds/rencontres.atom"); atom.status != http.StatusOK || !bytes.Contains(atom.body, []byte("Rencontre de réseau")) {
			t.Errorf("Atom feed: %d", atom.status)
		}
		var pub struct{ Items []meetingJSON }
		anon.get("/api/v1/meetings?when=upcoming&territory=32").ok(http.StatusOK, &pub)
		if len(pub.Items) != 2 {
			t.Errorf("upcoming meetings of the region: %d", len(pub.Items))
		}
		anon.get("/api/v1/meetings?when=someday").failsWithFields(http.StatusBadRequest, "invalid_request", "when")
		anon.get("/api/v1/meetings/abc").fails(http.StatusNotFound, "not_found")
		// The search page finds meetings like sheets.
		if page := anon.get("/recherche?q=discrimination&lang=fr"); page.status != http.StatusOK ||
			!bytes.Contains(page.body, []byte(`href="/rencontres/`+m.ID+`"`)) {
			t.Errorf("search page: %d, meeting %s not listed", page.status, m.ID)
		}
	})
}

// promotedMails counts the e-mails to email that carry a promotion with its
// invitation.
func promotedMails(t *testing.T, s *site, email string) int {
	n := 0
	for _, m := range testenv.Outbox(t, s.dataDir+"/outbox") {
		if !strings.Contains(m.To, email) || !strings.Contains(m.Text, "Une place s’est libérée") {
			continue
		}
		for _, a := range m.Attachments {
			if strings.Contains(a.ContentType, "method=REQUEST") {
				n++
			}
		}
	}
	return n
}
