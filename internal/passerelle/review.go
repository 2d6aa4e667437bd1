package passerelle

import "time"

// Status is where a practice stands in the review workflow.
type Status string

// The states of a practice.
const (
	StatusDraft            Status = "draft"
	StatusSubmitted        Status = "submitted"
	StatusChangesRequested Status = "changes_requested"
	StatusPublished        Status = "published"
	StatusRejected         Status = "rejected"
	StatusWithdrawn        Status = "withdrawn"
	StatusArchived         Status = "archived"
)

// Action is something done to a practice; every action is written to its
// history.
type Action string

// The actions of the workflow.
const (
	ActionCreate         Action = "create"
	ActionEdit           Action = "update"
	ActionSubmit         Action = "submit"
	ActionApprove        Action = "approve"
	ActionRequestChanges Action = "request_changes"
	ActionReject         Action = "reject"
	ActionWithdraw       Action = "withdraw"
	ActionArchive        Action = "archive"
	ActionUnarchive      Action = "unarchive"
)

// Party says who may perform a transition.
type Party string

// The parties of the workflow.
const (
	// PartyAuthor is the practice's author, while a contributor role still
	// covers its territory.
	PartyAuthor Party = "author"
	// PartyModerator is a moderator whose territories cover the practice's,
	// never its author.
	PartyModerator Party = "moderator"
)

// Transition is one allowed move of the workflow.
type Transition struct {
	Action        Action
	From          []Status
	To            Status
	By            Party
	Permission    Permission
	CommentNeeded bool // a reason is required (request changes, reject)
	Notify        string
}

// Transitions is the whole review workflow: every move a practice can make,
// from which states, to which state, and by whom. Anything not listed is
// refused with a conflict (wrong state) or forbidden (wrong party).
var Transitions = []Transition{
	{Action: ActionEdit, From: []Status{StatusDraft, StatusChangesRequested}, By: PartyAuthor, Permission: PermEditPractice},
	{Action: ActionSubmit, From: []Status{StatusDraft, StatusChangesRequested}, To: StatusSubmitted, By: PartyAuthor, Permission: PermEditPractice, Notify: NotifySubmitted},
	{Action: ActionWithdraw, From: []Status{StatusSubmitted, StatusChangesRequested}, To: StatusWithdrawn, By: PartyAuthor, Permission: PermEditPractice},
	{Action: ActionApprove, From: []Status{StatusSubmitted}, To: StatusPublished, By: PartyModerator, Permission: PermDecide, Notify: NotifyPublished},
	{Action: ActionRequestChanges, From: []Status{StatusSubmitted}, To: StatusChangesRequested, By: PartyModerator, Permission: PermDecide, CommentNeeded: true, Notify: NotifyChangesRequested},
	{Action: ActionReject, From: []Status{StatusSubmitted}, To: StatusRejected, By: PartyModerator, Permission: PermDecide, CommentNeeded: true, Notify: NotifyRejected},
	{Action: ActionArchive, From: []Status{StatusPublished}, To: StatusArchived, By: PartyModerator, Permission: PermArchive},
	{Action: ActionUnarchive, From: []Status{StatusArchived}, To: StatusPublished, By: PartyModerator, Permission: PermArchive},
}

// TransitionFor returns the transition of action, or nil for an action that
// is not a transition (such as create).
func TransitionFor(action Action) *Transition {
	for i := range Transitions {
		if Transitions[i].Action == action {
			return &Transitions[i]
		}
	}
	return nil
}

// Allows reports whether the transition may start from status.
func (t *Transition) Allows(from Status) bool {
	for _, s := range t.From {
		if s == from {
			return true
		}
	}
	return false
}

// Target returns the status after the transition from the given state: edits
// keep the state they started from.
func (t *Transition) Target(from Status) Status {
	if t.To == "" {
		return from
	}
	return t.To
}

// Decision is a moderator's verdict on a submission.
type Decision string

// The decisions a moderator can make, each mapped to an action.
var Decisions = map[Decision]Action{
	"approve":         ActionApprove,
	"request_changes": ActionRequestChanges,
	"reject":          ActionReject,
}

// Event is an entry of a practice's history: who did what, when, from which
// state to which, and why.
type Event struct {
	ID         int64
	PracticeID int64
	At         time.Time
	ActorID    int64
	ActorName  string
	Action     Action
	From       Status
	To         Status
	Comment    string
}

// Revision is the frozen content of a practice at one submission.
type Revision struct {
	PracticeID  int64
	Number      int
	Practice    Practice
	SubmittedAt time.Time
	SubmittedBy int64
}
