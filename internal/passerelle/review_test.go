package passerelle_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
)

var allStatuses = []passerelle.Status{
	passerelle.StatusDraft, passerelle.StatusSubmitted, passerelle.StatusChangesRequested, passerelle.StatusPublished,
	passerelle.StatusRejected, passerelle.StatusWithdrawn, passerelle.StatusArchived, passerelle.StatusMerged,
}

type moveSpec struct {
	from    []passerelle.Status
	to      passerelle.Status // "" keeps the state
	by      passerelle.Party
	comment bool
	notify  string
}

var (
	aSheet   = &passerelle.Practice{}
	anUpdate = &passerelle.Practice{UpdateOf: 1}
)

// updateSpec is the workflow of a working revision (an update of a
// published sheet), where it differs from a sheet's: its approval merges
// it into the published sheet, and a working revision is never archived
// nor updated itself.
var updateSpec = map[passerelle.Action]*moveSpec{
	passerelle.ActionApprove: {from: []passerelle.Status{"submitted"}, to: "merged",
		by: passerelle.PartyModerator, notify: "practice.updated"},
	passerelle.ActionArchive:     nil,
	passerelle.ActionUnarchive:   nil,
	passerelle.ActionStartUpdate: nil,
}

// specFor returns the contract's move of action for subject p, nil when it
// has none.
func specFor(action passerelle.Action, p *passerelle.Practice) *moveSpec {
	if p.IsUpdate() {
		if s, ok := updateSpec[action]; ok {
			return s
		}
	}
	s, ok := workflowSpec[action]
	if !ok {
		return nil
	}
	return &s
}

// workflowSpec is the review workflow as the API contract states it, written
// out independently of review.go so that the table is checked against it.
var workflowSpec = map[passerelle.Action]moveSpec{
	passerelle.ActionEdit: {from: []passerelle.Status{"draft", "changes_requested"}, by: passerelle.PartyAuthor},
	passerelle.ActionSubmit: {from: []passerelle.Status{"draft", "changes_requested"}, to: "submitted",
		by: passerelle.PartyAuthor, notify: "practice.submitted"},
	passerelle.ActionWithdraw: {from: []passerelle.Status{"submitted", "changes_requested"}, to: "withdrawn",
		by: passerelle.PartyAuthor},
	passerelle.ActionApprove: {from: []passerelle.Status{"submitted"}, to: "published",
		by: passerelle.PartyModerator, notify: "practice.published"},
	passerelle.ActionRequestChanges: {from: []passerelle.Status{"submitted"}, to: "changes_requested",
		by: passerelle.PartyModerator, comment: true, notify: "practice.changes_requested"},
	passerelle.ActionReject: {from: []passerelle.Status{"submitted"}, to: "rejected",
		by: passerelle.PartyModerator, comment: true, notify: "practice.rejected"},
	passerelle.ActionArchive:     {from: []passerelle.Status{"published"}, to: "archived", by: passerelle.PartyModerator},
	passerelle.ActionUnarchive:   {from: []passerelle.Status{"archived"}, to: "published", by: passerelle.PartyModerator},
	passerelle.ActionStartUpdate: {from: []passerelle.Status{"published"}, by: passerelle.PartyAuthor},
}

func TestTransitionsMatchTheContract(t *testing.T) {
	t.Parallel()
	for _, subject := range []*passerelle.Practice{aSheet, anUpdate} {
		seen := map[passerelle.Action]bool{}
		for i := range passerelle.Transitions {
			tr := &passerelle.Transitions[i]
			if !tr.AppliesTo(subject) {
				continue
			}
			if seen[tr.Action] {
				t.Errorf("%s: action %s listed twice", passerelle.SubjectOf(subject), tr.Action)
			}
			seen[tr.Action] = true
			spec := specFor(tr.Action, subject)
			if spec == nil {
				t.Errorf("%s: action %s is not in the contract", passerelle.SubjectOf(subject), tr.Action)
				continue
			}
			if tr.By != spec.by || tr.CommentNeeded != spec.comment || tr.Notify != spec.notify || tr.To != spec.to {
				t.Errorf("%s: by %s, comment %v, notify %q, to %q; want %s, %v, %q, %q",
					tr.Action, tr.By, tr.CommentNeeded, tr.Notify, tr.To, spec.by, spec.comment, spec.notify, spec.to)
			}
			if tr.Permission == "" {
				t.Errorf("%s: no permission", tr.Action)
			}
		}
		for a := range workflowSpec {
			if specFor(a, subject) != nil && !seen[a] {
				t.Errorf("%s: %s of the contract is not in the table", passerelle.SubjectOf(subject), a)
			}
		}
	}
}

func TestTransitionAllowsAndTarget(t *testing.T) {
	t.Parallel()
	for _, subject := range []*passerelle.Practice{aSheet, anUpdate} {
		for action := range workflowSpec {
			spec := specFor(action, subject)
			if spec == nil {
				if tr := passerelle.TransitionFor(action, subject); tr != nil {
					t.Errorf("%s: TransitionFor(%s) = %+v, want nil", passerelle.SubjectOf(subject), action, tr)
				}
				continue
			}
			for _, from := range allStatuses {
				tr := passerelle.TransitionFor(action, subject)
				if tr == nil || tr.Action != action {
					t.Fatalf("%s: TransitionFor(%s) = %+v", passerelle.SubjectOf(subject), action, tr)
				}
				want := slices.Contains(spec.from, from)
				if got := tr.Allows(from); got != want {
					t.Errorf("%s %s: Allows(%s) = %v, want %v", passerelle.SubjectOf(subject), action, from, got, want)
				}
				wantTo := spec.to
				if wantTo == "" {
					wantTo = from
				}
				if got := tr.Target(from); got != wantTo {
					t.Errorf("%s %s: Target(%s) = %s, want %s", passerelle.SubjectOf(subject), action, from, got, wantTo)
				}
			}
		}
	}
	for _, a := range []passerelle.Action{passerelle.ActionCreate, "delete", ""} {
		if tr := passerelle.TransitionFor(a, aSheet); tr != nil {
			t.Errorf("TransitionFor(%q) = %+v, want nil", a, tr)
		}
	}
	if (&passerelle.Transition{}).Allows(passerelle.StatusDraft) {
		t.Error("a transition from nowhere allows draft")
	}
}

func TestTerminalStates(t *testing.T) {
	t.Parallel()
	// Nothing leaves a rejected or withdrawn practice; an archived one only
	// comes back by unarchiving.
	tests := []struct {
		from passerelle.Status
		out  []passerelle.Action
	}{
		{from: passerelle.StatusRejected},
		{from: passerelle.StatusWithdrawn},
		{from: passerelle.StatusArchived, out: []passerelle.Action{passerelle.ActionUnarchive}},
		{from: passerelle.StatusPublished, out: []passerelle.Action{passerelle.ActionArchive, passerelle.ActionStartUpdate}},
		{from: passerelle.StatusMerged},
		{from: passerelle.StatusSubmitted, out: []passerelle.Action{
			passerelle.ActionWithdraw, passerelle.ActionApprove, passerelle.ActionRequestChanges, passerelle.ActionReject}},
	}
	for _, tt := range tests {
		var got []passerelle.Action
		for i := range passerelle.Transitions {
			if passerelle.Transitions[i].Allows(tt.from) && passerelle.Transitions[i].AppliesTo(aSheet) {
				got = append(got, passerelle.Transitions[i].Action)
			}
		}
		slices.Sort(got)
		slices.Sort(tt.out)
		if !slices.Equal(got, tt.out) {
			t.Errorf("from %s: %v, want %v", tt.from, got, tt.out)
		}
	}
}

func TestDecisions(t *testing.T) {
	t.Parallel()
	want := map[passerelle.Decision]passerelle.Action{
		"approve": passerelle.ActionApprove, "request_changes": passerelle.ActionRequestChanges, "reject": passerelle.ActionReject,
	}
	if len(passerelle.Decisions) != len(want) {
		t.Errorf("Decisions = %v", passerelle.Decisions)
	}
	for d, a := range want {
		if passerelle.Decisions[d] != a {
			t.Errorf("Decisions[%s] = %s, want %s", d, passerelle.Decisions[d], a)
		}
		if tr := passerelle.TransitionFor(a, aSheet); tr == nil || tr.By != passerelle.PartyModerator {
			t.Errorf("decision %s is not a moderator's transition", d)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	safe := passerelle.Errorf(passerelle.EConflict, "Déjà %s.", "publiée")
	tests := []struct {
		name        string
		err         error
		code, msg   string
		wantNoError bool
	}{
		{name: "nil", err: nil, code: "", msg: ""},
		{name: "an Error", err: safe, code: passerelle.EConflict, msg: "Déjà publiée."},
		{name: "a wrapped Error", err: fmt.Errorf("move: %w", safe), code: passerelle.EConflict, msg: "Déjà publiée."},
		{name: "an internal error", err: errors.New("pq: password authentication failed for user postgres"),
			code: passerelle.EInternal, msg: "Internal error."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := passerelle.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := passerelle.ErrorMessage(tt.err); got != tt.msg {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.msg)
			}
		})
	}

	v := passerelle.Validation{}
	if v.Err() != nil {
		t.Error("an empty Validation is an error")
	}
	v.Add("title", passerelle.FieldRequired)
	v.Add("title", passerelle.FieldTooLong) // the first reason stays
	checkFields(t, v.Err(), map[string]string{"title": passerelle.FieldRequired})
}

// TestTransitionsSayWhoIsTold checks that every transition that sends a
// notification names who receives it, and that every move that makes a
// practice public (its approval, its restoring) fans out to the
// subscribers, and no other: the notification job reads nothing else.
func TestTransitionsSayWhoIsTold(t *testing.T) {
	for _, tr := range passerelle.Transitions {
		switch {
		case tr.Notify == "" && tr.Tell != "":
			t.Errorf("%s tells %q but sends no notification", tr.Action, tr.Tell)
		case tr.Notify != "" && tr.Tell != passerelle.PartyAuthor && tr.Tell != passerelle.PartyModerator:
			t.Errorf("%s sends %s to %q, neither the author nor the moderators", tr.Action, tr.Notify, tr.Tell)
		}
		if tr.FanOut != (tr.To == passerelle.StatusPublished) {
			t.Errorf("%s: fan-out %v", tr.Action, tr.FanOut)
		}
	}
	// An activity that notifies says, for each party that may do it, who
	// hears of it; one that does not tells nobody.
	for _, a := range passerelle.Activities {
		if a.Notify == "" && len(a.Tell) > 0 {
			t.Errorf("%s tells %v but sends no notification", a.Action, a.Tell)
		}
		for _, by := range a.By {
			if told := a.Tell[by]; a.Notify != "" && told == "" {
				t.Errorf("%s by %s sends %s to nobody", a.Action, by, a.Notify)
			}
		}
	}
	if c := passerelle.ActivityFor(passerelle.ActionComment); c.Told(true) != passerelle.PartyReviewer || c.Told(false) != passerelle.PartyAuthor {
		t.Errorf("a comment goes to the other side: %v", c.Tell)
	}
}
