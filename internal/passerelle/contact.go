package passerelle

import (
	"strings"
	"time"
	"unicode/utf8"
)

// "Contacter l'équipe" (issue 14): a signed-in reader writes to the author
// of a published practice through the platform. Neither side sees the
// other's address: the message reaches the author as an in-app
// notification and its e-mail, sent by the platform; the author answers
// through the platform or not at all. The rules, once:
//
//   - who may write: a signed-in account that is not disabled, about a
//     published practice it may see, not its own (MayContact);
//   - how much: a message of MinContactLength to MaxContactLength
//     characters (ContactMessage.Validate);
//   - how often: ContactThrottle per sender — a few at once, then one now
//     and then, the wait doubling, so that nobody can flood the authors.

// Bounds of a contact message, in characters.
const (
	MinContactLength = 10
	MaxContactLength = 2000
)

// ContactThrottle is the rate limit of one sender's messages: five free,
// then a wait from ten minutes doubling up to a day; forgotten after a day.
var ContactThrottle = Throttle{Free: 5, First: 10 * time.Minute, Max: 24 * time.Hour, Forget: 24 * time.Hour}

// ContactKey names the throttled key of a sender.
func ContactKey(senderID int64) string { return "contact:" + itoa(senderID) }

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// NotifyContact tells an author that a reader wrote about their practice.
const NotifyContact = "practice.contact"

// AuditContact is the audit entry of a message sent (its length, never its
// text).
const AuditContact AuditAction = "contact.send"

// ContactMessage is a message from a reader to the author of a practice.
type ContactMessage struct {
	ID          int64
	PracticeID  int64
	SenderID    int64
	SenderName  string // filled when read
	RecipientID int64
	Body        string
	// ShareAddress: the sender chose to give the author their e-mail
	// address, to be answered by e-mail; otherwise nobody's address is
	// shared.
	ShareAddress bool
	CreatedAt    time.Time
}

// Normalize trims the message.
func (m *ContactMessage) Normalize() { m.Body = strings.TrimSpace(strings.ToValidUTF8(m.Body, "")) }

// Validate checks the message's length. Errors: validation_failed on
// "message" (required, too_short, too_long).
func (m *ContactMessage) Validate() error {
	v := Validation{}
	switch n := utf8.RuneCountInString(m.Body); {
	case n == 0:
		v.Add("message", FieldRequired)
	case n < MinContactLength:
		v.Add("message", FieldTooShort)
	case n > MaxContactLength:
		v.Add("message", FieldTooLong)
	}
	return v.Err()
}

// MayContact reports whether sender may write to the author of p: signed
// in, enabled, p published and not sender's own.
func MayContact(sender *User, p *Practice) bool {
	return sender != nil && !sender.Disabled() && p.Published() && p.AuthorID != sender.ID
}
