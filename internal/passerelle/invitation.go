package passerelle

import (
	"strings"
	"time"
	"unicode/utf8"
)

// InvitationLifetime is how long an invitation link works.
const InvitationLifetime = 7 * 24 * time.Hour

// PasswordResetLifetime is how long a password reset link works.
const PasswordResetLifetime = time.Hour

// Invitation asks someone to open an account that will hold Role on
// Territory (and everything below it). Its link carries a random token,
// stored only hashed, that works once and until ExpiresAt.
//
// Who may invite whom is a rule of the domain: administrators invite anyone
// to any role on any territory; a moderator invites contributors on the
// territories they moderate (see MayInvite).
type Invitation struct {
	ID            int64
	Email         string
	Name          string
	Role          Role
	Territory     string
	Lang          string
	InvitedBy     int64 // 0: the command line
	InvitedByName string
	CreatedAt     time.Time
	ExpiresAt     time.Time
	SentAt        *time.Time
	AcceptedAt    *time.Time
	RevokedAt     *time.Time
}

// InvitationState is where an invitation stands.
type InvitationState string

// The states of an invitation.
const (
	InvitationPending  InvitationState = "pending"
	InvitationAccepted InvitationState = "accepted"
	InvitationExpired  InvitationState = "expired"
	InvitationRevoked  InvitationState = "revoked"
)

// State returns the state of the invitation at now.
func (i *Invitation) State(now time.Time) InvitationState {
	switch {
	case i.AcceptedAt != nil:
		return InvitationAccepted
	case i.RevokedAt != nil:
		return InvitationRevoked
	case !now.Before(i.ExpiresAt):
		return InvitationExpired
	}
	return InvitationPending
}

// ValidateInvitation checks the fields of a new invitation (not whether the
// territory exists).
func ValidateInvitation(email, name string, role Role) error {
	v := Validation{}
	if !validEmail(email) {
		v.Add("email", FieldInvalid)
	}
	if strings.TrimSpace(name) == "" {
		v.Add("name", FieldRequired)
	} else if utf8.RuneCountInString(name) > 200 {
		v.Add("name", FieldTooLong)
	}
	v.Line("name", name)
	if role == "" {
		v.Add("role", FieldRequired)
	} else if !role.Grantable() {
		v.Add("role", FieldUnknown)
	}
	return v.Err()
}

// ValidatePassword checks a new password: at least MinPasswordLength
// characters, at most 1,024 bytes.
func ValidatePassword(field, password string) error {
	v := Validation{}
	v.Line(field, password)
	if utf8.RuneCountInString(password) < MinPasswordLength {
		v.Add(field, FieldTooShort)
	} else if len(password) > 1024 {
		v.Add(field, FieldTooLong)
	}
	return v.Err()
}
