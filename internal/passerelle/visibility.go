package passerelle

// Who sees what of a practice. The rule has two audiences: the public —
// anyone who does not take part in the review, signed in or not — and the
// participants (TakesPart: the author, the moderators covering the
// territory, administrators). Visibility says, part by part, which audience
// sees it; every representation of a practice (its page, every API answer,
// the feeds and exports, OAI-PMH, JSON-LD, the sitemaps, the e-mails to
// subscribers, search results) shows a practice through Audience.Sees,
// Audience.SeesPractice, Audience.Event and Audience.Revisions, and through
// nothing else.

// Audience is the side someone looks at a practice from.
type Audience string

// The audiences.
const (
	// AudiencePublic is everyone who does not take part in the review of
	// the practice: an anonymous visitor, a reader, a contributor or a
	// moderator of another territory.
	AudiencePublic Audience = "public"
	// AudienceParticipant is whoever takes part in its review (TakesPart).
	AudienceParticipant Audience = "participant"
)

// AudienceOf returns the audience u belongs to for p. A nil user is the
// public.
func AudienceOf(pol Policy, u *User, p *Practice) Audience {
	if TakesPart(pol, u, p) {
		return AudienceParticipant
	}
	return AudiencePublic
}

// Part is one part of what is known of a practice.
type Part string

// The parts of a practice.
const (
	// PartPublished is the content of a published practice: its fields,
	// its attachments, the revision that was published, its reuses.
	PartPublished Part = "published"
	// PartLife is the public facts of its life: when it was published,
	// last updated, archived and restored — without who did it or why.
	PartLife Part = "life"
	// PartUnpublished is a practice in any state but published — a draft,
	// a submission, a practice sent back, rejected, withdrawn or archived —
	// with its attachments.
	PartUnpublished Part = "unpublished"
	// PartWorkflow is the rest of its history: created, edited, submitted,
	// withdrawn, changes requested, rejected.
	PartWorkflow Part = "workflow"
	// PartActors is who moved it through the review: the moderators who
	// decided, archived or restored it.
	PartActors Part = "actors"
	// PartReasons is what was said with a decision, an archiving or a
	// restoring, and the fields it named.
	PartReasons Part = "reasons"
	// PartConversation is the messages between the author and the
	// moderators.
	PartConversation Part = "conversation"
	// PartClaims is who holds a submission in review, and since when.
	PartClaims Part = "claims"
	// PartRevisions is the earlier revisions and the differences between
	// revisions.
	PartRevisions Part = "revisions"
)

// Sight says which audiences see a part.
type Sight struct {
	Part         Part
	Public       bool
	Participants bool
}

// Visibility is the whole rule, one line per part. The public sees the
// published content and the public facts of its life; the participants
// see everything.
var Visibility = []Sight{
	{Part: PartPublished, Public: true, Participants: true},
	{Part: PartLife, Public: true, Participants: true},
	{Part: PartUnpublished, Public: false, Participants: true},
	{Part: PartWorkflow, Public: false, Participants: true},
	{Part: PartActors, Public: false, Participants: true},
	{Part: PartReasons, Public: false, Participants: true},
	{Part: PartConversation, Public: false, Participants: true},
	{Part: PartClaims, Public: false, Participants: true},
	{Part: PartRevisions, Public: false, Participants: true},
}

// Sees reports whether the audience sees part. A part missing from
// Visibility is seen by no one.
func (a Audience) Sees(part Part) bool {
	for _, s := range Visibility {
		if s.Part == part {
			return a == AudienceParticipant && s.Participants || a == AudiencePublic && s.Public
		}
	}
	return false
}

// SeesPractice reports whether the audience sees p at all: a published
// practice is PartPublished, any other PartUnpublished.
func (a Audience) SeesPractice(p *Practice) bool {
	if p.Published() {
		return a.Sees(PartPublished)
	}
	return a.Sees(PartUnpublished)
}

// EventPart returns the part of a practice an entry of its history belongs
// to. Its actor and its comment are PartActors and PartReasons on top, but
// for a reuse, whose author and note are public (PartPublished).
func EventPart(e Event) Part {
	switch e.Action {
	case ActionApprove, ActionArchive, ActionUnarchive, ActionConfirmCurrent, ActionRevise:
		return PartLife
	case ActionReuse:
		return PartPublished
	case ActionComment:
		return PartConversation
	case ActionClaim, ActionRelease:
		return PartClaims
	default:
		return PartWorkflow
	}
}

// Event returns e as the audience sees it, and false when it does not see
// it at all: an audience that does not see PartActors gets it without its
// actor, one that does not see PartReasons without its comment and fields.
func (a Audience) Event(e Event) (Event, bool) {
	part := EventPart(e)
	if !a.Sees(part) {
		return Event{}, false
	}
	if part == PartPublished {
		return e, true
	}
	if !a.Sees(PartActors) {
		e.ActorID, e.ActorName = 0, ""
	}
	if !a.Sees(PartReasons) {
		e.Comment, e.Fields = "", nil
	}
	return e, true
}

// History returns what the audience sees of a practice's history, in the
// same order.
func (a Audience) History(events []Event) []Event {
	out := make([]Event, 0, len(events))
	for _, e := range events {
		if e, ok := a.Event(e); ok {
			out = append(out, e)
		}
	}
	return out
}

// Revisions returns what the audience sees of the revisions of p: all of
// them with PartRevisions; otherwise only the revision that is published
// (the published content), none for a practice not published.
func (a Audience) Revisions(p *Practice, revs []Revision) []Revision {
	if a.Sees(PartRevisions) {
		return revs
	}
	out := []Revision{}
	if !p.Published() || !a.Sees(PartPublished) {
		return out
	}
	for _, r := range revs {
		if r.Number == p.Revision {
			out = append(out, r)
		}
	}
	return out
}
