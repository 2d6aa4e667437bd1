package passerelle

import "time"

// Updates of a published practice. Its author does not edit the published
// sheet in place: readers, feeds, the API, search, OAI-PMH and the PDF keep
// the published content until a moderator approves the new one. Starting an
// update (ActionStartUpdate) opens a working revision: a practice of its
// own, UpdateOf the published one, by the same author, for the same
// territory, starting as a draft with the published content. It is never
// published itself, so that only the participants of the review see it
// (Audience.SeesPractice); it goes through the same moves as a first
// version (Transitions: edit, submit, request changes, reject, withdraw;
// a draft may be deleted), but for its approval: its content then replaces
// the published sheet's (Transition.Replaces), which keeps its publication
// date and gets a new "mise à jour le" and "vérifiée le", and the working
// revision ends merged. A sheet has at most one working revision open at a
// time (the database's unique index); rejected, withdrawn or deleted, it
// leaves the published sheet as it was.

// Subject is what a transition moves: a sheet, or a working revision.
type Subject string

// The subjects of the workflow.
const (
	// SubjectSheet is a practice in its own right: written, reviewed and
	// published, then archived or updated.
	SubjectSheet Subject = "sheet"
	// SubjectUpdate is a working revision: the next version of a
	// published practice (UpdateOf) under way.
	SubjectUpdate Subject = "update"
)

// The actions of updates.
const (
	// ActionStartUpdate: the author opened a working revision of the
	// published practice (written to the working revision's history).
	ActionStartUpdate Action = "start_update"
	// ActionRevise: an approved update replaced the content of the
	// published practice (written to the published practice's history, a
	// public fact of its life: "mise à jour le").
	ActionRevise Action = "revise"
)

// NotifyUpdated tells the author that their update was approved and is
// online.
const NotifyUpdated = "practice.updated"

// SubjectOf returns what p is in the workflow: a working revision when it
// updates a published practice, else a sheet.
func SubjectOf(p *Practice) Subject {
	if p != nil && p.UpdateOf != 0 {
		return SubjectUpdate
	}
	return SubjectSheet
}

// IsUpdate reports whether p is a working revision of a published practice.
func (p *Practice) IsUpdate() bool { return p.UpdateOf != 0 }

// OpenStatuses are the states of a working revision still under way: a
// sheet has at most one working revision in them.
var OpenStatuses = []Status{StatusDraft, StatusSubmitted, StatusChangesRequested}

// Open reports whether a working revision is still under way.
func (p *Practice) Open() bool {
	for _, s := range OpenStatuses {
		if p.Status == s {
			return true
		}
	}
	return false
}

// NewUpdate returns the working revision that starts an update of the
// published practice pub at now: a draft with its content, by its author,
// for its territory, counting its submissions from pub's (Revision).
func NewUpdate(pub *Practice, now time.Time) *Practice {
	w := &Practice{
		Kind: pub.Kind, Title: pub.Title, Summary: pub.Summary, Body: pub.Body,
		BodyHTML: pub.BodyHTML, BodyRenderer: pub.BodyRenderer,
		TerritoryCode: pub.TerritoryCode, Themes: append([]string{}, pub.Themes...),
		AuthorID: pub.AuthorID, AuthorName: pub.AuthorName, Status: StatusDraft,
		Revision: pub.Revision, Version: 1, CreatedAt: now, UpdatedAt: now, UpdateOf: pub.ID,
	}
	if e := pub.Experience; e != nil {
		c := *e
		c.Partners = append([]string{}, e.Partners...)
		w.Experience = &c
	}
	if t := pub.Tool; t != nil {
		c := *t
		c.Audience, c.Languages = append([]string{}, t.Audience...), append([]string{}, t.Languages...)
		w.Tool = &c
	}
	return w
}

// CheckUpdate adds to v what an update may not change of the published
// practice pub: its territory (the moderators who published it decide on
// its updates).
func CheckUpdate(w, pub *Practice, v Validation) {
	if w.TerritoryCode != pub.TerritoryCode {
		v.Add("territory", FieldFixed)
	}
}

// FieldFixed is the reason of a field an update may not change.
const FieldFixed = "fixed"
