package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// contract is the review workflow as the API contract states it, written out
// independently of passerelle.Transitions: the walk below checks the service
// against it.
var contract = map[passerelle.Action]struct {
	from    []passerelle.Status
	to      passerelle.Status // "" keeps the state (edits)
	author  bool              // the author's action, otherwise a moderator's
	comment bool              // a reason is required
}{
	passerelle.ActionEdit:           {from: []passerelle.Status{"draft", "changes_requested"}, author: true},
	passerelle.ActionSubmit:         {from: []passerelle.Status{"draft", "changes_requested"}, to: "submitted", author: true},
	passerelle.ActionWithdraw:       {from: []passerelle.Status{"submitted", "changes_requested"}, to: "withdrawn", author: true},
	passerelle.ActionApprove:        {from: []passerelle.Status{"submitted"}, to: "published"},
	passerelle.ActionRequestChanges: {from: []passerelle.Status{"submitted"}, to: "changes_requested", comment: true},
	passerelle.ActionReject:         {from: []passerelle.Status{"submitted"}, to: "rejected", comment: true},
	passerelle.ActionArchive:        {from: []passerelle.Status{"published"}, to: "archived"},
	passerelle.ActionUnarchive:      {from: []passerelle.Status{"archived"}, to: "published"},
	passerelle.ActionStartUpdate:    {from: []passerelle.Status{"published"}, author: true},
}

var statuses = []passerelle.Status{
	passerelle.StatusDraft, passerelle.StatusSubmitted, passerelle.StatusChangesRequested, passerelle.StatusPublished,
	passerelle.StatusRejected, passerelle.StatusWithdrawn, passerelle.StatusArchived,
}

// call performs one workflow action through the service.
type call func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, comment string) (*passerelle.Practice, error)

// calls maps every action of the workflow to the service method that performs
// it.
var calls = map[passerelle.Action]call{
	passerelle.ActionEdit: func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, _ string) (*passerelle.Practice, error) {
		return svc.UpdatePractice(ctx, actor, p.ID, service.PracticeInput{Title: ptr("Titre revu"), Version: p.Version})
	},
	passerelle.ActionSubmit: func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, _ string) (*passerelle.Practice, error) {
		return svc.Submit(ctx, actor, p.ID)
	},
	passerelle.ActionWithdraw: func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, _ string) (*passerelle.Practice, error) {
		return svc.Withdraw(ctx, actor, p.ID)
	},
	passerelle.ActionApprove: func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, comment string) (*passerelle.Practice, error) {
		return svc.Decide(ctx, actor, p.ID, "approve", comment)
	},
	passerelle.ActionRequestChanges: func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, comment string) (*passerelle.Practice, error) {
		return svc.Decide(ctx, actor, p.ID, "request_changes", comment)
	},
	passerelle.ActionReject: func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, comment string) (*passerelle.Practice, error) {
		return svc.Decide(ctx, actor, p.ID, "reject", comment)
	},
	passerelle.ActionArchive: func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, comment string) (*passerelle.Practice, error) {
		return svc.Archive(ctx, actor, p.ID, comment)
	},
	passerelle.ActionUnarchive: func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, comment string) (*passerelle.Practice, error) {
		return svc.Unarchive(ctx, actor, p.ID, comment)
	},
	// Its outcome is a working revision, the published practice stays as
	// it is: the walk checks who may and when, updates_test.go the rest.
	passerelle.ActionStartUpdate: func(ctx context.Context, svc *service.Service, actor *passerelle.User, p *passerelle.Practice, _ string) (*passerelle.Practice, error) {
		if _, _, err := svc.StartUpdate(ctx, actor, p.ID); err != nil {
			return nil, err
		}
		return svc.Practice(ctx, actor, p.ID)
	},
}

// party is someone acting on a practice, and what the rules grant them.
type party struct {
	name      string
	actor     func(w *testenv.World) *passerelle.User // nil: anonymous
	ownPaper  bool                                    // acts on a practice of their own, on Lille
	sees      bool                                    // may read what is not published
	moderates bool                                    // may decide, archive and unarchive
}

var parties = []party{
	{name: "author", actor: func(w *testenv.World) *passerelle.User { return w.MoulinsAuthor }, sees: true},
	{name: "moderator covering", actor: func(w *testenv.World) *passerelle.User { return w.NordMod }, sees: true, moderates: true},
	{name: "regional moderator", actor: func(w *testenv.World) *passerelle.User { return w.RegionMod }, sees: true, moderates: true},
	{name: "moderator covering who is the author", actor: func(w *testenv.World) *passerelle.User { return w.ModAuthor },
		ownPaper: true, sees: true},
	{name: "moderator of a sibling territory", actor: func(w *testenv.World) *passerelle.User { return w.PasMod }},
	{name: "contributor covering, not the author", actor: func(w *testenv.World) *passerelle.User { return w.LilleAuthor }},
	{name: "reader", actor: func(w *testenv.World) *passerelle.User { return w.Reader }},
	{name: "anonymous", actor: func(*testenv.World) *passerelle.User { return nil }},
	{name: "admin", actor: func(w *testenv.World) *passerelle.User { return w.Admin }, sees: true, moderates: true},
}

// expected is the outcome the contract promises: "" for success.
func (p party) expected(w *testenv.World, action passerelle.Action, status passerelle.Status) string {
	spec := contract[action]
	isAuthor := p.name == "author" || p.ownPaper
	switch {
	case p.actor(w) == nil:
		return passerelle.EUnauthn
	case status != passerelle.StatusPublished && !p.sees:
		return passerelle.ENotFound
	case spec.author && !isAuthor, !spec.author && !p.moderates:
		return passerelle.EForbidden
	case !slices.Contains(spec.from, status):
		return passerelle.EConflict
	}
	return ""
}

// TestWorkflowWalk walks every transition of the workflow, from every state,
// by every kind of party, through the service, and checks the outcome
// against the contract. Refused calls must change nothing.
func TestWorkflowWalk(t *testing.T) {
	// Every action of the table has a caller and a contract line, so that the
	// walk covers the whole table.
	sheet := &passerelle.Practice{} // the walk is a sheet's; updates_test.go walks an update's moves
	for _, tr := range passerelle.Transitions {
		if !tr.AppliesTo(sheet) {
			continue
		}
		if calls[tr.Action] == nil {
			t.Fatalf("no service call for action %s", tr.Action)
		}
		if _, ok := contract[tr.Action]; !ok {
			t.Fatalf("action %s is not in the contract", tr.Action)
		}
	}
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service

		// Practices that refused calls are tried on, one per author and
		// state: a refused call must leave them as they are.
		shared := map[bool]map[passerelle.Status]*passerelle.Practice{true: {}, false: {}}
		sharedState := map[int64]stored{}
		for _, own := range []bool{false, true} {
			for _, st := range statuses {
				author, territory := w.MoulinsAuthor, "qpv-moulins"
				if own {
					author, territory = w.ModAuthor, "59350"
				}
				p := drive(t, svc, author, w.NordMod, territory, "Partagée "+string(st), st)
				shared[own][st], sharedState[p.ID] = p, storedState(t, b, p.ID)
			}
		}

		for _, pt := range parties {
			t.Run(pt.name, func(t *testing.T) {
				actor := pt.actor(w)
				author, territory := w.MoulinsAuthor, "qpv-moulins"
				if pt.ownPaper {
					author, territory = w.ModAuthor, "59350"
				}
				for _, st := range statuses {
					// The buttons a page shows come from Abilities: they must
					// match what the calls do.
					abilities := svc.Abilities(ctx, actor, shared[pt.ownPaper][st])
					for _, tr := range passerelle.Transitions {
						if !tr.AppliesTo(sheet) {
							continue
						}
						action, spec := tr.Action, contract[tr.Action]
						want := pt.expected(w, action, st)
						if abilities[action] != (want == "") {
							t.Errorf("%s/%s: Abilities says %v, the call answers %q", st, action, abilities[action], want)
						}
						t.Run(string(st)+"/"+string(action), func(t *testing.T) {
							p := shared[pt.ownPaper][st]
							before := sharedState[p.ID]
							if want == "" {
								p = drive(t, svc, author, w.NordMod, territory, "Fiche "+string(action), st)
								before = storedState(t, b, p.ID)
							}

							if want == "" && spec.comment {
								// A reason is required: without one, nothing happens.
								for _, blank := range []string{"", "  \n "} {
									_, err := calls[action](ctx, svc, actor, p, blank)
									requireFields(t, err, map[string]string{"comment": passerelle.FieldRequired})
									if after := storedState(t, b, p.ID); after != before {
										t.Fatalf("a refused call changed the practice: %+v → %+v", before, after)
									}
								}
							}

							got, err := calls[action](ctx, svc, actor, p, "Une raison.")
							requireCode(t, err, want)
							after := storedState(t, b, p.ID)
							if want != "" {
								if got != nil {
									t.Errorf("a refused call returned a practice")
								}
								if after != before {
									t.Fatalf("a refused call changed the practice: %+v → %+v", before, after)
								}
								return
							}
							if action == passerelle.ActionStartUpdate {
								if after != before {
									t.Errorf("starting an update changed the published practice: %+v → %+v", before, after)
								}
								return
							}

							wantTo := spec.to
							if wantTo == "" {
								wantTo = st
							}
							if got.Status != wantTo || after.Status != wantTo {
								t.Errorf("status: returned %s, stored %s, want %s", got.Status, after.Status, wantTo)
							}
							if after.Version != before.Version+1 || got.Version != after.Version {
								t.Errorf("version: %d → returned %d, stored %d; want one more", before.Version, got.Version, after.Version)
							}
							if after.Events != before.Events+1 {
								t.Errorf("history: %d → %d entries, want one more", before.Events, after.Events)
							}
							ev := lastEvent(t, b, p.ID)
							if ev.Action != action || ev.From != st || ev.To != wantTo || ev.ActorID != actor.ID {
								t.Errorf("history entry = %+v, want %s by %d from %s to %s", ev, action, actor.ID, st, wantTo)
							}
							if spec.comment && ev.Comment != "Une raison." {
								t.Errorf("comment = %q", ev.Comment)
							}
							wantRevs := before.Revisions
							if action == passerelle.ActionSubmit {
								wantRevs++
								if after.Revision != before.Revision+1 {
									t.Errorf("revision %d → %d, want one more", before.Revision, after.Revision)
								}
							}
							if after.Revisions != wantRevs {
								t.Errorf("revisions: %d → %d, want %d", before.Revisions, after.Revisions, wantRevs)
							}
							if action == passerelle.ActionEdit && after.Title != "Titre revu" {
								t.Errorf("title = %q after the edit", after.Title)
							}
							if wantTo == passerelle.StatusPublished && got.PublishedAt == nil {
								t.Error("published without a publication date")
							}
						})
					}
				}
			})
		}
	})
}
