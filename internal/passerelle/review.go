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
	// StatusMerged ends a working revision (an update of a published
	// practice, see update.go) whose content replaced the published one.
	StatusMerged Status = "merged"
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
	// PartyHolder is who holds the review of a submission (only ever told,
	// never acting as such; see Holder): the moderator of its live claim,
	// or of a resubmission the moderator who asked for the changes; when
	// nobody holds it, the moderators of the nearest territory of its
	// chain that has any (NearestModerators). Moderators above them hear
	// of it only on escalation (the review reminders of internal/jobs).
	PartyHolder Party = "holder"
	// PartyReviewer is who an author's message reaches (only ever told):
	// the moderator holding a live claim on the submission, else every
	// moderator who Moderates it.
	PartyReviewer Party = "reviewer"
)

// Transition is one allowed move of the workflow.
type Transition struct {
	Action Action
	// For says which practices the move applies to: a sheet, a working
	// revision (an update of a published sheet), or both ("").
	For           Subject
	From          []Status
	To            Status
	By            Party
	Permission    Permission
	CommentNeeded bool // a reason is required (request changes, reject)
	// Notify is the notification the transition sends, "" for none; Tell
	// is who receives it: PartyModerator, every moderator who Moderates
	// the practice; PartyAuthor, its author (unless disabled). The
	// notification job (internal/jobs) reads them here and nowhere else.
	Notify string
	Tell   Party
	// TellOnReturn, when set, replaces Tell when the practice comes back
	// from changes requested (a resubmission): the review is under way, so
	// its holder is told rather than every moderator (PartyHolder).
	TellOnReturn Party
	// FanOut: the transition makes the practice public, and the
	// subscribers whose subscriptions match it are told of it — once per
	// practice: who already heard of it (an earlier publication) is not
	// told again. A restored practice whose publication's fan-out found
	// it archived is thus still announced.
	FanOut bool
	// Replaces: the working revision's content replaces the content of the
	// published practice it updates (update.go), which stays published.
	Replaces bool
}

// Transitions is the whole review workflow: every move a practice can make,
// from which states, to which state, and by whom. Anything not listed is
// refused with a conflict (wrong state) or forbidden (wrong party).
var Transitions = []Transition{
	{Action: ActionEdit, From: []Status{StatusDraft, StatusChangesRequested}, By: PartyAuthor, Permission: PermEditPractice},
	{Action: ActionSubmit, From: []Status{StatusDraft, StatusChangesRequested}, To: StatusSubmitted, By: PartyAuthor, Permission: PermEditPractice, Notify: NotifySubmitted, Tell: PartyModerator, TellOnReturn: PartyHolder},
	{Action: ActionWithdraw, From: []Status{StatusSubmitted, StatusChangesRequested}, To: StatusWithdrawn, By: PartyAuthor, Permission: PermEditPractice},
	{Action: ActionApprove, For: SubjectSheet, From: []Status{StatusSubmitted}, To: StatusPublished, By: PartyModerator, Permission: PermDecide, Notify: NotifyPublished, Tell: PartyAuthor, FanOut: true},
	// An approved update replaces the published content, which keeps its
	// publication date and counts as confirmed current; its subscribers
	// are not told again (it is not a new practice: feeds and harvesters
	// see its new date).
	{Action: ActionApprove, For: SubjectUpdate, From: []Status{StatusSubmitted}, To: StatusMerged, By: PartyModerator, Permission: PermDecide, Notify: NotifyUpdated, Tell: PartyAuthor, Replaces: true},
	{Action: ActionRequestChanges, From: []Status{StatusSubmitted}, To: StatusChangesRequested, By: PartyModerator, Permission: PermDecide, CommentNeeded: true, Notify: NotifyChangesRequested, Tell: PartyAuthor},
	{Action: ActionReject, From: []Status{StatusSubmitted}, To: StatusRejected, By: PartyModerator, Permission: PermDecide, CommentNeeded: true, Notify: NotifyRejected, Tell: PartyAuthor},
	{Action: ActionArchive, For: SubjectSheet, From: []Status{StatusPublished}, To: StatusArchived, By: PartyModerator, Permission: PermArchive},
	{Action: ActionUnarchive, For: SubjectSheet, From: []Status{StatusArchived}, To: StatusPublished, By: PartyModerator, Permission: PermArchive, FanOut: true},
	// Its author opens an update of a published sheet: a working revision
	// (update.go), edited, submitted and decided like a draft, while the
	// published sheet stays as it is.
	{Action: ActionStartUpdate, For: SubjectSheet, From: []Status{StatusPublished}, By: PartyAuthor, Permission: PermEditPractice},
}

// TransitionFor returns the transition of action on p (a sheet or a
// working revision: SubjectOf), or nil for an action that is not a
// transition (such as create).
func TransitionFor(action Action, p *Practice) *Transition {
	subject := SubjectOf(p)
	for i := range Transitions {
		if t := &Transitions[i]; t.Action == action && (t.For == "" || t.For == subject) {
			return t
		}
	}
	return nil
}

// AppliesTo reports whether the transition is a move of p (For).
func (t *Transition) AppliesTo(p *Practice) bool { return t.For == "" || t.For == SubjectOf(p) }

// Told returns who receives the transition's notification when it starts
// from status: TellOnReturn for a return from changes requested, else Tell.
func (t *Transition) Told(from Status) Party {
	if from == StatusChangesRequested && t.TellOnReturn != "" {
		return t.TellOnReturn
	}
	return t.Tell
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
	// Fields names the fields of the sheet a comment or a decision is
	// about (see SheetFields), so that the author sees the remark beside
	// them.
	Fields []string
}

// Revision is the frozen content of a practice at one submission.
type Revision struct {
	PracticeID  int64
	Number      int
	Practice    Practice
	SubmittedAt time.Time
	SubmittedBy int64
	// Files are the files attached when it was submitted, in the order
	// they were added; nil for a revision submitted before they were
	// recorded (unknown, never compared), empty for none.
	Files []RevisionFile
	// Cover is the cover image when it was submitted (nil: none), known
	// when CoverKnown — revisions submitted before covers were recorded
	// are never compared on it.
	Cover      *Cover
	CoverKnown bool
}

// RevisionFile is what a revision keeps of an attached file: enough to tell
// a moderator which files were added or removed.
type RevisionFile struct {
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// FilesOf returns what a revision keeps of attachments (never nil).
func FilesOf(items []Attachment) []RevisionFile {
	out := make([]RevisionFile, 0, len(items))
	for _, a := range items {
		out = append(out, RevisionFile{Name: a.Name, Size: a.Size, ContentType: a.ContentType})
	}
	return out
}

// The actions that do not move a practice in the workflow: they are written
// to its history (but for attachments) and governed by Activities.
const (
	ActionComment Action = "comment" // a message between the author and the moderators
	ActionClaim   Action = "claim"   // a moderator takes a submission in review
	ActionRelease Action = "release" // a moderator gives a claim up
	ActionAttach  Action = "attach"  // the author adds or removes an attachment
	ActionDelete  Action = "delete"  // the author deletes a draft
)

// Activity is something done on a practice that leaves its state as it is:
// in which states, and by which parties. An actor who is both the author and
// a moderator of the territory acts as the author.
type Activity struct {
	Action Action
	In     []Status
	By     []Party
	// Notify is the notification the activity sends, "" for none; Tell is
	// who receives it, by the party that acted (the other side of a
	// conversation).
	Notify string
	Tell   map[Party]Party
}

// Activities is the rest of the review loop, beside Transitions: who may
// talk, claim, attach and delete, and when. Parties need the permission of
// their side: PermEditPractice for the author, PermDecide for a moderator.
var Activities = []Activity{
	// Author and moderators exchange comments while a submission is open:
	// under review, or sent back for changes.
	// The author's message reaches the reviewer, a moderator's the author.
	{Action: ActionComment, In: []Status{StatusSubmitted, StatusChangesRequested}, By: []Party{PartyAuthor, PartyModerator},
		Notify: NotifyComment, Tell: map[Party]Party{PartyAuthor: PartyReviewer, PartyModerator: PartyAuthor}},
	// A moderator claims a submission, or gives the claim up.
	{Action: ActionClaim, In: []Status{StatusSubmitted}, By: []Party{PartyModerator}},
	{Action: ActionRelease, In: []Status{StatusSubmitted}, By: []Party{PartyModerator}},
	// Attachments change with the text: while the author may edit.
	{Action: ActionAttach, In: []Status{StatusDraft, StatusChangesRequested}, By: []Party{PartyAuthor}},
	// Only a draft that was never submitted can be deleted; anything a
	// moderator has seen stays, withdrawn or rejected.
	{Action: ActionDelete, In: []Status{StatusDraft}, By: []Party{PartyAuthor}},
	// A published practice is confirmed still current by its author, or
	// by a moderator on their behalf (freshness.go).
	{Action: ActionConfirmCurrent, In: []Status{StatusPublished}, By: []Party{PartyAuthor, PartyModerator}},
}

// Told returns who hears of the activity when its author (byAuthor) or a
// moderator did it; "" for nobody. An actor who is both the author and a
// moderator of the territory acts as the author.
func (a *Activity) Told(byAuthor bool) Party {
	if byAuthor {
		return a.Tell[PartyAuthor]
	}
	return a.Tell[PartyModerator]
}

// ActivityFor returns the rule of a non-transition action, or nil.
func ActivityFor(action Action) *Activity {
	for i := range Activities {
		if Activities[i].Action == action {
			return &Activities[i]
		}
	}
	return nil
}

// Allows reports whether the activity may happen in status.
func (a *Activity) Allows(status Status) bool {
	for _, s := range a.In {
		if s == status {
			return true
		}
	}
	return false
}

// OpenTo reports whether party may perform the activity.
func (a *Activity) OpenTo(party Party) bool {
	for _, p := range a.By {
		if p == party {
			return true
		}
	}
	return false
}
