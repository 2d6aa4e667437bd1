package passerelle_test

import (
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// roles is a Policy for tests: the permissions each user id holds on each
// territory (no inheritance).
type roles map[int64]map[string][]passerelle.Permission

func (r roles) Can(u *passerelle.User, perm passerelle.Permission, territory string) bool {
	if u == nil || u.Disabled() {
		return false
	}
	for _, p := range r[u.ID][territory] {
		if p == perm {
			return true
		}
	}
	return false
}

func TestAudienceOf(t *testing.T) {
	pol := roles{
		3: {"59350": {passerelle.PermReadUnpublished, passerelle.PermDecide}},
		4: {"75056": {passerelle.PermReadUnpublished, passerelle.PermDecide}},
	}
	p := &passerelle.Practice{ID: 1, AuthorID: 2, TerritoryCode: "59350", Status: passerelle.StatusPublished}
	for _, tc := range []struct {
		name string
		u    *passerelle.User
		want passerelle.Audience
	}{
		{"anonymous", nil, passerelle.AudiencePublic},
		{"reader", &passerelle.User{ID: 1}, passerelle.AudiencePublic},
		{"author", &passerelle.User{ID: 2}, passerelle.AudienceParticipant},
		{"moderator of the territory", &passerelle.User{ID: 3}, passerelle.AudienceParticipant},
		{"moderator elsewhere", &passerelle.User{ID: 4}, passerelle.AudiencePublic},
		{"administrator", &passerelle.User{ID: 5, Admin: true}, passerelle.AudienceParticipant},
	} {
		if got := passerelle.AudienceOf(pol, tc.u, p); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestVisibilityTable(t *testing.T) {
	seen := map[passerelle.Part]bool{}
	for _, s := range passerelle.Visibility {
		if seen[s.Part] {
			t.Errorf("%s is twice in Visibility", s.Part)
		}
		seen[s.Part] = true
		if !s.Participants {
			t.Errorf("participants must see %s: they see everything of the review", s.Part)
		}
	}
	public := map[passerelle.Part]bool{passerelle.PartPublished: true, passerelle.PartLife: true}
	for _, s := range passerelle.Visibility {
		if got := passerelle.AudiencePublic.Sees(s.Part); got != public[s.Part] {
			t.Errorf("the public sees %s: %v, want %v", s.Part, got, public[s.Part])
		}
	}
	if passerelle.Audience("other").Sees(passerelle.PartPublished) || passerelle.AudienceParticipant.Sees("unknown") {
		t.Error("an unknown audience or part must see nothing")
	}
}

func TestAudienceHistory(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ev := func(a passerelle.Action, comment string) passerelle.Event {
		return passerelle.Event{ID: 1, At: at, ActorID: 7, ActorName: "Mona Modération", Action: a, Comment: comment, Fields: []string{"body"}}
	}
	events := []passerelle.Event{
		ev(passerelle.ActionCreate, ""), ev(passerelle.ActionEdit, ""), ev(passerelle.ActionSubmit, ""),
		ev(passerelle.ActionClaim, ""), ev(passerelle.ActionComment, "Une question."), ev(passerelle.ActionRelease, ""),
		ev(passerelle.ActionRequestChanges, "Précisez."), ev(passerelle.ActionReject, "Hors sujet."),
		ev(passerelle.ActionWithdraw, ""), ev(passerelle.ActionApprove, "Très bien."), ev(passerelle.ActionArchive, "Périmée."),
		ev(passerelle.ActionUnarchive, "À jour."), ev(passerelle.ActionReuse, "Repris à Roubaix."),
	}
	if got := passerelle.AudienceParticipant.History(events); len(got) != len(events) || got[9].Comment != "Très bien." || got[9].ActorName == "" {
		t.Fatalf("participants must see the whole history as it is: %+v", got)
	}
	got := passerelle.AudiencePublic.History(events)
	want := []passerelle.Action{passerelle.ActionApprove, passerelle.ActionArchive, passerelle.ActionUnarchive, passerelle.ActionReuse}
	if len(got) != len(want) {
		t.Fatalf("public history: %+v, want the actions %v", got, want)
	}
	for i, e := range got {
		if e.Action != want[i] || !e.At.Equal(at) {
			t.Errorf("public event %d: %+v, want %s at %v", i, e, want[i], at)
		}
		if e.Action == passerelle.ActionReuse {
			if e.ActorName == "" || e.Comment == "" {
				t.Errorf("a reuse is public, with its author and note: %+v", e)
			}
			continue
		}
		if e.ActorID != 0 || e.ActorName != "" || e.Comment != "" || e.Fields != nil {
			t.Errorf("public event %d carries its actor or reason: %+v", i, e)
		}
	}
}

func TestAudienceRevisions(t *testing.T) {
	revs := []passerelle.Revision{{Number: 1}, {Number: 2}}
	published := &passerelle.Practice{Status: passerelle.StatusPublished, Revision: 2}
	if got := passerelle.AudienceParticipant.Revisions(published, revs); len(got) != 2 {
		t.Errorf("participants: %d revisions, want 2", len(got))
	}
	if got := passerelle.AudiencePublic.Revisions(published, revs); len(got) != 1 || got[0].Number != 2 {
		t.Errorf("public: %+v, want the published revision 2 only", got)
	}
	archived := &passerelle.Practice{Status: passerelle.StatusArchived, Revision: 2}
	if got := passerelle.AudiencePublic.Revisions(archived, revs); len(got) != 0 {
		t.Errorf("public, archived: %+v, want none", got)
	}
	if passerelle.AudiencePublic.SeesPractice(archived) || !passerelle.AudiencePublic.SeesPractice(published) ||
		!passerelle.AudienceParticipant.SeesPractice(archived) {
		t.Error("SeesPractice: the public sees published practices only, participants every one")
	}
}
