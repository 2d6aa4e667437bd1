package passerelle

import "time"

// Notification types, as listed in the API contract.
const (
	NotifySubmitted        = "practice.submitted"         // to each moderator covering the territory
	NotifyPublished        = "practice.published"         // to the author
	NotifyChangesRequested = "practice.changes_requested" // to the author
	NotifyRejected         = "practice.rejected"          // to the author
	NotifyNew              = "practice.new"               // to subscribers
)

// Notification is an in-app message to one user about one practice or one
// meeting (then PracticeID and EventID are 0 and MeetingID is set).
type Notification struct {
	ID         int64
	UserID     int64
	Type       string
	PracticeID int64
	EventID    int64
	MeetingID  int64
	Message    string
	Read       bool
	CreatedAt  time.Time
}
