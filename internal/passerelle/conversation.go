package passerelle

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// NotifyComment is the notification of a comment, sent to the other side:
// the author when a moderator writes, the moderators when the author does.
const NotifyComment = "practice.comment"

// SheetFields lists the fields of a practice a comment or a decision may
// name, as the API and the validation errors name them.
var SheetFields = []string{
	"kind", "title", "summary", "body", "territory", "themes",
	"experience.context", "experience.actions", "experience.partners", "experience.results",
	"experience.lessons", "experience.started_on", "experience.ended_on",
	"tool.audience", "tool.format", "tool.duration", "tool.license", "tool.languages",
	"attachments",
}

// MaxCommentLength is the longest comment or decision reason, in characters.
const MaxCommentLength = 10_000

// Comment is a message of the conversation on a practice: a comment, or the
// reason given with a decision (Decision is then the decision's action).
type Comment struct {
	ID         int64
	PracticeID int64
	At         time.Time
	AuthorID   int64
	AuthorName string
	// ByModerator is true when written by a moderator (anyone but the
	// practice's author).
	ByModerator bool
	Body        string
	Fields      []string
	Decision    Action // "" for a plain comment
	Revision    int    // the revision under discussion when it was written
}

// ValidateComment checks the text and the named fields of a comment (or of
// a decision's reason), returning the cleaned fields: known, without
// duplicates, in the order of SheetFields. Errors: validation_failed naming
// "comment" (required, too_long) or "fields" (unknown).
func ValidateComment(body string, fields []string, required bool) ([]string, error) {
	v := Validation{}
	body = strings.TrimSpace(body)
	if required && body == "" {
		v.Add("comment", FieldRequired)
	}
	if utf8.RuneCountInString(body) > MaxCommentLength {
		v.Add("comment", FieldTooLong)
	}
	v.Text("comment", body)
	var out []string
	for _, f := range SheetFields {
		if slices.Contains(fields, f) {
			out = append(out, f)
		}
	}
	for _, f := range fields {
		if !slices.Contains(SheetFields, f) {
			v.Add("fields", FieldUnknown)
		}
	}
	if len(out) > 0 && body == "" {
		// A remark next to a field needs words.
		v.Add("comment", FieldRequired)
	}
	return out, v.Err()
}

// Claim is a moderator's hold on a submission: others see who reviews it and
// since when. It lapses at ExpiresAt, after which anyone may claim it; before
// that, another moderator takes it over only explicitly.
type Claim struct {
	PracticeID    int64
	ModeratorID   int64
	ModeratorName string
	ClaimedAt     time.Time
	ExpiresAt     time.Time
}

// Live reports whether the claim still holds at now.
func (c *Claim) Live(now time.Time) bool { return c != nil && now.Before(c.ExpiresAt) }

// DefaultClaimTTL is how long a claim holds unless configured.
const DefaultClaimTTL = 48 * time.Hour
