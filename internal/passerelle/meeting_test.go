package passerelle

import (
	"testing"
	"time"
)

func TestSeatForAndFreeSeats(t *testing.T) {
	for _, tc := range []struct {
		name                          string
		capacity, registered, waiting int
		seat                          RegistrationStatus
		free                          int
	}{
		{"no limit", 0, 500, 0, RegistrationRegistered, 0},
		{"no limit, people waiting since the limit was lifted", 0, 3, 2, RegistrationRegistered, 2},
		{"seats left, nobody waits", 2, 1, 0, RegistrationRegistered, 0},
		{"full", 2, 2, 0, RegistrationWaiting, 0},
		{"a seat freed, one waits: the newcomer goes after", 2, 1, 1, RegistrationWaiting, 1},
		{"two seats freed, three wait", 5, 3, 3, RegistrationWaiting, 2},
		{"over capacity (lowered): nobody promoted", 2, 3, 1, RegistrationWaiting, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SeatFor(tc.capacity, tc.registered, tc.waiting); got != tc.seat {
				t.Errorf("SeatFor = %s, want %s", got, tc.seat)
			}
			if got := FreeSeats(tc.capacity, tc.registered, tc.waiting); got != tc.free {
				t.Errorf("FreeSeats = %d, want %d", got, tc.free)
			}
		})
	}
}

func TestMeetingRulesAreComplete(t *testing.T) {
	seen := map[MeetingAction]bool{}
	for _, r := range MeetingRules {
		if seen[r.Action] {
			t.Errorf("%s listed twice", r.Action)
		}
		seen[r.Action] = true
		if r.Action != MeetingCreate && len(r.In) == 0 {
			t.Errorf("%s: from no state", r.Action)
		}
		if r.By == "" {
			t.Errorf("%s: by nobody", r.Action)
		}
	}
	for _, a := range MeetingAuditActions {
		if MeetingRuleFor(MeetingAction(a)) == nil {
			t.Errorf("audit action %s has no rule", a)
		}
	}
	for _, n := range MeetingNotices {
		if n.Category == "" || !n.Category.Valid() {
			t.Errorf("notice %s: category %q", n.Type, n.Category)
		}
		if CategoryOf(n.Type) != n.Category {
			t.Errorf("CategoryOf(%s) = %s", n.Type, CategoryOf(n.Type))
		}
	}
}

func TestMomentsAndValidation(t *testing.T) {
	start := time.Date(2027, 3, 26, 8, 30, 0, 0, time.UTC)
	deadline := start.Add(-24 * time.Hour)
	m := &Meeting{Title: "Rencontre", TerritoryCode: "59", StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "Lille",
		RegistrationDeadline: &deadline, Status: MeetingPlanned}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		moment Moment
		at     time.Time
		holds  bool
	}{
		{BeforeDeadline, deadline.Add(-time.Minute), true},
		{BeforeDeadline, deadline, false},
		{BeforeStart, deadline, true},
		{BeforeStart, start, false},
		{AfterStart, start, true},
		{AfterStart, start.Add(-time.Second), false},
		{Anytime, start.Add(1000 * time.Hour), true},
	} {
		if got := tc.moment.Holds(m, tc.at); got != tc.holds {
			t.Errorf("%q at %s: %v", tc.moment, tc.at, got)
		}
	}
	bad := *m
	bad.Title, bad.Place, bad.OnlineURL, bad.Capacity = "Ligne\ncoupée", "", "ftp://x", MaxMeetingCapacity+1
	late := start.Add(time.Hour)
	bad.RegistrationDeadline = &late
	err := bad.Validate()
	want := map[string]string{"title": FieldCharacters, "online_url": FieldInvalid, "capacity": FieldInvalid, "registration_deadline": FieldInvalid}
	got := err.(*Error).Fields
	for f, r := range want {
		if got[f] != r {
			t.Errorf("field %s: %q, want %q (all: %v)", f, got[f], r, got)
		}
	}
	sub := &Subscription{Territory: "59"}
	if !sub.MatchesMeeting(m, []string{"59", "32"}) {
		t.Error("a subscription to the territory follows its meetings")
	}
	if (&Subscription{Kind: KindTool}).MatchesMeeting(m, []string{"59"}) {
		t.Error("a subscription to tools follows practices only")
	}
}
