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
	passerelle.StatusRejected, passerelle.StatusWithdrawn, passerelle.StatusArchived,
}

// workflowSpec is the review workflow as the API contract states it, written
// out independently of review.go so that the table is checked against it.
var workflowSpec = map[passerelle.Action]struct {
	from    []passerelle.Status
	to      passerelle.Status // "" keeps the state
	by      passerelle.Party
	comment bool
	notify  string
}{
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
	passerelle.ActionArchive:   {from: []passerelle.Status{"published"}, to: "archived", by: passerelle.PartyModerator},
	passerelle.ActionUnarchive: {from: []passerelle.Status{"archived"}, to: "published", by: passerelle.PartyModerator},
}

func TestTransitionsMatchTheContract(t *testing.T) {
	t.Parallel()
	if len(passerelle.Transitions) != len(workflowSpec) {
		t.Errorf("%d transitions, the contract has %d", len(passerelle.Transitions), len(workflowSpec))
	}
	seen := map[passerelle.Action]bool{}
	for _, tr := range passerelle.Transitions {
		if seen[tr.Action] {
			t.Errorf("action %s listed twice", tr.Action)
		}
		seen[tr.Action] = true
		spec, ok := workflowSpec[tr.Action]
		if !ok {
			t.Errorf("action %s is not in the contract", tr.Action)
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
}

func TestTransitionAllowsAndTarget(t *testing.T) {
	t.Parallel()
	for action, spec := range workflowSpec {
		for _, from := range allStatuses {
			t.Run(fmt.Sprintf("%s from %s", action, from), func(t *testing.T) {
				t.Parallel()
				tr := passerelle.TransitionFor(action)
				if tr == nil {
					t.Fatalf("TransitionFor(%s) = nil", action)
				}
				if tr.Action != action {
					t.Fatalf("TransitionFor(%s).Action = %s", action, tr.Action)
				}
				want := slices.Contains(spec.from, from)
				if got := tr.Allows(from); got != want {
					t.Errorf("Allows(%s) = %v, want %v", from, got, want)
				}
				wantTo := spec.to
				if wantTo == "" {
					wantTo = from
				}
				if got := tr.Target(from); got != wantTo {
					t.Errorf("Target(%s) = %s, want %s", from, got, wantTo)
				}
			})
		}
	}
	for _, a := range []passerelle.Action{passerelle.ActionCreate, "delete", ""} {
		if tr := passerelle.TransitionFor(a); tr != nil {
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
		{from: passerelle.StatusPublished, out: []passerelle.Action{passerelle.ActionArchive}},
		{from: passerelle.StatusSubmitted, out: []passerelle.Action{
			passerelle.ActionWithdraw, passerelle.ActionApprove, passerelle.ActionRequestChanges, passerelle.ActionReject}},
	}
	for _, tt := range tests {
		var got []passerelle.Action
		for i := range passerelle.Transitions {
			if passerelle.Transitions[i].Allows(tt.from) {
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
		if tr := passerelle.TransitionFor(a); tr == nil || tr.By != passerelle.PartyModerator {
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
