package passerelle

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Bookmark is a practice a signed-in reader keeps in "Mes favoris", with a
// note of their own. Bookmarks and their notes are private to their owner:
// nobody else, not even an administrator, reads them through the platform.
// A bookmark of a practice the owner may no longer see (unpublished since)
// is kept but not shown.
type Bookmark struct {
	UserID     int64
	PracticeID int64
	Note       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Practice is the practice, when listed.
	Practice *Practice
}

// MaxBookmarkNote is the length of a bookmark's note, in characters.
const MaxBookmarkNote = 1000

// Normalize trims the note.
func (b *Bookmark) Normalize() { b.Note = strings.TrimSpace(strings.ToValidUTF8(b.Note, "")) }

// Validate checks the note's length. Errors: validation_failed on "note".
func (b *Bookmark) Validate() error {
	v := Validation{}
	if utf8.RuneCountInString(b.Note) > MaxBookmarkNote {
		v.Add("note", FieldTooLong)
	}
	return v.Err()
}
