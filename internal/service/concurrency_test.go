package service_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestConcurrentDecisions races 16 approvals of the same submission: exactly
// one wins, the others get a conflict, and the author is told once.
func TestConcurrentDecisions(t *testing.T) {
	const racers = 16
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true, Mail: discardMail{}})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		// Enough moderators covering qpv-moulins for one racer each.
		many := []*passerelle.User{w.NordMod, w.RegionMod, w.ModAuthor, w.Admin}
		for i := len(many); i < racers; i++ {
			many = append(many, addUser(t, svc, fmt.Sprintf("mod%02d@example.org", i), "moderator", "59"))
		}

		tests := []struct {
			name      string
			moderator func(i int) *passerelle.User
			decisions func(i int) (string, string)
		}{
			{name: "same moderator approving", moderator: func(int) *passerelle.User { return w.NordMod },
				decisions: func(int) (string, string) { return "approve", "" }},
			{name: "different moderators approving", moderator: func(i int) *passerelle.User { return many[i] },
				decisions: func(int) (string, string) { return "approve", "" }},
			{name: "different moderators, different decisions", moderator: func(i int) *passerelle.User { return many[i] },
				decisions: func(i int) (string, string) {
					return []string{"approve", "request_changes", "reject"}[i%3], "Décision concurrente."
				}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", tt.name, passerelle.StatusSubmitted)
				before := storedState(t, b, p.ID)

				var (
					start   = make(chan struct{})
					wg      sync.WaitGroup
					results = make([]*passerelle.Practice, racers)
					errs    = make([]error, racers)
				)
				for i := range racers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						decision, comment := tt.decisions(i)
						results[i], errs[i] = svc.Decide(ctx, tt.moderator(i), p.ID, decision, comment)
					}()
				}
				close(start)
				wg.Wait()

				winner := -1
				for i, err := range errs {
					switch passerelle.ErrorCode(err) {
					case "":
						if winner >= 0 {
							t.Errorf("racers %d and %d both won", winner, i)
						}
						winner = i
					case passerelle.EConflict:
					default:
						t.Errorf("racer %d: %v, want success or conflict", i, err)
					}
				}
				if winner < 0 {
					t.Fatal("nobody won")
				}
				decision, _ := tt.decisions(winner)
				action := passerelle.Decisions[passerelle.Decision(decision)]
				wantStatus := passerelle.TransitionFor(action, p).To
				after := storedState(t, b, p.ID)
				if after.Status != wantStatus || results[winner].Status != wantStatus {
					t.Errorf("status = %s (returned %s), want %s", after.Status, results[winner].Status, wantStatus)
				}
				if after.Version != before.Version+1 || after.Events != before.Events+1 {
					t.Errorf("version %d → %d, history %d → %d: want exactly one change", before.Version, after.Version, before.Events, after.Events)
				}
				hist, err := svc.History(ctx, w.MoulinsAuthor, p.ID)
				requireCode(t, err, "")
				decided := 0
				for _, ev := range hist {
					if ev.From == passerelle.StatusSubmitted {
						decided++
						if ev.ActorID != tt.moderator(winner).ID || ev.Action != action {
							t.Errorf("history entry %+v, want %s by the winner", ev, action)
						}
					}
				}
				if decided != 1 {
					t.Errorf("%d decisions in the history, want 1", decided)
				}

				// The author is told exactly once, once the workers are done.
				waitJobsIdle(t, b)
				want := map[string]int{passerelle.TransitionFor(action, p).Notify: 1}
				if got := notificationsOf(t, svc, w.MoulinsAuthor, p.ID); !mapsEqual(got, want) {
					t.Errorf("author's notifications = %v, want %v", got, want)
				}
			})
		}
	})
}

// discardMail drops every e-mail: the 16 moderators' mails are not the
// point here, and writing them would only slow the test down.
type discardMail struct{}

func (discardMail) Send(context.Context, *mail.Message) error { return nil }

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestStaleEdit checks optimistic locking: of two edits based on the same
// version, the second is refused with a stale version and the first stays.
func TestStaleEdit(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service

		t.Run("one after the other", func(t *testing.T) {
			p := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Version 1", passerelle.StatusDraft)
			first, err := svc.UpdatePractice(ctx, w.MoulinsAuthor, p.ID, service.PracticeInput{Version: p.Version, Title: ptr("Première")})
			requireCode(t, err, "")
			if first.Version != p.Version+1 {
				t.Errorf("version %d → %d", p.Version, first.Version)
			}
			before := storedState(t, b, p.ID)
			_, err = svc.UpdatePractice(ctx, w.MoulinsAuthor, p.ID, service.PracticeInput{Version: p.Version, Title: ptr("Seconde")})
			requireCodeFields(t, err, passerelle.EConflict, map[string]string{"version": "stale"})
			after := storedState(t, b, p.ID)
			if after != before || after.Title != "Première" {
				t.Errorf("stored %+v, want the first edit untouched", after)
			}
		})

		t.Run("at the same time", func(t *testing.T) {
			p := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Version 1", passerelle.StatusDraft)
			titles := []string{"Gauche", "Droite"}
			errs := make([]error, len(titles))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, title := range titles {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = svc.UpdatePractice(ctx, w.MoulinsAuthor, p.ID, service.PracticeInput{Version: p.Version, Title: ptr(title)})
				}()
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, err := range errs {
				if err == nil {
					winner = i
					continue
				}
				requireCodeFields(t, err, passerelle.EConflict, map[string]string{"version": "stale"})
			}
			if winner < 0 || errs[1-winner] == nil {
				t.Fatalf("errors = %v, want exactly one success", errs)
			}
			after := storedState(t, b, p.ID)
			if after.Title != titles[winner] || after.Version != p.Version+1 || after.Events != 2 {
				t.Errorf("stored %+v, want %q at version %d with one edit", after, titles[winner], p.Version+1)
			}
		})

		t.Run("an edit after a decision", func(t *testing.T) {
			// The author's form was loaded before submitting; the edit comes
			// back after the moderator asked for changes: stale, not lost.
			p := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Avant", passerelle.StatusDraft)
			loaded := p.Version
			steps := []func() (*passerelle.Practice, error){
				func() (*passerelle.Practice, error) { return svc.Submit(ctx, w.MoulinsAuthor, p.ID) },
				func() (*passerelle.Practice, error) {
					return svc.Decide(ctx, w.NordMod, p.ID, "request_changes", "Ajoutez des chiffres.")
				},
			}
			for _, step := range steps {
				if _, err := step(); err != nil {
					t.Fatal(err)
				}
			}
			_, err := svc.UpdatePractice(ctx, w.MoulinsAuthor, p.ID, service.PracticeInput{Version: loaded, Title: ptr("Vieux formulaire")})
			requireCodeFields(t, err, passerelle.EConflict, map[string]string{"version": "stale"})
		})
	})
}
