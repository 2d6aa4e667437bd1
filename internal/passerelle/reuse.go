package passerelle

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Practices travel ("essaimage"): a contributor records that a published
// practice of another territory was reused in one of theirs. The rules:
//
//   - only a published practice can be reused;
//   - the territory is one where the contributor holds the contributor role
//     (PermCreatePractice), and not the practice's own;
//   - a practice is recorded once per territory (conflict otherwise);
//   - the practice's history tells of it (ActionReuse) and its author is
//     notified (NotifyReused).

// ActionReuse is the history entry of a reuse; its comment is the note.
const ActionReuse Action = "reuse"

// NotifyReused tells an author that their practice was reused elsewhere.
const NotifyReused = "practice.reused"

// MaxReuseNote is the longest note of a reuse, in characters.
const MaxReuseNote = 1000

// Reuse records that a practice was reused in a territory.
type Reuse struct {
	ID            int64
	PracticeID    int64
	TerritoryCode string
	UserID        int64
	UserName      string // filled when read
	Note          string
	EventID       int64
	CreatedAt     time.Time

	// Filled when read for a territory's lists: the practice reused.
	PracticeTitle     string
	PracticeTerritory string
}

// Normalize trims the note.
func (r *Reuse) Normalize() {
	r.Note = strings.TrimSpace(r.Note)
	r.TerritoryCode = strings.TrimSpace(r.TerritoryCode)
}

// Validate checks the fields a contributor gives: a territory, and a note
// of at most MaxReuseNote characters.
func (r *Reuse) Validate() error {
	v := Validation{}
	if r.TerritoryCode == "" {
		v.Add("territory", FieldRequired)
	}
	if utf8.RuneCountInString(r.Note) > MaxReuseNote {
		v.Add("note", FieldTooLong)
	}
	v.Text("note", r.Note)
	v.Line("territory", r.TerritoryCode)
	return v.Err()
}
