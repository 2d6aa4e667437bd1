package passerelle

import (
	"slices"
	"time"
)

// Frequency says when a subscriber hears about new practices: at once, or
// in a daily or weekly digest.
type Frequency string

// Frequencies.
const (
	FrequencyInstant Frequency = "instant"
	FrequencyDaily   Frequency = "daily"
	FrequencyWeekly  Frequency = "weekly"
)

// Frequencies lists the valid frequencies.
var Frequencies = []Frequency{FrequencyInstant, FrequencyDaily, FrequencyWeekly}

// Valid reports whether f is a known frequency.
func (f Frequency) Valid() bool { return slices.Contains(Frequencies, f) }

// Subscription is a reader following new practices: of a territory (and
// everything below it), of a theme, of a kind, or of a combination. Empty
// criteria match everything; at least one is set.
type Subscription struct {
	ID        int64
	UserID    int64
	Territory string
	Theme     string
	Kind      Kind
	Frequency Frequency
	CreatedAt time.Time
}

// Matches reports whether a published practice concerns the subscription.
// chain is the practice's territory followed by its ancestors.
func (s *Subscription) Matches(p *Practice, chain []string) bool {
	if s.Territory != "" && !slices.Contains(chain, s.Territory) {
		return false
	}
	if s.Theme != "" && !slices.Contains(p.Themes, s.Theme) {
		return false
	}
	return s.Kind == "" || s.Kind == p.Kind
}

// ValidateShape checks what can be checked without the territory tree and the
// themes: at least one criterion, a known kind and frequency.
func (s *Subscription) ValidateShape(v Validation) {
	if s.Territory == "" && s.Theme == "" && s.Kind == "" {
		v.Add("territory", FieldRequired)
	}
	if s.Kind != "" && !s.Kind.Valid() {
		v.Add("kind", FieldUnknown)
	}
	if s.Frequency == "" {
		v.Add("frequency", FieldRequired)
	} else if !s.Frequency.Valid() {
		v.Add("frequency", FieldUnknown)
	}
}

// EmailCategory groups e-mails a user can turn off one by one.
type EmailCategory string

// E-mail categories.
const (
	EmailReviews      EmailCategory = "reviews"       // submissions to review, reminders
	EmailDecisions    EmailCategory = "decisions"     // decisions on one's own practices
	EmailNewPractices EmailCategory = "new_practices" // instant subscriptions
	EmailDigests      EmailCategory = "digests"       // daily and weekly digests
	EmailMeetings     EmailCategory = "meetings"      // one's registrations: confirmations, changes, reminders, records
)

// EmailCategories lists every category, in the order the preferences page
// shows them.
var EmailCategories = []EmailCategory{EmailReviews, EmailDecisions, EmailNewPractices, EmailDigests, EmailMeetings}

// Valid reports whether c is a known category.
func (c EmailCategory) Valid() bool { return slices.Contains(EmailCategories, c) }

// CategoryOf returns the e-mail category of a notification type.
func CategoryOf(notificationType string) EmailCategory {
	if n := MeetingNoticeFor(notificationType); n != nil {
		return n.Category
	}
	switch notificationType {
	case NotifySubmitted:
		return EmailReviews
	case NotifyNew:
		return EmailNewPractices
	default:
		return EmailDecisions
	}
}

// EmailPreferences says which e-mails a user wants; the zero value of
// Off wants all of them.
type EmailPreferences struct {
	Off map[EmailCategory]bool
}

// Wants reports whether the user wants e-mails of category c.
func (p EmailPreferences) Wants(c EmailCategory) bool { return !p.Off[c] }
