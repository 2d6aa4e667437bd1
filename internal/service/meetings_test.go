package service_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// rfc writes a time for MeetingInput.
func rfc(t time.Time) *string { s := t.Format(time.RFC3339); return &s }

// meetingInput is a meeting of the Nord for capacity seats, starting in
// days days at 09:30 Paris time, for three hours.
func meetingInput(territory string, capacity, days int) service.MeetingInput {
	d := time.Now().In(passerelle.MeetingZone).AddDate(0, 0, days)
	start := time.Date(d.Year(), d.Month(), d.Day(), 9, 30, 0, 0, passerelle.MeetingZone)
	themes := []string{"lutte-contre-les-discriminations"}
	return service.MeetingInput{Title: ptr("Rencontre de réseau : lutte contre les discriminations"), Territory: ptr(territory),
		Themes: &themes, Description: ptr("Retours d'expérience et **outils** pour agir."), Place: ptr("Centre de ressources, Lille"),
		StartsAt: rfc(start), EndsAt: rfc(start.Add(3 * time.Hour)), Capacity: ptr(capacity)}
}

// waitMeetingJobs waits until River has run every job due now (scheduled
// ones, such as reminders, stay scheduled).
func waitMeetingJobs(t *testing.T, b *testenv.Bundle) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := b.DB.Bun.NewSelect().Table("river_job").
			Where("state NOT IN ('completed', 'cancelled', 'discarded', 'scheduled')").Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d River jobs still pending", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// invitationsTo returns the invitations e-mailed to email with method (and
// SEQUENCE seq, unless negative), each parsed with emersion/go-ical, an
// independent parser, which must accept it; the UID must be the meeting's.
func invitationsTo(t *testing.T, b *testenv.Bundle, email, method string, seq int) []*goical.Calendar {
	t.Helper()
	var out []*goical.Calendar
	for _, m := range testenv.Outbox(t, b.Outbox) {
		if !strings.Contains(m.To, email) {
			continue
		}
		for _, a := range m.Attachments {
			if !strings.HasPrefix(a.ContentType, "text/calendar") {
				continue
			}
			cal, err := goical.NewDecoder(bytes.NewReader(a.Data)).Decode()
			if err != nil {
				t.Fatalf("invitation to %s does not parse: %v\n%s", email, err, a.Data)
			}
			if cal.Props.Get(goical.PropMethod).Value != method || !strings.Contains(a.ContentType, "method="+method) {
				continue
			}
			ev := cal.Events()[0]
			if uid := ev.Props.Get(goical.PropUID).Value; !strings.HasPrefix(uid, "rencontre-") || !strings.HasSuffix(uid, "@passerelle.test") {
				t.Fatalf("UID %s", uid)
			}
			if n, _ := ev.Props.Get(goical.PropSequence).Int(); seq >= 0 && n != seq {
				continue
			}
			out = append(out, cal)
		}
	}
	return out
}

// mailsTo returns the e-mails to email whose text contains word.
func mailsTo(t *testing.T, b *testenv.Bundle, email, word string) []*testenv.Mail {
	t.Helper()
	var out []*testenv.Mail
	for _, m := range testenv.Outbox(t, b.Outbox) {
		if strings.Contains(m.To, email) && strings.Contains(m.Text, word) {
			out = append(out, m)
		}
	}
	return out
}

func TestMeetingWaitingListPromotion(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
		w := testenv.NewWorld(t, b)
		svc := b.Service

		// A contributor may not organise; a moderator of the Nord may.
		_, err := svc.CreateMeeting(ctx, w.LilleAuthor, meetingInput("59", 2, 10))
		requireCode(t, err, passerelle.EForbidden)
		_, err = svc.CreateMeeting(ctx, w.PasMod, meetingInput("59", 2, 10))
		requireCode(t, err, passerelle.EForbidden)
		m, err := svc.CreateMeeting(ctx, w.NordMod, meetingInput("59", 2, 10))
		requireCode(t, err, "")
		if m.Status != passerelle.MeetingPlanned || m.Capacity != 2 || m.OrganizerName != "Nora Nord" {
			t.Fatalf("created %+v", m)
		}

		// Three contributors register: two seats, then the waiting list.
		want := []passerelle.RegistrationStatus{passerelle.RegistrationRegistered, passerelle.RegistrationRegistered, passerelle.RegistrationWaiting}
		people := []*passerelle.User{w.LilleAuthor, w.RoubaixAuthor, w.MoulinsAuthor}
		for i, u := range people {
			reg, err := svc.Register(ctx, u, m.ID)
			requireCode(t, err, "")
			if reg.Status != want[i] {
				t.Fatalf("%s: %s, want %s", u.Name, reg.Status, want[i])
			}
		}
		again, err := svc.Register(ctx, w.MoulinsAuthor, m.ID)
		requireCode(t, err, "")
		if again.Status != passerelle.RegistrationWaiting || again.WaitingRank != 1 {
			t.Fatalf("registering twice: %+v", again)
		}
		_, err = svc.Register(ctx, nil, m.ID)
		requireCode(t, err, passerelle.EUnauthn)
		waitMeetingJobs(t, b)
		if got := invitationsTo(t, b, "lille@example.org", "REQUEST", 0); len(got) != 1 {
			t.Fatalf("Lila's confirmation with an invitation: %d e-mails", len(got))
		}
		if got := mailsTo(t, b, "moulins@example.org", "liste d’attente"); len(got) != 1 || len(got[0].Attachments) != 0 {
			t.Fatalf("Moussa is told he waits, without an invitation: %d", len(got))
		}

		// One cancels: the third is promoted and told, once.
		_, err = svc.Unregister(ctx, w.RoubaixAuthor, m.ID)
		requireCode(t, err, "")
		waitMeetingJobs(t, b)
		reg, err := svc.MyRegistration(ctx, w.MoulinsAuthor, m.ID)
		requireCode(t, err, "")
		if reg.Status != passerelle.RegistrationRegistered {
			t.Fatalf("Moussa after the cancellation: %s", reg.Status)
		}
		n, err := store.CountNotifications(ctx, b.DB.Bun, w.MoulinsAuthor.ID, passerelle.NotifyMeetingPromoted, m.ID)
		if err != nil || n != 1 {
			t.Fatalf("promotion notifications: %d, %v", n, err)
		}
		if got := mailsTo(t, b, "moulins@example.org", "Une place s’est libérée"); len(got) != 1 {
			t.Fatalf("promotion e-mails: %d", len(got))
		}
		if got := invitationsTo(t, b, "moulins@example.org", "REQUEST", 0); len(got) != 1 {
			t.Fatalf("promotion invitations: %d", len(got))
		}
		if got := invitationsTo(t, b, "roubaix@example.org", "CANCEL", -1); len(got) != 1 {
			t.Fatalf("Rose's calendar gets a CANCEL: %d", len(got))
		}
		cur, _ := svc.Meeting(ctx, m.ID)
		if cur.Registered != 2 || cur.Waiting != 0 {
			t.Fatalf("seats %d, waiting %d", cur.Registered, cur.Waiting)
		}

		// A change of time bumps the SEQUENCE and updates the calendars.
		in := meetingInput("59", 2, 11)
		in.Version = cur.Version
		up, err := svc.UpdateMeeting(ctx, w.NordMod, m.ID, in)
		requireCode(t, err, "")
		if up.Sequence != cur.Sequence+1 {
			t.Fatalf("sequence %d → %d", cur.Sequence, up.Sequence)
		}
		_, err = svc.UpdateMeeting(ctx, w.NordMod, m.ID, service.MeetingInput{Title: ptr("Autre"), Version: cur.Version})
		requireCode(t, err, passerelle.EConflict)
		waitMeetingJobs(t, b)
		updates := invitationsTo(t, b, "lille@example.org", "REQUEST", 1)
		if len(updates) != 1 {
			t.Fatalf("updated invitations: %d", len(updates))
		}

		// Cancelled: everyone registered gets a CANCEL.
		_, err = svc.CancelMeeting(ctx, w.LilleAuthor, m.ID, "")
		requireCode(t, err, passerelle.EForbidden)
		c, err := svc.CancelMeeting(ctx, w.NordMod, m.ID, "Salle indisponible.")
		requireCode(t, err, "")
		if c.Status != passerelle.MeetingCancelled || c.Sequence != up.Sequence+1 {
			t.Fatalf("cancelled %+v", c)
		}
		_, err = svc.Register(ctx, w.RoubaixAuthor, m.ID)
		requireCode(t, err, passerelle.EConflict)
		waitMeetingJobs(t, b)
		for _, email := range []string{"lille@example.org", "moulins@example.org"} {
			if got := invitationsTo(t, b, email, "CANCEL", 2); len(got) != 1 {
				t.Fatalf("%s: %d cancellations", email, len(got))
			}
		}
	})
}

// TestMeetingPromotionExactlyOnce races cancellations against two River
// clients — two processes — working the promotions: every freed seat goes
// to one person waiting, each told once, never more people seated than
// seats.
func TestMeetingPromotionExactlyOnce(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
		second := testenv.SecondWorker(t, b) // another process on the same database
		_ = second
		w := testenv.NewWorld(t, b)
		svc := b.Service
		const seats, people = 3, 12
		m, err := svc.CreateMeeting(ctx, w.RegionMod, meetingInput("32", seats, 5))
		requireCode(t, err, "")
		var users []*passerelle.User
		for i := range people {
			u, err := svc.CreateUser(ctx, service.NewUser{Email: "p" + string(rune('a'+i)) + "@example.org", Name: "Personne " + string(rune('A'+i)),
				Password: testenv.Password, Lang: "fr"})
			requireCode(t, err, "")
			if _, err := svc.Register(ctx, u, m.ID); err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		// The first six cancel at once: the seated three and three waiting.
		var wg sync.WaitGroup
		for _, u := range users[:6] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := svc.Unregister(ctx, u, m.ID); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		waitMeetingJobs(t, b)
		_, regs, err := svc.Registrations(ctx, w.RegionMod, m.ID)
		requireCode(t, err, "")
		seated := map[int64]bool{}
		for _, r := range regs {
			if r.Status == passerelle.RegistrationRegistered {
				seated[r.UserID] = true
			}
		}
		if len(seated) != seats {
			t.Fatalf("%d seated, want %d", len(seated), seats)
		}
		// The next three in the order of the list got the seats.
		for _, u := range users[6:9] {
			if !seated[u.ID] {
				t.Errorf("%s was next in line but has no seat", u.Name)
			}
			n, err := store.CountNotifications(ctx, b.DB.Bun, u.ID, passerelle.NotifyMeetingPromoted, m.ID)
			if err != nil || n != 1 {
				t.Errorf("%s: %d promotion notifications (%v)", u.Name, n, err)
			}
			if got := invitationsTo(t, b, u.Email, "REQUEST", 0); len(got) != 1 {
				t.Errorf("%s: %d invitations", u.Name, len(got))
			}
		}
		for _, u := range users[9:] {
			if seated[u.ID] {
				t.Errorf("%s jumped the queue", u.Name)
			}
		}
	})
}

func TestMeetingAgendaAndRecord(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		published := drive(t, svc, w.LilleAuthor, w.NordMod, "59350", "Forum emploi sans discrimination", passerelle.StatusPublished)
		other := drive(t, svc, w.RoubaixAuthor, w.NordMod, "59512", "Jeu de l'oie de l'égalité", passerelle.StatusPublished)
		draft := drive(t, svc, w.LilleAuthor, w.NordMod, "59350", "Brouillon", passerelle.StatusDraft)

		m, err := svc.CreateMeeting(ctx, w.NordMod, meetingInput("59", 30, 7))
		requireCode(t, err, "")

		// The author proposes; a stranger may not; a draft may not go.
		_, err = svc.AddToAgenda(ctx, w.RoubaixAuthor, m.ID, service.AgendaInput{PracticeID: published.ID})
		requireCode(t, err, passerelle.EForbidden)
		_, err = svc.AddToAgenda(ctx, w.LilleAuthor, m.ID, service.AgendaInput{PracticeID: draft.ID})
		requireCode(t, err, passerelle.EConflict)
		prop, err := svc.AddToAgenda(ctx, w.LilleAuthor, m.ID, service.AgendaInput{PracticeID: published.ID, Comment: "15 minutes suffisent."})
		requireCode(t, err, "")
		if prop.Status != passerelle.AgendaProposed {
			t.Fatalf("proposal %+v", prop)
		}
		// The public does not see proposals; the organiser does.
		items, _ := svc.Agenda(ctx, nil, m.ID)
		if len(items) != 0 {
			t.Fatalf("public agenda %+v", items)
		}
		// Declining needs a reason; the proposer never decides.
		_, err = svc.DecideAgendaItem(ctx, w.NordMod, m.ID, prop.ID, service.AgendaDecision{Decision: "decline"})
		requireFields(t, err, map[string]string{"comment": passerelle.FieldRequired})
		acc, err := svc.DecideAgendaItem(ctx, w.NordMod, m.ID, prop.ID, service.AgendaDecision{Decision: "accept", Speaker: "Lila Lille"})
		requireCode(t, err, "")
		if acc.Status != passerelle.AgendaAccepted || acc.Speaker != "Lila Lille" {
			t.Fatalf("accepted %+v", acc)
		}
		_, err = svc.DecideAgendaItem(ctx, w.RegionMod, m.ID, prop.ID, service.AgendaDecision{Decision: "decline", Comment: "Non."})
		requireCode(t, err, passerelle.EConflict)
		// The organiser adds another practice directly.
		_, err = svc.AddToAgenda(ctx, w.NordMod, m.ID, service.AgendaInput{PracticeID: other.ID})
		requireCode(t, err, "")
		_, err = svc.AddToAgenda(ctx, w.NordMod, m.ID, service.AgendaInput{PracticeID: other.ID})
		requireCode(t, err, passerelle.EConflict)
		items, _ = svc.Agenda(ctx, nil, m.ID)
		if len(items) != 2 || items[0].PracticeID != published.ID || items[1].Speaker != "Rose Roubaix" {
			t.Fatalf("public agenda %+v", items)
		}
		// Each sheet lists the meeting.
		pres, err := svc.PracticeMeetings(ctx, nil, published.ID)
		requireCode(t, err, "")
		if len(pres) != 1 || pres[0].Meeting.ID != m.ID {
			t.Fatalf("presentations %+v", pres)
		}

		// The record waits for the meeting to start.
		_, err = svc.PublishRecord(ctx, w.NordMod, m.ID, "Compte rendu.")
		requireCode(t, err, passerelle.EConflict)

		// A past meeting: held, attendance, record, found by search.
		past, err := svc.CreateMeeting(ctx, w.NordMod, meetingInput("59", 0, -20))
		requireCode(t, err, "")
		_, err = svc.Register(ctx, w.LilleAuthor, past.ID)
		requireCode(t, err, passerelle.EConflict)
		_, err = svc.AddToAgenda(ctx, w.NordMod, past.ID, service.AgendaInput{PracticeID: published.ID})
		requireCode(t, err, "")
		_, err = svc.PublishRecord(ctx, w.NordMod, past.ID, "")
		requireFields(t, err, map[string]string{"record": passerelle.FieldRequired})
		rec, err := svc.PublishRecord(ctx, w.NordMod, past.ID, "## Compte rendu\n\nLes participantes ont échangé sur les **discriminations à l'embauche**.")
		requireCode(t, err, "")
		if rec.Status != passerelle.MeetingHeld || rec.RecordPublishedAt == nil {
			t.Fatalf("record %+v", rec)
		}
		found, err := svc.Meetings(ctx, service.MeetingQuery{Q: "discrimination embauché"})
		requireCode(t, err, "")
		if found.Total != 1 || found.Items[0].ID != past.ID {
			t.Fatalf("search found %d", found.Total)
		}
		upcoming, err := svc.Meetings(ctx, service.MeetingQuery{When: "upcoming", Territory: "32"})
		requireCode(t, err, "")
		if upcoming.Total != 1 || upcoming.Items[0].ID != m.ID {
			t.Fatalf("upcoming %d", upcoming.Total)
		}
		_, err = svc.Meetings(ctx, service.MeetingQuery{When: "soon", Territory: "nowhere"})
		requireCodeFields(t, err, passerelle.EInvalid, map[string]string{"when": passerelle.FieldUnknown, "territory": passerelle.FieldUnknown})
		pres, _ = svc.PracticeMeetings(ctx, nil, published.ID)
		if len(pres) != 2 || pres[0].Meeting.ID != m.ID {
			t.Fatalf("presentations %+v", pres)
		}
		// Every step is in the journal.
		j, err := svc.Journal(ctx, w.Admin, service.JournalQuery{Target: "meeting:" + itoa(past.ID)})
		requireCode(t, err, "")
		if j.Total != 3 {
			t.Fatalf("journal of the past meeting: %d entries", j.Total)
		}
	})
}

func TestMeetingValidation(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		_, err := svc.CreateMeeting(ctx, w.NordMod, service.MeetingInput{StartsAt: ptr("demain"), OnlineURL: ptr("javascript:alert(1)"),
			Capacity: ptr(-1), Territory: ptr("nowhere"), Themes: &[]string{"cuisine"}})
		requireFields(t, err, map[string]string{"title": "required", "territory": "unknown", "themes": "unknown",
			"starts_at": "invalid", "online_url": "invalid", "capacity": "invalid"})
		in := meetingInput("59", 10, 3)
		in.EndsAt = in.StartsAt
		in.RegistrationDeadline = ptr("2099-01-01T10:00")
		in.Place = ptr("")
		_, err = svc.CreateMeeting(ctx, w.NordMod, in)
		requireFields(t, err, map[string]string{"ends_at": "invalid", "registration_deadline": "invalid", "place": "required"})
		n, _ := b.DB.Bun.NewSelect().Table("meetings").Count(ctx)
		if n != 0 {
			t.Fatalf("%d meetings stored", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
