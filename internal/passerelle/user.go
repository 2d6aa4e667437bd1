package passerelle

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is an account. Readers need no account; contributors and moderators
// hold roles on territories; admins may do everything.
type User struct {
	ID         int64
	Email      string
	Name       string
	Admin      bool
	Lang       string // preferred language for e-mails: "fr" or "en"
	DisabledAt *time.Time
	CreatedAt  time.Time
}

// Disabled reports whether the account may no longer sign in.
func (u *User) Disabled() bool { return u.DisabledAt != nil }

// MinPasswordLength is the shortest password accepted for an account.
const MinPasswordLength = 12

// NormalizeEmail trims and lower-cases an e-mail address, so that one person
// cannot hold two accounts by changing the case of their address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidateNewUser checks the fields of an account about to be created.
func ValidateNewUser(email, name, password string) error {
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
	v.Line("password", password)
	if utf8.RuneCountInString(password) < MinPasswordLength {
		v.Add("password", FieldTooShort)
	} else if len(password) > 1024 {
		v.Add("password", FieldTooLong)
	}
	return v.Err()
}

// validEmail reports whether email is a bare, normalised address.
func validEmail(email string) bool {
	a, err := mail.ParseAddress(email)
	return err == nil && a.Address == email && len(email) <= 254
}
