package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/demo"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestDemoMeetings loads the demo and finds its meetings as the issue
// describes them: the November anti-discrimination meeting at the resource
// centre, held, with its record and three practices presented (each sheet
// listing it); an upcoming one with registrations and a waiting list.
func TestDemoMeetings(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		if err := demo.Load(ctx, b.Service); err != nil {
			t.Fatal(err)
		}
		svc := b.Service
		past, err := svc.Meetings(ctx, service.MeetingQuery{When: "past", Theme: "lutte-contre-les-discriminations"})
		if err != nil || past.Total != 1 {
			t.Fatalf("past meetings: %v, %v", past, err)
		}
		m := past.Items[0]
		start := m.StartsAt.In(passerelle.MeetingZone)
		if m.Title != demo.PastMeetingTitle || m.Status != passerelle.MeetingHeld || !m.RecordPublished() ||
			start.Month() != time.November || start.Day() != 15 || start.Hour() != 9 {
			t.Fatalf("past meeting %+v", m)
		}
		agenda, err := svc.Agenda(ctx, nil, m.ID)
		if err != nil || len(agenda) != 3 {
			t.Fatalf("agenda: %v, %v", agenda, err)
		}
		for _, it := range agenda {
			pres, err := svc.PracticeMeetings(ctx, nil, it.PracticeID)
			if err != nil || len(pres) != 1 || pres[0].Meeting.ID != m.ID {
				t.Errorf("sheet %q lists %v (%v)", it.PracticeTitle, pres, err)
			}
		}
		found, err := svc.Meetings(ctx, service.MeetingQuery{Q: "stéréotypes collégiens"})
		if err != nil || found.Total != 1 {
			t.Errorf("the record is searchable: %v, %v", found, err)
		}
		up, err := svc.Meetings(ctx, service.MeetingQuery{When: "upcoming"})
		if err != nil || up.Total != 1 {
			t.Fatalf("upcoming: %v, %v", up, err)
		}
		if u := up.Items[0]; u.Title != demo.UpcomingMeetingTitle || u.Registered != 3 || u.Waiting != 1 || u.Capacity != 3 {
			t.Fatalf("upcoming meeting %+v", u)
		}
	})
}
