package passerelle

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// Identity is who an OpenID provider says is signing in: the provider proves
// who, Passerelle decides what (roles stay granted here, never taken from
// the provider's claims).
type Identity struct {
	Issuer  string // the provider's issuer URL
	Subject string // the provider's stable identifier of the person (sub)
	Email   string
	// EmailVerified is true only when the provider said so
	// (email_verified: true); a missing claim counts as not verified.
	EmailVerified bool
	Name          string
}

// IdentityLink ties an account to the subject a provider knows it by.
type IdentityLink struct {
	UserID     int64
	Issuer     string
	Subject    string
	Email      string // the provider's e-mail when the link was made
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// SignInMethods says how an account signs in, for administrators and for
// the account's own page.
type SignInMethods struct {
	Password bool           // the account has a password
	Links    []IdentityLink // OpenID providers, oldest first
}

// Reasons a sign-in through a provider is refused. They are the value of
// Error.Fields["oidc"], stable identifiers the web layer turns into a
// message for people; the refusal creates and links nothing.
const (
	SignInState       = "state"            // unknown, used or expired state: replayed or forged callback
	SignInDenied      = "denied"           // the person cancelled at the provider, or it refused
	SignInUnavailable = "unavailable"      // the provider does not answer
	SignInToken       = "token"            // the code or the ID token does not hold (audience, expiry, signature, nonce…)
	SignInNoEmail     = "email_missing"    // the provider gave no e-mail address
	SignInUnverified  = "email_unverified" // the provider did not say the e-mail is verified
	SignInDisabled    = "disabled"         // the account is disabled
	SignInTaken       = "taken"            // the e-mail's account is already linked to another subject of this provider
)

// SignInError returns the error of a refused provider sign-in, with its
// reason in Fields["oidc"].
func SignInError(code, reason, msg string) error {
	return &Error{Code: code, Message: msg, Fields: map[string]string{"oidc": reason}}
}

// SignInReason returns the reason of a refused provider sign-in, "" for
// other errors.
func SignInReason(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Fields != nil {
		return e.Fields["oidc"]
	}
	return ""
}

// NameFromIdentity returns the name a new account takes from what the
// provider told: the name it gives, else the e-mail's local part. Control
// characters are dropped and the length bounded as for any account.
func NameFromIdentity(id Identity) string {
	name := strings.Join(strings.Fields(id.Name), " ")
	if name == "" {
		name, _, _ = strings.Cut(id.Email, "@")
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, name)
	for utf8.RuneCountInString(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return strings.TrimSpace(name)
}

// Audit actions of provider sign-in.
const (
	AuditIdentityLink    AuditAction = "user.identity.link"   // an account is linked to a provider's subject
	AuditPasswordRemoved AuditAction = "user.password.remove" // an account dropped its password
)

// IdentityAuditActions lists the audit actions of provider sign-in.
var IdentityAuditActions = []AuditAction{AuditIdentityLink, AuditPasswordRemoved}
