package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
)

// TestResubmissionTellsTheHolder: who is told of a resubmission follows who
// holds the review (passerelle.PartyHolder, read from the workflow's table):
// the moderator who asked for the changes gets the review back and is the
// only one told; when nobody holds it, the moderators of the nearest level
// that has any; a regional moderator who never touched the sheet gets
// nothing, neither notification nor e-mail. A first submission still tells
// every moderator covering the territory.
func TestResubmissionTellsTheHolder(t *testing.T) {
	tests := []struct {
		name string
		// between the request for changes and the resubmission
		change func(ctx context.Context, svc *service.Service, c *cast) error
		want   func(c *cast) []*passerelle.User
	}{
		{name: "the moderator who asked holds it",
			want: func(c *cast) []*passerelle.User { return []*passerelle.User{c.deptMod} }},
		{name: "the moderator who asked lost the role: the nearest level",
			change: func(ctx context.Context, svc *service.Service, c *cast) error {
				return svc.Revoke(ctx, nil, service.GrantInput{Email: c.deptMod.Email, Role: "moderator", Territory: "d-" + c.commune})
			},
			want: func(c *cast) []*passerelle.User { return []*passerelle.User{c.communeModAuthor} }},
		{name: "a claim taken over since: its holder",
			want: func(c *cast) []*passerelle.User { return []*passerelle.User{c.regionMod} }},
	}
	testEachDialect(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		svc := b.Service
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := newCast(t, svc, fmt.Sprintf("h%d", i))
				p := create(t, b, c.author, c.commune)
				if _, err := svc.Submit(ctx, c.author, p.ID); err != nil {
					t.Fatal(err)
				}
				first := lastEventID(t, b, p.ID)
				work(t, b, b.notify, jobs.NotifyEventArgs{EventID: first})
				if got, want := eventRecipients(t, b, first), emails(c.regionMod, c.deptMod, c.communeModAuthor); !slices.Equal(got, want) {
					t.Errorf("first submission told %v, want every moderator covering it %v", got, want)
				}
				if _, err := svc.Claim(ctx, c.deptMod, p.ID, false); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Decide(ctx, c.deptMod, p.ID, "request_changes", "Des chiffres ?"); err != nil {
					t.Fatal(err)
				}
				if tt.change != nil {
					if err := tt.change(ctx, svc, c); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := svc.UpdatePractice(ctx, c.author, p.ID, service.PracticeInput{Title: new("Avec des chiffres")}); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Submit(ctx, c.author, p.ID); err != nil {
					t.Fatal(err)
				}
				again := lastEventID(t, b, p.ID)
				if tt.name == "a claim taken over since: its holder" {
					if _, err := svc.Claim(ctx, c.regionMod, p.ID, true); err != nil {
						t.Fatal(err)
					}
				}
				b.mail.reset()
				work(t, b, b.notify, jobs.NotifyEventArgs{EventID: again})
				want := emails(tt.want(c)...)
				if got := eventRecipients(t, b, again); !slices.Equal(got, want) {
					t.Errorf("resubmission told %v, want %v", got, want)
				}
				for _, e := range jobsOf[jobs.SendEmailArgs](t, b) {
					if n, err := store.GetNotification(ctx, b.DB.Bun, e.Args.NotificationID); err == nil && n.EventID == again {
						work(t, b, b.email, e.Args)
					}
				}
				if got := b.mail.to(); !slices.Equal(got, want) {
					t.Errorf("resubmission mailed %v, want %v", got, want)
				}
				if slices.Contains(b.mail.to(), c.regionMod.Email) && tt.name != "a claim taken over since: its holder" {
					t.Errorf("the regional moderator, who never touched the sheet, was mailed")
				}
				// The desks agree: the holder finds it among what they
				// hold, the others among what someone else holds.
				holds := func(u *passerelle.User) string {
					d, err := svc.Desk(ctx, u)
					if err != nil {
						t.Fatal(err)
					}
					for where, list := range map[string][]service.QueueEntry{"held": d.Held, "others": d.HeldByOthers, "waiting": d.Waiting} {
						for _, e := range list {
							if e.Practice.ID == p.ID {
								return where
							}
						}
					}
					return "absent"
				}
				holder := tt.want(c)[0]
				if holder != c.communeModAuthor {
					if got := holds(holder); got != "held" {
						t.Errorf("the holder's desk has it %s", got)
					}
					if got := holds(c.regionMod); holder != c.regionMod && got != "others" {
						t.Errorf("the regional moderator's desk has it %s, want among what others hold", got)
					}
				} else if got := holds(c.regionMod); got != "waiting" {
					t.Errorf("nobody holds it, the regional desk has it %s", got)
				}
			})
		}
	})
}

// eventRecipients returns the e-mails of who holds a notification of one
// event, sorted.
func eventRecipients(t *testing.T, b *bundle, eventID int64) []string {
	t.Helper()
	var out []string
	err := b.DB.Bun.NewSelect().TableExpr("notifications AS n").Join("JOIN users AS u ON u.id = n.user_id").
		ColumnExpr("u.email").Where("n.event_id = ?", eventID).OrderExpr("u.email").Scan(context.Background(), &out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func emails(users ...*passerelle.User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Email)
	}
	slices.Sort(out)
	return out
}
